import CeleriacProtocol

/// One operator action as the audit list stores it: a JSON object
/// `{"timestamp", "user", "host", "action", "target", "outcome"}`.
public struct AuditRecord: Sendable, Hashable {
    /// When the action was taken, seconds since the epoch.
    public var timestamp: Double
    /// The operating-system user who took it.
    public var user: String
    /// The host the action was taken from.
    public var host: String
    /// What was done (`revoke`, `rate_limit`, `purge`…).
    public var action: String
    /// What it applied to: task ids, a queue, a task name and its new limit, a worker.
    public var target: String
    /// What came back (which workers replied and what they said, or the error).
    public var outcome: String

    /// A record.
    public init(timestamp: Double, user: String, host: String, action: String, target: String, outcome: String) {
        self.timestamp = timestamp
        self.user = user
        self.host = host
        self.action = action
        self.target = target
        self.outcome = outcome
    }

    /// `user@host`, as the console and `celeriac audit` show who acted.
    public var who: String { "\(user)@\(host)" }

    /// The stored JSON object.
    public var jsonValue: JSONValue {
        ["timestamp": .double(timestamp), "user": .string(user), "host": .string(host), "action": .string(action),
         "target": .string(target), "outcome": .string(outcome)]
    }

    /// The stored bytes.
    public var encoded: [UInt8] { JSONWriter.bytes(jsonValue) }

    /// Reads a stored record; every field is required and must have its kind.
    public init(decoding bytes: some Collection<UInt8>) throws(AuditRecordError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw AuditRecordError(message: "not JSON: \(error)")
        }
        guard let object = value.objectValue else {
            throw AuditRecordError(message: "expected a JSON object, found \(value.kindName)")
        }
        func text(_ key: String) throws(AuditRecordError) -> String {
            guard let field = object[key] else { throw AuditRecordError(message: "missing \"\(key)\"") }
            guard let string = field.stringValue else {
                throw AuditRecordError(message: "\"\(key)\" must be a string, found \(field.kindName)")
            }
            return string
        }
        guard let timestamp = object["timestamp"]?.numberValue, timestamp.isFinite else {
            throw AuditRecordError(message: "missing number \"timestamp\"")
        }
        self.init(timestamp: timestamp, user: try text("user"), host: try text("host"), action: try text("action"),
                  target: try text("target"), outcome: try text("outcome"))
    }
}

/// An entry of the audit list that is not a valid record (written by something else).
public struct AuditRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with it.
    public var message: String

    /// An error with this message.
    public init(message: String) { self.message = message }

    public var description: String { "unreadable audit entry: \(message)" }
}
