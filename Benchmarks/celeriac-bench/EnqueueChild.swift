import ArgumentParser
import Celeriac
import CeleriacTestSupport
import Foundation

/// `celeriac-bench enqueue-rates` (hidden): the enqueue scenario's Celeriac measurements in a
/// process of their own, so the scenario can measure the executor mode its own process is not
/// in. Prints the CPU lines as the scenario does, then one `rates:` line, in the order of
/// `EnqueueScenario.shapes`.
struct EnqueueChild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue-rates", abstract: "Enqueue rates in this process (used by the enqueue scenario).", shouldDisplay: false)

    @Option(help: "Redis URL of the server measured.") var url: String
    @Option(help: "Process id of that server (for its CPU figure).") var serverPid: Int32
    @Option(help: "Messages per measurement.") var count: Int

    func run() async throws {
        print("    [\(ExecutorMode.current)]")
        let app = try await App(configuration: try Configuration(broker: url))
        do {
            let rates = try await EnqueueScenario.celeriacRates(app: app, count: count, serverPID: serverPid)
            await app.close()
            print("rates: " + rates.map { String($0) }.joined(separator: " "))
        } catch {
            await app.close()
            throw error
        }
    }

    /// Runs this command as a child with `environment` added and returns its rates.
    static func measure(url: String, serverPID: Int32, count: Int, environment: [String: String]) async throws -> [Double] {
        let output = try await ProcessRunner.run(
            runningExecutable, ["enqueue-rates", "--url", url, "--server-pid", String(serverPID), "--count", String(count)],
            environment: environment, timeout: 600)
        for line in output.stdout.split(separator: "\n") where !line.hasPrefix("rates:") { print(line) }
        guard output.status == 0 else {
            throw BenchError(description: "enqueue-rates exited with \(output.status): \(output.stderr.suffix(300))")
        }
        guard let line = output.stdout.split(separator: "\n").last(where: { $0.hasPrefix("rates:") }) else {
            throw BenchError(description: "enqueue-rates printed no rates: \(output.stdout.suffix(300))")
        }
        let rates = line.dropFirst("rates:".count).split(separator: " ").compactMap { Double($0) }
        guard rates.count == EnqueueScenario.shapes.count else {
            throw BenchError(description: "enqueue-rates printed \(rates.count) rates, expected \(EnqueueScenario.shapes.count)")
        }
        return rates
    }

    /// This very binary. `ProjectPaths.executable` finds the products folder by looking for a
    /// `celeriac` beside the running binary and falls back to `.build/debug`: a release bench
    /// copied elsewhere (to compare two builds) measured a debug child, ten times dearer per
    /// message, and its rows looked like an executor problem.
    static var runningExecutable: URL {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "celeriac-bench").resolvingSymlinksInPath()
    }
}
