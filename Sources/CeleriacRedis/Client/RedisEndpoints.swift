import NIOConcurrencyHelpers

/// The servers a client fails over between, as kombu's failover list (`redis://a;redis://b`,
/// round-robin): every connection of the client connects to the current one, and a failed
/// connect attempt moves all of them on to the next, so they meet on the server that answers.
public final class RedisEndpoints: Sendable, CustomStringConvertible {
    /// Every server, in the order they are tried.
    public let urls: [RedisURL]
    private let index = NIOLockedValueBox(0)

    /// `first`, then each of `alternates` in turn.
    public init(_ first: RedisURL, alternates: [RedisURL] = []) {
        urls = [first] + alternates
    }

    /// The server connections go to now.
    public var current: RedisURL { index.withLockedValue { urls[$0] } }

    /// Whether there is anywhere else to go.
    public var hasAlternates: Bool { urls.count > 1 }

    /// Moves on from `failed` and returns the server to try next. Several connections failing
    /// on the same server move the rotation one step, not one step each.
    @discardableResult
    public func advance(from failed: RedisURL) -> RedisURL {
        index.withLockedValue { index in
            if urls[index] == failed { index = (index + 1) % urls.count }
            return urls[index]
        }
    }

    public var description: String { urls.map { $0.render(maskPassword: true) }.joined(separator: ";") }
}
