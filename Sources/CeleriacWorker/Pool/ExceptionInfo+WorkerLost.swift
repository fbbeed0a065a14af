import CeleriacProtocol

extension ExceptionInfo {
    /// `WorkerLostError` as billiard raises it for a pool child that exited while running a
    /// job: `Worker exited prematurely: signal 9 (SIGKILL) Job: 3.`
    /// - Parameters:
    ///   - exitStatus: the child's status as a shell reports it (128 + signal when killed).
    ///   - job: the pool's job number.
    public static func workerLost(exitStatus: Int32, job: UInt64) -> ExceptionInfo {
        ExceptionInfo(type: "WorkerLostError",
                      arguments: [.string("Worker exited prematurely: \(humanStatus(exitStatus)) Job: \(job).")],
                      module: "billiard.exceptions")
    }

    /// billiard's `human_status`: `signal 9 (SIGKILL)` or `exitcode 1`.
    static func humanStatus(_ status: Int32) -> String {
        guard status > 128 else { return "exitcode \(status)" }
        let signal = status - 128
        guard let name = signalNames[signal] else { return "signal \(signal)" }
        return "signal \(signal) (\(name))"
    }

    /// The traceback Celery stores for it (the parent raises it in billiard's pool).
    public var workerLostTraceback: String {
        "Traceback (most recent call last):\n  File \"celeriac/pool\", in mark_as_worker_lost\n"
            + "billiard.exceptions.WorkerLostError: \(arguments.first?.stringValue ?? "")\n"
    }

    static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
        9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    ]
}
