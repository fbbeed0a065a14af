#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// A child process started the way a shell would start it: every signal at its default action
/// and none blocked, in a process group of its own, with only the descriptors asked for.
///
/// Foundation's `Process` passes the parent's blocked-signal mask on (test threads and the
/// Swift runtime's threads block SIGTERM), so a child started that way ignores SIGTERM; and it
/// lets every open descriptor leak into the child. The demo's workers, the test helpers and
/// process pools start children through this instead.
open class SpawnedProcess: @unchecked Sendable {
    // @unchecked: the only mutable state, the reaped status, is guarded by `lock`.

    /// Why a child could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The child's process id (and process group id).
    public let pid: pid_t
    /// The program's path.
    public let executable: String
    private let lock = NIOLock()
    private var status: Int32?

    /// Starts `executable` (a path) with `arguments`.
    /// - Parameters:
    ///   - environment: variables added to (or replacing) this process's environment.
    ///   - directory: the child's working directory.
    ///   - input: a file for stdin (`/dev/null` when nil); `output`: a file that receives stdout
    ///     and stderr, appended to (`/dev/null` when nil).
    ///   - descriptors: child descriptor ← this process's descriptor, for pipes handed over
    ///     (3 and up); every other descriptor is closed in the child.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                directory: String? = nil, input: String? = nil, output: String? = nil,
                descriptors: [Int32: Int32] = [:]) throws {
        self.executable = executable
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
        // Its own process group: a Ctrl-C at the terminal reaches the parent, which stops its
        // children in order, and the group can be signalled as one.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        for (child, parent) in descriptors.sorted(by: { $0.key < $1.key }) where child > 2 {
            posix_spawn_file_actions_adddup2(&actions, parent, child)
        }
        let firstUnused = (descriptors.keys.max() ?? 2) + 1
        if let closeFrom = SpawnExtras.addCloseFrom { _ = closeFrom(&actions, max(3, firstUnused)) }
        if let directory {
            guard let addChdir = SpawnExtras.addChdir else {
                throw Failure(description: "cannot start \(executable) in \(directory): posix_spawn cannot change directory here")
            }
            _ = addChdir(&actions, directory)
        }

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Whether the process is still running (reaps it once it has ended).
    public var isRunning: Bool { exitStatus == nil }

    /// The exit status once the process has ended: its code, or 128 + the signal that ended it
    /// (as a shell reports it).
    public var exitStatus: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        let reaped = waitpid(pid, &raw, WNOHANG)
        if reaped == pid {
            status = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        } else if reaped < 0 {
            status = -1
        }
        return status
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

    /// The same wait without blocking a thread of the cooperative pool.
    @discardableResult
    public func waitAsync(timeout: TimeInterval) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return exitStatus
    }

    /// SIGTERM, then SIGKILL to the group after `grace` seconds; returns the exit status.
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
private enum SpawnExtras {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }
    static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }
}
