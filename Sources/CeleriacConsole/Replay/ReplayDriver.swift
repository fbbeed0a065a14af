/// Feeds a recording to a model at a speed factor, by an injected clock: call `advance(to:)`
/// with the wall time (or a test's fake time) and it applies every input due by then.
public struct ReplayDriver: Sendable {
    public let inputs: [RecordedInput]
    /// 1 is real time, 10 ten times faster.
    public let speed: Double
    /// Index of the next input.
    public private(set) var position = 0
    /// The wall time `start(at:)` was called, and the recording time it maps to.
    private var wallStart: Double?
    private let streamStart: Double

    public init(recording: Recording, speed: Double = 1) {
        inputs = recording.inputs
        self.speed = speed > 0 && speed.isFinite ? speed : 1
        streamStart = recording.inputs.first?.time ?? 0
    }

    /// Whether every input was applied.
    public var isFinished: Bool { position >= inputs.count }

    /// The recording time at wall time `wall`.
    public func streamTime(at wall: Double) -> Double {
        guard let wallStart else { return streamStart }
        return streamStart + (wall - wallStart) * speed
    }

    /// Starts the clock: the first input is due at `wall`.
    public mutating func start(at wall: Double) { wallStart = wall }

    /// Applies every input due by `wall` as one batch (stamped with its recording time), then a
    /// tick at the current recording time. Returns how many inputs were applied.
    @discardableResult
    public mutating func advance(to wall: Double, model: inout ConsoleModel) -> Int {
        if wallStart == nil { start(at: wall) }
        let until = streamTime(at: wall)
        var applied = 0
        var batch: [ClusterInput] = []
        var batchTime: Double?
        while position < inputs.count, inputs[position].time <= until {
            let next = inputs[position]
            if let t = batchTime, t != next.time {
                model.reduce(.ingest(batch, now: t))
                batch = []
            }
            batch.append(next.input)
            batchTime = next.time
            position += 1
            applied += 1
        }
        if let t = batchTime, !batch.isEmpty { model.reduce(.ingest(batch, now: t)) }
        model.reduce(.tick(now: min(until, inputs.last?.time ?? until)))
        return applied
    }

    /// When the next input is due, in wall time (nil when finished), so the app can sleep.
    public func nextDue() -> Double? {
        guard let wallStart, position < inputs.count else { return nil }
        return wallStart + (inputs[position].time - streamStart) / speed
    }
}
