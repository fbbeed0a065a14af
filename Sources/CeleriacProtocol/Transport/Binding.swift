/// A kombu binding as stored in the set `_kombu.binding.<exchange>`:
/// `routing_key SEP pattern SEP queue` (SEP = 0x06 0x16).
public struct Binding: Sendable, Hashable {
    /// The routing key (`celery`, `worker.#`, or empty for fanout).
    public var routingKey: String
    /// The pattern (always empty in Celery's bindings).
    public var pattern: String
    /// The bound queue.
    public var queue: String

    /// A binding.
    public init(routingKey: String, pattern: String = "", queue: String) {
        self.routingKey = routingKey
        self.pattern = pattern
        self.queue = queue
    }

    /// The set member.
    public var member: String {
        routingKey + Priority.separator + pattern + Priority.separator + queue
    }

    /// Reads a set member; nil when it does not have exactly three parts.
    public init?(member: String) {
        let separator = Priority.separatorBytes
        let bytes = Array(member.utf8)
        var parts: [[UInt8]] = [[]]
        var index = 0
        while index < bytes.count {
            if index + 1 < bytes.count && bytes[index] == separator[0] && bytes[index + 1] == separator[1] {
                parts.append([])
                index += 2
            } else {
                parts[parts.count - 1].append(bytes[index])
                index += 1
            }
        }
        guard parts.count == 3 else { return nil }
        routingKey = String(decoding: parts[0], as: UTF8.self)
        pattern = String(decoding: parts[1], as: UTF8.self)
        queue = String(decoding: parts[2], as: UTF8.self)
    }

    /// The binding set of an exchange.
    public static func setKey(exchange: String) -> String {
        "_kombu.binding." + exchange
    }

    /// The permanent binding set kombu keeps beside it (queues without x-expires).
    public static func permanentSetKey(exchange: String) -> String {
        "_kombu.binding_permanent." + exchange
    }

    /// The sorted set of binding deadlines (queues with x-expires).
    public static let deadlinesKey = "_kombu.binding_deadlines"
}
