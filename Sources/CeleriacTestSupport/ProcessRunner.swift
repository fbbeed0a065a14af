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
    ///
    /// Output goes to temporary files rather than pipes: a program that starts a daemon (tmux,
    /// a server) passes its descriptors on, and a pipe would then never reach end-of-file.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
        input: String? = nil, timeout: TimeInterval = 60, directory: URL? = nil
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let folder = FileManager.default.temporaryDirectory
        let outURL = folder.appendingPathComponent("celeriac-out-\(UUID().uuidString)")
        let errURL = folder.appendingPathComponent("celeriac-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        try? outHandle.close()
        try? errHandle.close()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inPipe.fileHandleForWriting.close()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return ProcessOutput(status: timedOut ? -9 : process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
