import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `celeriac worker` child of the demo: the same binary, its own process (group), pid and
/// log file, and a lifeline — the read end of a pipe whose only write end the demo holds. When
/// the demo ends in any way, even `kill -9`, the pipe closes and the worker shuts down, so no
/// orphan is left. (`PR_SET_PDEATHSIG` is tied to the thread that forked, and Swift's pool
/// threads come and go; a pipe is tied to the process.)
final class DemoWorkerProcess: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The file descriptor the child finds its lifeline on.
    static let lifelineDescriptor: Int32 = 3

    let name: String
    let pid: pid_t
    let logFile: String
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable worker <arguments>` with the lifeline `lifeline` (a pipe's read end)
    /// on descriptor 3.
    init(name: String, executable: String, arguments: [String], lifeline: Int32, logFile: String) throws {
        self.name = name
        self.logFile = logFile
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal actions and none blocked, whatever this process blocks; a process
        // group of its own, so a Ctrl-C at the terminal reaches the demo, which then stops the
        // workers in order.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, lifeline, Self.lifelineDescriptor)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable, "worker"] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failure(description: "cannot start worker \(name): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// The exit status once the child has ended (reaping it), or nil while it runs.
    var exitStatus: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        if result == pid {
            // Exited normally: its code; killed by a signal: 128 + the signal, as a shell says.
            let signal = raw & 0x7F
            status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
        } else if result < 0 {
            status = -1
        }
        return status
    }

    /// Sends a signal to the child.
    func signal(_ signal: Int32) {
        guard exitStatus == nil else { return }
        kill(pid, signal)
    }

    /// Waits up to `timeout` seconds for the child to end.
    @discardableResult
    func wait(timeout: Double) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return exitStatus
    }

    /// Warm shutdown (SIGTERM), then SIGKILL if it has not ended within `grace` seconds.
    func stop(grace: Double) async {
        signal(SIGTERM)
        if await wait(timeout: grace) == nil {
            signal(SIGKILL)
            await wait(timeout: 5)
        }
    }
}
