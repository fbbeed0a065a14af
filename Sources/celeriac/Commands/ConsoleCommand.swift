import ArgumentParser
import Celeriac
import CeleriacConsole
import CeleriacConsoleCurses
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// `celeriac console`: the full-screen console over a live cluster (or a recording), or one
/// rendered frame as text with `--once`.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "Watch and act on the cluster in a full-screen terminal console.",
        discussion: """
            Views (number keys, Tab): 1 overview, 2 tasks, 3 task detail, 4 failures, 5 workers, \
            6 queues, 7 task types, 8 events, 9 audit. `?` lists every key of the current view; `q` \
            goes back and quits from the top view. Every action that changes the cluster is confirmed \
            and recorded in the audit list (see `celeriac audit`).
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print one rendered frame to standard output and exit (after one round of live data, or the whole --replay).")
    var once = false

    @Option(help: "The view to show first: overview, tasks, detail, failures, workers, queues, task-types, events, audit.")
    var view: String?

    @Option(help: "The frame size for --once, WIDTHxHEIGHT (default 120x40).")
    var size: String?

    @Option(help: "Theme name or path to a .toml file (default: $CELERIAC_THEME; NO_COLOR gives mono).")
    var theme: String?

    @Flag(name: .customLong("read-only"), help: "Hide every action: watch only.")
    var readOnly = false

    @Option(name: .customLong("max-tasks"), help: "The most tasks kept in memory (oldest finished go first).")
    var maxTasks: String = "100000"

    @Option(help: "Drive the console from a recording (JSON lines from --record) instead of a broker.")
    var replay: String?

    @Option(help: "Replay speed factor (with --replay; 10 is ten times faster).")
    var speed: String?

    @Option(help: "Record the events and polls to this file as JSON lines, for --replay.")
    var record: String?

    @Option(help: "Alert rules (TOML: [rules.NAME] tables with kind queue_depth, queue_latency, failure_rate or heartbeat_missing).")
    var alerts: String?

    /// The parsed options.
    struct Settings: Sendable {
        var view: ConsoleView?
        var width = 120
        var height = 40
        var maxTasks = 100_000
        var speed = 1.0
        var alertRules: [AlertRule] = []
        /// What was wrong with the `--alerts` file, repeated once the terminal is given back.
        var alertProblem: String?
        /// Problems found before the screen was taken (also on standard error): the console
        /// shows them as notices.
        var notices: [String] = []

        func newState() -> ClusterState { ClusterState(maxTasks: maxTasks, alertRules: alertRules) }
    }

    /// The alert rules of `--alerts`. A broken file does not stop the console: it is reported
    /// on standard error (before the screen is taken and again after it is given back) and the
    /// console runs without alerts.
    private func loadAlerts() -> ([AlertRule], String?) {
        guard let alerts else { return ([], nil) }
        do {
            return (try AlertRuleLoader.load(path: alerts), nil)
        } catch {
            let line = "warning: --alerts: \(error); running without alert rules"
            FileHandleOutput.standardError(line)
            return ([], line)
        }
    }

    func validate() throws {
        _ = try settings()
        if replay == nil { _ = try connection.configuration() }
    }

    func settings() throws -> Settings {
        var settings = Settings()
        if let view {
            guard let parsed = ConsoleView(name: view) else {
                throw usageError("--view: unknown view '\(view)'; choose one of \(ConsoleView.tabs.map(\.name).joined(separator: ", ")), workerDetail")
            }
            settings.view = parsed
        }
        if let size {
            guard once else { throw usageError("--size applies to --once only (the console takes the terminal's size)") }
            let parts = size.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" })
            guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
                  (1...2_000).contains(width), (1...2_000).contains(height) else {
                throw usageError("--size must be WIDTHxHEIGHT with numbers from 1 to 2000, such as 120x40, not '\(size)'")
            }
            settings.width = width
            settings.height = height
        }
        guard let tasks = Int(maxTasks), tasks > 0 else {
            throw usageError("--max-tasks must be a positive whole number, not '\(maxTasks)'")
        }
        settings.maxTasks = tasks
        if let speed {
            guard replay != nil else { throw usageError("--speed applies to --replay only") }
            guard let factor = Double(speed), factor.isFinite, factor > 0 else {
                throw usageError("--speed must be a positive number, not '\(speed)'")
            }
            settings.speed = factor
        }
        if record != nil, replay != nil { throw usageError("--record cannot be used with --replay (there is no cluster to record)") }
        if let replay, !FileManager.default.isReadableFile(atPath: replay) {
            throw usageError("--replay: cannot read '\(replay)'")
        }
        return settings
    }

    func run() async throws {
        var settings = try settings()
        let themes = ThemeLoader()
        let resolution = themes.resolve(option: theme)
        (settings.alertRules, settings.alertProblem) = loadAlerts()
        if let problem = settings.alertProblem { settings.notices.append(problem) }
        var model = ConsoleModel(state: settings.newState(), readOnly: readOnly,
                                 themeName: resolution.theme.name, now: Date().timeIntervalSince1970)
        if let view = settings.view { model.reduce(.show(view)) }
        if let replay {
            try await runReplay(path: replay, model: model, settings: settings, themes: themes, resolution: resolution)
        } else {
            try await runLive(model: model, settings: settings, themes: themes, resolution: resolution)
        }
    }

    // MARK: Replay

    private func runReplay(path: String, model start: ConsoleModel, settings: Settings, themes: ThemeLoader,
                           resolution: ThemeResolution) async throws {
        var settings = settings
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw usageError("--replay: cannot read '\(path)' as UTF-8 text")
        }
        let recording = Recording(text: text)
        if !recording.errors.isEmpty {
            let first = recording.errors.prefix(3).map(\.description).joined(separator: "; ")
            let line = "warning: \(recording.errors.count) line(s) of \(path) skipped: \(first)"
            FileHandleOutput.standardError(line)
            settings.notices.append(line)
        }
        // The model's clock is the recording's: ages and rates are as they were then.
        let streamStart = recording.inputs.first?.time ?? start.now
        var model = ConsoleModel(state: settings.newState(), readOnly: readOnly,
                                 themeName: resolution.theme.name, now: streamStart)
        if let view = settings.view { model.reduce(.show(view)) }
        if once {
            ReplaySource.applyAll(recording, to: &model)
            printFrame(model, settings: settings, resolution: resolution)
            return
        }
        // The loop's clock runs in recording time (scaled by --speed), so the once-a-second
        // ticks and the replayed inputs agree on what "now" is.
        try await Self.interactive(model: model, feed: .replay(recording, speed: settings.speed, start: streamStart),
                                   themes: themes, resolution: resolution, themeOption: theme, notices: settings.notices)
        if let problem = settings.alertProblem { FileHandleOutput.standardError(problem) }
    }

    // MARK: Live

    private func runLive(model start: ConsoleModel, settings: Settings, themes: ThemeLoader,
                         resolution: ThemeResolution) async throws {
        if !once {
            // Log lines would scribble over the screen: the console shows the connection state itself.
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        }
        let recorder = try makeRecorder()
        let app = try await connection.makeApp { configuration in
            // Short timeouts, so a broker that goes away shows in the status bar within seconds.
            configuration.brokerTimeout = 3
        }
        if once {
            defer { Task { await app.close() } }
            let source = LiveSource(app: app, recorder: recorder)
            source.start()
            let reached = await source.firstRound()
            var model = start
            source.pump(into: &model, now: Date().timeIntervalSince1970)
            await source.stop()
            guard reached else {
                var reason = "the broker did not answer"
                if case .reconnecting(_, let error) = model.state.connection { reason = error }
                throw CLIFailure("cannot reach the broker: \(reason)")
            }
            try checkRecorder(recorder)
            printFrame(model, settings: settings, resolution: resolution)
            return
        }
        try await Self.interactive(model: start, feed: .live(app, recorder), themes: themes, resolution: resolution,
                                   themeOption: theme, notices: settings.notices)
        await app.close()
        if let problem = settings.alertProblem { FileHandleOutput.standardError(problem) }
        try checkRecorder(recorder)
    }

    private func makeRecorder() throws -> InputRecorder? {
        guard let record else { return nil }
        do {
            return try InputRecorder(path: record)
        } catch {
            throw usageError("--record: \(error)")
        }
    }

    private func checkRecorder(_ recorder: InputRecorder?) throws {
        if let error = recorder?.error { throw CLIFailure("--record: \(error)") }
    }

    private func printFrame(_ model: ConsoleModel, settings: Settings, resolution: ThemeResolution) {
        if let problem = resolution.problem {
            FileHandleOutput.standardError("warning: \(problem); using the built-in default theme")
        }
        let frame = ConsoleRenderer.renderOnce(model, view: settings.view, width: settings.width, height: settings.height,
                                               charset: Self.localeIsUTF8() ? .unicode : .ascii)
        FileHandleOutput.standardOutput(frame)
    }

    /// Whether the locale asks for UTF-8 (an unset locale counts as UTF-8, as most terminals are).
    static func localeIsUTF8(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                let lowered = value.lowercased()
                return lowered.contains("utf-8") || lowered.contains("utf8")
            }
        }
        return true
    }

    // MARK: The terminal

    /// Where the interactive console's data comes from.
    enum Feed: Sendable {
        case live(App, InputRecorder?)
        /// A recording, the time its first input was taken and the speed factor.
        case replay(Recording, speed: Double, start: Double)
    }

    /// Runs the UI loop on the main thread with the real terminal until `q`, then gives the
    /// terminal back. The data source's I/O runs on detached tasks meanwhile.
    @MainActor
    static func interactive(model start: ConsoleModel, feed: Feed, themes: ThemeLoader, resolution: ThemeResolution,
                            themeOption: String?, notices: [String] = []) async throws {
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal(theme: resolution.theme)
        } catch {
            throw CLIFailure("\(error)")
        }
        var model = start
        for notice in notices { model.reduce(.notice(notice, isError: true)) }
        if let problem = resolution.problem {
            model.reduce(.outcome(EffectOutcome(effect: .setTheme(themeOption ?? "default"),
                                                error: "\(problem); using the built-in default")))
        }
        let source: any ConsoleDataSource
        let clock: () -> Double
        var live: LiveSource?
        switch feed {
        case .live(let app, let recorder):
            let liveSource = LiveSource(app: app, recorder: recorder)
            liveSource.start()
            live = liveSource
            source = liveSource
            clock = { Date().timeIntervalSince1970 }
        case .replay(let recording, let speed, let streamStart):
            source = ReplaySource(recording: recording, speed: 1)
            let wallStart = Date().timeIntervalSince1970
            clock = { streamStart + (Date().timeIntervalSince1970 - wallStart) * speed }
        }
        let alertCommands = AlertCommandRunner()
        let loop = ConsoleLoop(model: model, terminal: terminal, source: source, clock: clock, themes: themes,
                               editText: { text in terminal.suspended { edit(text) } },
                               onAlert: { alertCommands.run($0, $1) })
        loop.run()
        terminal.restore()
        await live?.stop()
    }
}
