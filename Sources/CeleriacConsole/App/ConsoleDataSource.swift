/// Where the console's data comes from — a live cluster or a recording — and what carries out
/// its effects. The UI loop calls it from its own thread only.
public protocol ConsoleDataSource: AnyObject {
    /// Applies to `model` whatever arrived since the last call (events, polls, effect
    /// outcomes); `now` is wall time in seconds.
    func pump(into model: inout ConsoleModel, now: Double)
    /// Starts carrying out `effect`; its outcome reaches the model through a later `pump`.
    func perform(_ effect: Effect)
    /// When the source next has something due, in wall time; nil when it cannot tell.
    func nextDue(after now: Double) -> Double?
}
