/// Drives the console from a recording (`--replay FILE`), for post-mortems and tests. There is
/// no cluster behind it, so every action that would change one is answered with an error
/// outcome that says so; browsing, filtering and themes work as usual.
public final class ReplaySource: ConsoleDataSource {
    private var driver: ReplayDriver
    private var outcomes: [EffectOutcome] = []

    public init(recording: Recording, speed: Double = 1) {
        driver = ReplayDriver(recording: recording, speed: speed)
    }

    /// Whether the whole recording has been applied.
    public var isFinished: Bool { driver.isFinished }

    public func pump(into model: inout ConsoleModel, now: Double) {
        driver.advance(to: now, model: &model)
        let answered = outcomes
        outcomes = []
        for outcome in answered { model.reduce(.outcome(outcome)) }
    }

    public func perform(_ effect: Effect) {
        outcomes.append(EffectOutcome(effect: effect, error: "replaying a recording: there is no cluster to act on"))
    }

    public func nextDue(after now: Double) -> Double? { driver.nextDue() }

    /// Applies the whole recording at once (for `--once`).
    public static func applyAll(_ recording: Recording, to model: inout ConsoleModel) {
        var driver = ReplayDriver(recording: recording, speed: 1)
        driver.start(at: recording.inputs.first?.time ?? 0)
        driver.advance(to: recording.inputs.last?.time ?? 0, model: &model)
    }
}
