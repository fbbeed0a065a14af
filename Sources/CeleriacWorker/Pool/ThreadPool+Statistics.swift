import CeleriacProtocol

extension ThreadPool {
    /// The `pool` object of `stats` with the keys of Celery's threads pool
    /// (`celery.concurrency.thread.TaskPool._get_info`): `max-concurrency` and `threads`, the
    /// threads that take tasks. `stuck-threads` adds the ones left to code that ignored its
    /// hard limit (Celery's threads pool has no hard limit to report on).
    public func statistics() -> JSONObject {
        state.withLock { state in
            [
                "implementation": .string(Self.implementation), "max-concurrency": .integer(state.target),
                "threads": .integer(state.live.count), "stuck-threads": .integer(state.stuck.count),
            ]
        }
    }

    /// What `stats` names the pool (the console shows the part after `concurrency.`).
    public static let implementation = "celeriac.concurrency.thread:TaskPool"
}
