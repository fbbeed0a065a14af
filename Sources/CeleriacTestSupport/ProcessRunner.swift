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
        input: String? = nil, timeout: TimeInterval = 60
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        // Read both pipes while the program runs so that a chatty program cannot block on a full pipe.
        let collected = OutputCollector()
        out.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData, toErr: false) }
        err.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData, toErr: true) }
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        collected.append(out.fileHandleForReading.readDataToEndOfFile(), toErr: false)
        collected.append(err.fileHandleForReading.readDataToEndOfFile(), toErr: true)
        let (stdout, stderr) = collected.text()
        return ProcessOutput(status: timedOut ? -9 : process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func append(_ data: Data, toErr: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if toErr { err.append(data) } else { out.append(data) }
    }

    func text() -> (String, String) {
        lock.lock()
        defer { lock.unlock() }
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
