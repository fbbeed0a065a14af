import CeleriacRESP

/// A message received on a subscribed channel or pattern.
public struct RedisPubSubMessage: Sendable, Hashable {
    /// The pattern that matched, for messages delivered through PSUBSCRIBE.
    public var pattern: String?
    /// The channel the message was published to.
    public var channel: String
    /// The published bytes.
    public var payload: [UInt8]

    public init(pattern: String? = nil, channel: String, payload: [UInt8]) {
        self.pattern = pattern
        self.channel = channel
        self.payload = payload
    }
}

/// What a ``RedisSubscriber`` delivers, in order.
public enum RedisPubSubEvent: Sendable, Hashable {
    /// A published message.
    case message(RedisPubSubMessage)
    /// The connection was lost. Messages published until ``reconnected`` are lost.
    case disconnected(RedisError)
    /// A new connection is up and every channel and pattern is subscribed again. Anything
    /// published while disconnected was missed, so a consumer should re-read what it tracks.
    case reconnected
}

/// A pub/sub frame, parsed: RESP3 push or RESP2 array.
enum RedisPubSubFrame: Equatable {
    case message(RedisPubSubMessage)
    case confirmation(RedisPubSubRequest.Kind, String?)
    case other

    init(_ items: [RESPValue]) {
        guard let kindBytes = items.first?.bytes else {
            self = .other
            return
        }
        switch String(decoding: kindBytes, as: UTF8.self).lowercased() {
        case "message" where items.count >= 3:
            guard let channel = items[1].string, let payload = items[2].bytes else {
                self = .other
                return
            }
            self = .message(RedisPubSubMessage(channel: channel, payload: payload))
        case "pmessage" where items.count >= 4:
            guard let pattern = items[1].string, let channel = items[2].string, let payload = items[3].bytes else {
                self = .other
                return
            }
            self = .message(RedisPubSubMessage(pattern: pattern, channel: channel, payload: payload))
        case "subscribe" where items.count >= 2: self = .confirmation(.subscribe, items[1].string)
        case "unsubscribe" where items.count >= 2: self = .confirmation(.unsubscribe, items[1].string)
        case "psubscribe" where items.count >= 2: self = .confirmation(.psubscribe, items[1].string)
        case "punsubscribe" where items.count >= 2: self = .confirmation(.punsubscribe, items[1].string)
        default: self = .other
        }
    }
}

/// A subscription change and the confirmation it waits for.
struct RedisPubSubRequest: Hashable {
    enum Kind: String, Hashable {
        case subscribe = "SUBSCRIBE"
        case unsubscribe = "UNSUBSCRIBE"
        case psubscribe = "PSUBSCRIBE"
        case punsubscribe = "PUNSUBSCRIBE"
    }

    var kind: Kind
    var name: String
}
