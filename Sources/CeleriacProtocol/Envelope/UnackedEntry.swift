/// A value of kombu's `unacked` hash: `[envelope, exchange, routing_key]`, kept so a restore
/// can put the message back where it came from.
public struct UnackedEntry: Sendable, Hashable {
    /// The message as it was delivered.
    public var envelope: KombuEnvelope
    /// The exchange it was delivered from (`""` for tasks).
    public var exchange: String
    /// The routing key (the queue for tasks).
    public var routingKey: String

    /// An entry for a delivered message.
    public init(envelope: KombuEnvelope, exchange: String, routingKey: String) {
        self.envelope = envelope
        self.exchange = exchange
        self.routingKey = routingKey
    }

    /// Decodes an `unacked` hash value.
    public static func decode(_ bytes: some Collection<UInt8>) throws(ProtocolError) -> UnackedEntry {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ProtocolError.json(error, in: "unacked entry")
        }
        guard case .array(let items) = value, items.count == 3 else {
            throw ProtocolError(.wrongType, field: "unacked entry", "an unacked entry must be [envelope, exchange, routing_key]")
        }
        let envelope = try KombuEnvelope.decode(items[0])
        guard case .string(let exchange) = items[1] else {
            throw ProtocolError.wrongType("unacked entry[1]", expected: "a string", found: items[1])
        }
        guard case .string(let routingKey) = items[2] else {
            throw ProtocolError.wrongType("unacked entry[2]", expected: "a string", found: items[2])
        }
        return UnackedEntry(envelope: envelope, exchange: exchange, routingKey: routingKey)
    }

    /// The hash value as kombu writes it.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        envelope.encode(into: &out)
        out.append(contentsOf: ", ".utf8)
        JSONWriter.appendString(exchange, to: &out, ensureASCII: true)
        out.append(contentsOf: ", ".utf8)
        JSONWriter.appendString(routingKey, to: &out, ensureASCII: true)
        out.append(UInt8(ascii: "]"))
        return out
    }
}
