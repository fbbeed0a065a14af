/// The console's UI loop: keys from the terminal and data from a source go into the model,
/// effects go out to the source, and the screen is redrawn only when the model changed and at
/// most `maxFPS` times a second. It blocks in `readKey`, so run it on a thread of its own.
public final class ConsoleLoop {
    public private(set) var model: ConsoleModel
    private let terminal: any Terminal
    private let source: any ConsoleDataSource
    private let clock: () -> Double
    private let minFrameInterval: Double
    private let themes: ThemeLoader
    /// Opens text in an editor and returns the edited text (nil when the editor failed or the
    /// user quit without saving). The curses app suspends the screen around it.
    private let editText: ((String) -> String?)?
    /// Called once when an alert starts firing, for rules with a command to run; what it
    /// returns (the command could not start, and why) becomes a notice.
    private let onAlert: ((AlertRule, FiringAlert) -> String?)?
    /// The alerts firing after the last turn, by rule and subject.
    private var firing: Set<String> = []
    private var drawnVersion = -1
    private var lastDraw = -Double.infinity
    private var lastTick = -Double.infinity

    public init(
        model: ConsoleModel, terminal: any Terminal, source: any ConsoleDataSource, clock: @escaping () -> Double,
        maxFPS: Double = 10, themes: ThemeLoader = ThemeLoader(), editText: ((String) -> String?)? = nil,
        onAlert: ((AlertRule, FiringAlert) -> String?)? = nil
    ) {
        self.onAlert = onAlert
        self.model = model
        self.terminal = terminal
        self.source = source
        self.clock = clock
        minFrameInterval = 1 / max(1, maxFPS)
        self.themes = themes
        self.editText = editText
        let size = terminal.size
        _ = self.model.reduce(.resize(width: size.width, height: size.height))
    }

    /// Runs until the model asks to quit.
    public func run() {
        while !model.wantsQuit { step(keyTimeout: .milliseconds(50)) }
    }

    /// One turn of the loop: at most one key (waiting up to `keyTimeout`), the data that
    /// arrived, a tick each second, and a redraw if due.
    public func step(keyTimeout: Duration) {
        if let key = terminal.readKey(timeout: keyTimeout) { handle(key) }
        let now = clock()
        source.pump(into: &model, now: now)
        if now - lastTick >= 1 {
            lastTick = now
            _ = model.reduce(.tick(now: now))
        }
        announceNewAlerts()
        redrawIfDue(now: now)
    }

    /// Rings the bell and runs the command of each alert that started firing since the last
    /// turn — once per firing, not on every frame it stays on.
    private func announceNewAlerts() {
        let alerts = model.state.alerts
        let now = Set(alerts.map { $0.rule + "\u{0}" + $0.subject })
        defer { firing = now }
        guard now != firing else { return }
        for alert in alerts where !firing.contains(alert.rule + "\u{0}" + alert.subject) {
            guard let rule = model.state.alertRules.first(where: { $0.name == alert.rule }) else { continue }
            if rule.bell { terminal.bell() }
            if rule.command != nil, let problem = onAlert?(rule, alert) { _ = model.reduce(.notice(problem, isError: true)) }
        }
    }

    private func handle(_ key: Key) {
        switch key {
        case .resize:
            let size = terminal.size
            _ = model.reduce(.resize(width: size.width, height: size.height))
            terminal.invalidate()
        case .ctrl("l"):
            terminal.invalidate()
            drawnVersion = -1
        default:
            for effect in model.reduce(.key(key)) { run(effect) }
        }
    }

    private func run(_ effect: Effect) {
        switch effect {
        case .quit:
            return
        case .setTheme(let name):
            do {
                terminal.theme = try themes.load(name)
            } catch {
                _ = model.reduce(.outcome(EffectOutcome(effect: effect, error: "\(error)")))
            }
            drawnVersion = -1
        case .openEditor(let id, let text):
            guard let editText else {
                _ = model.reduce(.outcome(EffectOutcome(effect: effect, error: "no editor in this mode")))
                return
            }
            terminal.invalidate()
            if let edited = editText(text) {
                for next in model.reduce(.edited(id: id, text: edited)) { run(next) }
            }
        default:
            source.perform(effect)
        }
    }

    private func redrawIfDue(now: Double) {
        guard model.renderVersion != drawnVersion, now - lastDraw >= minFrameInterval else { return }
        var screen = terminal.makeScreen()
        ConsoleRenderer.render(model, into: &screen)
        terminal.draw(screen)
        drawnVersion = model.renderVersion
        lastDraw = now
    }
}
