import Foundation

/// The outcome of running a program to completion.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs programs for tests: the `celeriac` binary, `redis-cli`, Python from the virtualenv.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, waits up to `timeout` seconds, and returns what it
    /// printed. A program still running at the timeout is killed and reported with status -9.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
        input: String? = nil, timeout: TimeInterval = 60, directory: URL? = nil
    ) throws -> ProcessOutput {
        let folder = FileManager.default.temporaryDirectory
        let stamp = UUID().uuidString
        let outPath = folder.appendingPathComponent("celeriac-out-\(stamp)").path
        let errPath = folder.appendingPathComponent("celeriac-err-\(stamp)").path
        let inPath = folder.appendingPathComponent("celeriac-in-\(stamp)").path
        defer { for path in [outPath, errPath, inPath] { unlink(path) } }
        // A child given no input file would read nothing and fail confusingly later.
        if let input, !FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8)) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: inPath])
        }
        // stderr is kept apart from stdout by wrapping the program in a shell redirect.
        let child = try ChildProcess(
            "/bin/sh", ["-c", "exec \"$0\" \"$@\" 2>\"$CELERIAC_ERR_FILE\"", executable.path] + arguments,
            environment: environment.merging(["CELERIAC_ERR_FILE": errPath]) { first, _ in first },
            directory: directory?.path, output: outPath, input: input == nil ? nil : inPath
        )
        var status = child.wait(timeout: timeout)
        if status == nil {
            child.signalGroup(SIGKILL)
            child.signal(SIGKILL)
            _ = child.wait(timeout: 5)
            status = -9
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return ProcessOutput(status: status ?? -9, stdout: stdout, stderr: stderr)
    }
}

extension ProcessRunner {
    /// ``run(_:_:environment:input:timeout:directory:)`` from async code: the wait happens on a
    /// thread of its own. A test process has only a couple of cooperative threads, and a program
    /// that takes seconds (Python starts slowly) would otherwise stall every other test.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
        input: String? = nil, timeout: TimeInterval = 60, directory: URL? = nil
    ) async throws -> ProcessOutput {
        try await offPool {
            try run(executable, arguments, environment: environment, input: input, timeout: timeout, directory: directory)
        }
    }
}

/// Runs blocking `body` on a thread of its own and resumes with its result, so that the
/// cooperative pool (one thread per core) is never held by a wait.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
