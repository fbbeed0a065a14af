import CeleriacProtocol

extension ProcessPool {
    /// The `pool` object of `stats`, with the keys and shapes of Celery's prefork pool
    /// (`celery.concurrency.prefork.TaskPool._get_info` and `AsynPool.human_write_stats`),
    /// so `celery inspect stats` and Flower read it as a prefork pool.
    /// - Parameters:
    ///   - softTimeout: the worker's default soft limit (`timeouts[0]`, 0 for none).
    ///   - hardTimeout: the worker's default hard limit (`timeouts[1]`).
    public func statistics(softTimeout: Double?, hardTimeout: Double?) -> JSONObject {
        let (target, ordered) = state.withLock { state in
            (state.target, state.children.keys.sorted().compactMap { state.children[$0] })
        }
        var object = WorkerStats.pool(implementation: Self.implementation, maxConcurrency: target, processes: ordered.map { Int($0.pid) },
                                      maxTasksPerChild: options.maxTasksPerChild)
        object["timeouts"] = .array([Self.number(softTimeout), Self.number(hardTimeout)])
        let counts = ordered.map(\.writes)
        let total = counts.reduce(0, +)
        func share(_ value: Double) -> String {
            value == 0 || total == 0 ? "0.00" : Self.twoPlaces(value / Double(total))
        }
        let busy = ordered.filter { !$0.jobs.isEmpty }.count
        object["writes"] = [
            "total": .integer(total),
            "avg": .string(share(counts.isEmpty ? 0 : Double(total) / Double(counts.count))),
            "all": .string(counts.map { share(Double($0)) }.joined(separator: ", ")),
            "raw": .string(counts.map(String.init).joined(separator: ", ")),
            "strategy": "fair",
            "inqueues": ["total": .integer(ordered.count), "active": .integer(busy)],
        ]
        return object
    }

    /// What `stats` names the pool (the console shows the part after `concurrency.`).
    public static let implementation = "celeriac.concurrency.process:TaskPool"

    /// Python's `f"{x:.2f}"`.
    static func twoPlaces(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A limit as Python prints it: whole seconds as an int, 0 when unset.
    static func number(_ value: Double?) -> JSONValue {
        guard let value else { return .integer(0) }
        return value == value.rounded() && abs(value) < 1e15 ? .integer(Int(value)) : .double(value)
    }
}
