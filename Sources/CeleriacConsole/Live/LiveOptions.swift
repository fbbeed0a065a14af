import Celeriac

/// How often `LiveSource` reads what it polls, how long it waits for workers, and who the
/// operator is (for the audit list).
public struct LiveOptions: Sendable {
    /// Seconds between rounds of queue depths (one pipelined LLEN round each).
    public var depthInterval: Double
    /// Seconds between reads of kombu's bindings (the queues the broker knows).
    public var bindingsInterval: Double
    /// Seconds between reads of the audit list.
    public var auditInterval: Double
    /// How many of the newest audit records are read.
    public var auditCount: Int
    /// Seconds to wait for each next remote-control reply (Celery's CLI waits 1 s).
    public var controlTimeout: Double
    /// Messages per page of the queue browser.
    public var browsePageSize: Int
    /// The longest wait between reconnect attempts, in seconds (the waits double up to it).
    public var maxReconnectDelay: Double
    /// A worker whose snapshot got no reply is asked again on a later heartbeat: after 2 s,
    /// then 4, 8… up to this many seconds. (A worker can announce itself before its
    /// remote-control mailbox listens.)
    public var maxSnapshotRetryDelay: Double
    /// Who acts, for the audit list.
    public var identity: OperatorIdentity

    public init(depthInterval: Double = 1, bindingsInterval: Double = 5, auditInterval: Double = 3,
                auditCount: Int = 1_000, controlTimeout: Double = 1, browsePageSize: Int = 20,
                maxReconnectDelay: Double = 10, maxSnapshotRetryDelay: Double = 60,
                identity: OperatorIdentity = .current()) {
        self.depthInterval = max(0.05, depthInterval)
        self.bindingsInterval = max(0.05, bindingsInterval)
        self.auditInterval = max(0.05, auditInterval)
        self.auditCount = max(1, auditCount)
        self.controlTimeout = max(0.05, controlTimeout)
        self.browsePageSize = max(1, browsePageSize)
        self.maxReconnectDelay = max(0.1, maxReconnectDelay)
        self.maxSnapshotRetryDelay = max(0.1, maxSnapshotRetryDelay)
        self.identity = identity
    }

    /// The wait before reconnect attempt `failures` (1, 2, 4… seconds, capped).
    public func reconnectDelay(afterFailures failures: Int) -> Double {
        let exponent = Double(min(max(failures, 1), 16) - 1)
        return min(maxReconnectDelay, pow2(exponent))
    }

    /// The wait before asking a silent worker for its snapshot again, after `attempts`
    /// unanswered ones (2, 4, 8… seconds, capped).
    public func snapshotRetryDelay(afterAttempts attempts: Int) -> Double {
        min(maxSnapshotRetryDelay, pow2(Double(min(max(attempts, 1), 16))))
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        var left = exponent
        while left >= 1 {
            value *= 2
            left -= 1
        }
        return value
    }
}
