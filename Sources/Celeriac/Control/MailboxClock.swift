import NIOConcurrencyHelpers

/// The Lamport clock of a remote-control mailbox, as kombu's `Mailbox.clock`: every request
/// carries the next value, and every reply's clock moves it forward, so requests from one
/// process are ordered after anything it has heard. Separate from the event clock, as in
/// kombu. Share one between the control clients of a process (``App`` does).
public final class MailboxClock: Sendable {
    private let value: NIOLockedValueBox<Int>

    /// A clock starting at `value`.
    public init(_ value: Int = 0) { self.value = NIOLockedValueBox(value) }

    /// The current value.
    public var current: Int { value.withLockedValue { $0 } }

    /// Advances the clock for a request sent and returns the new value.
    public func forward() -> Int { value.withLockedValue { $0 += 1; return $0 } }

    /// Adjusts the clock to a value heard from another node: max(own, heard) + 1.
    public func adjust(_ heard: Int) { value.withLockedValue { $0 = max($0, heard) + 1 } }
}
