import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started the way a shell would start it: every signal at its default action
/// and none blocked, no descriptors inherited but stdin/stdout/stderr, output to files.
///
/// Foundation's `Process` is not used because test threads run with most signals blocked and
/// `Process` passes that mask on: a `redis-server` started that way ignores SIGTERM, and a tmux
/// server keeps any pipe it inherited open forever.
public final class ChildProcess: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let pid: pid_t
    public let executable: String
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable` (a path, or a name looked up on `PATH`).
    /// - Parameters:
    ///   - environment: variables added to (or replacing) the current environment.
    ///   - output: a file that receives stdout and stderr; `/dev/null` when nil.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: String? = nil, output: String? = nil, input: String? = nil
    ) throws {
        let path = executable.contains("/") ? executable : (ProjectPaths.which(executable)?.path ?? executable)
        self.executable = path
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // A process group of its own, so a test can signal the program and anything it starts.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        let target = output ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, target, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom = GlibcExtras.addCloseFrom { _ = closeFrom(&actions, 3) }
        if let directory {
            guard let addChdir = GlibcExtras.addChdir else {
                throw Failure(description: "cannot start \(path) in \(directory): posix_spawn cannot change directory here")
            }
            _ = addChdir(&actions, directory)
        }

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failure(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Whether the process is still running (reaps it once it has ended).
    public var isRunning: Bool { exitStatus == nil }

    /// The exit status once the process has ended: its code, or 128 + signal number.
    public var exitStatus: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        let reaped = waitpid(pid, &raw, WNOHANG)
        guard reaped == pid else { return nil }
        let decoded = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        status = decoded
        return decoded
    }

    /// Sends `signal` to the process.
    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends `signal` to the process group (the program and what it started).
    public func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// Waits up to `timeout` seconds for the process to end; returns its status, or nil.
    @discardableResult
    public func wait(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = exitStatus { return status }
            usleep(2_000)
        }
        return exitStatus
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; returns the exit status.
    @discardableResult
    public func terminate(grace: TimeInterval = 10) -> Int32? {
        signal(SIGTERM)
        if let status = wait(timeout: grace) { return status }
        signalGroup(SIGKILL)
        signal(SIGKILL)
        return wait(timeout: 5)
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = wait(timeout: 2)
        }
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` and `_addchdir_np` exist (glibc 2.34 and
/// 2.29) but Swift's Glibc module does not show them, so they are looked up at run time.
private enum GlibcExtras {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }
    static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }
}
