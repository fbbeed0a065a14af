import CeleriacProtocol

/// Signal names as `revoke(terminate=True, signal=…)` accepts them (Celery's
/// `platforms.signals.signum`): an upper-case name, with or without the `SIG` prefix.
enum SignalName {
    /// Why a signal name was refused, with the Python exception Celery would raise.
    enum Failure: Error, Hashable {
        /// Not an upper-case string (`TypeError`).
        case notUpperCase
        /// No such signal (`AttributeError` from the `signal` module).
        case unknown(String)

        /// `repr(exc)`.
        var pythonRepr: String {
            switch self {
            case .notUpperCase:
                return PythonRepr.exceptionRepr(type: "TypeError", arguments: ["signal name must be uppercase string."])
            case .unknown(let name):
                return PythonRepr.exceptionRepr(type: "AttributeError",
                                                arguments: [.string("module 'signal' has no attribute '\(name)'")])
            }
        }
    }

    /// The POSIX signals of Python's `signal` module on Linux.
    static let known: Set<String> = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGIOT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",
        "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",
        "SIGPOLL", "SIGPWR", "SIGSYS", "SIGRTMIN", "SIGRTMAX",
    ]

    /// The full name (`SIGKILL` for `KILL`); `SIGTERM` when none is given.
    static func normalized(_ signal: String?) -> Result<String, Failure> {
        guard let signal else { return .success("SIGTERM") }
        // Python's str.isupper(): at least one cased character and no lower-case one.
        let hasUpper = signal.contains { $0.isUppercase }
        guard hasUpper, !signal.contains(where: { $0.isLowercase }) else { return .failure(.notUpperCase) }
        let name = signal.hasPrefix("SIG") ? signal : "SIG" + signal
        return known.contains(name) ? .success(name) : .failure(.unknown(name))
    }
}
