import ArgumentParser
import CeleriacConsole
import CeleriacWorker
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `celeriac demo`: the whole system in one command — the bundled broker, worker children, a
/// living load and the console on top.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a broker, workers, a realistic load and the console, all at once.",
        discussion: """
            With no --broker, the bundled broker runs in this process on a free loopback port with a fresh \
            temporary data folder. The workers are child processes of this binary (demo1@host, demo2@host…) \
            on queues celery, fast and slow; they stop when the demo stops, however it stops. Quitting \
            the console (q) stops the load, the workers and the broker, and prints a summary.
            """)

    @Option(help: "Worker processes to start.") var workers = 2
    @Option(help: "Tasks each worker runs at once.") var concurrency = 4
    @Option(help: "Average tasks sent per second (the load swells and bursts around it).") var rate: Double = 50
    @Option(help: "Use this Redis server instead of the bundled broker.") var broker: String?
    @Option(help: "Console theme (a name in themes/ or a file).") var theme: String?
    @Flag(name: .customLong("no-console"), help: "Run headless for --duration seconds and print the summary.")
    var noConsole = false
    @Option(help: "Seconds to run (headless default: 30).") var duration: Double?
    @Option(help: "Seed of the load's random mix, to repeat a run.") var seed: UInt64?

    func validate() throws {
        guard (1...16).contains(workers) else { throw usageError("--workers must be between 1 and 16") }
        guard (1...256).contains(concurrency) else { throw usageError("--concurrency must be between 1 and 256") }
        guard rate >= 0, rate <= 100_000 else { throw usageError("--rate must be between 0 and 100000") }
        if let duration, duration <= 0 { throw usageError("--duration must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "celeriac.demo")
        logger.logLevel = .warning
        let options = DemoSession.Options(workers: workers, concurrency: concurrency, rate: rate, broker: broker,
                                          seed: seed ?? UInt64(Date().timeIntervalSince1970 * 1000))
        var headless = noConsole
        if !headless, let reason = Self.noTerminalReason() {
            say("\(reason): running headless for \(PythonNumber.short(duration ?? 30)) s")
            headless = true
        }
        let themes = ThemeLoader()
        let resolution = themes.resolve(option: theme)
        if !headless {
            // Log lines would scribble over the screen; the console shows the state itself.
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        }
        try await runReportingFailures {
            let session = try await DemoSession(options: options, logger: logger)
            say("broker: \(session.url)")
            do {
                try await session.startWorkers()
            } catch {
                _ = await session.stop()
                throw error
            }
            say("workers online: \(session.workerNames.joined(separator: ", "))")
            session.startLoad()
            if headless {
                say("load: about \(PythonNumber.short(rate)) tasks/s; running \(PythonNumber.short(duration ?? 30)) s (Ctrl-C stops early)")
                await Self.waitForDurationOrSignal(duration ?? 30)
            } else {
                let model = ConsoleModel(state: ClusterState(), themeName: resolution.theme.name,
                                         now: Date().timeIntervalSince1970)
                do {
                    try await ConsoleCommand.interactive(model: model, feed: .live(session.app, nil), themes: themes,
                                                         resolution: resolution, themeOption: theme)
                } catch {
                    _ = await session.stop()
                    throw error
                }
                say("stopping the load, the workers and the broker…")
            }
            let tally = await session.stop()
            FileHandleOutput.standardOutput(tally.paragraph)
        }
    }

    /// Why the console cannot run here, or nil when it can.
    static func noTerminalReason(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0 { return "no terminal (stdin or stdout is not a tty)" }
        guard let term = environment["TERM"], !term.isEmpty else { return "TERM is not set" }
        if term == "dumb" { return "TERM=dumb cannot show the console" }
        return nil
    }

    private func say(_ line: String) { FileHandleOutput.standardError("demo: " + line) }

    /// Sleeps for `seconds`, or until SIGINT/SIGTERM.
    static func waitForDurationOrSignal(_ seconds: Double) async {
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        defer { signals.cancel() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
            group.addTask { await signals.wait() }
            await group.next()
            group.cancelAll()
        }
    }
}

/// Number formatting for the demo's messages (`50`, `2.5`).
enum PythonNumber {
    static func short(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
