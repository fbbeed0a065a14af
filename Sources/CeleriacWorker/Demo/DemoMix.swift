import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The demo's mix of work: what a busy small service might send — quick arithmetic on `fast`,
/// slow jobs on `slow`, a few failures, flaky tasks that retry, delayed and urgent tasks, and
/// now and then a chain or a chord — so every console view has something true to show.
public struct DemoMix: Sendable {
    /// The kinds of call, with their share of the load (weights, not percentages).
    public enum Kind: String, Sendable, CaseIterable {
        case add, mul, xsum, echo, noop, sleep, fail, flaky, flakyGivesUp, countdown, urgent, expiring, chain, chord

        /// The share of calls of this kind.
        public var weight: Double {
            switch self {
            case .add: 22
            case .mul: 10
            case .xsum: 8
            case .echo: 8
            case .noop: 10
            case .sleep: 2
            case .fail: 5
            case .flaky: 5
            case .flakyGivesUp: 1
            case .countdown: 5
            case .urgent: 3
            case .expiring: 1
            case .chain: 1.5
            case .chord: 1
            }
        }
    }

    /// The queues the demo's workers consume.
    public static let queues = ["celery", "fast", "slow"]

    private var random: SplitMix64
    private var sequence = 0

    /// A mix drawing from `seed`.
    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// Picks a kind by weight.
    public mutating func nextKind() -> Kind {
        let total = Kind.allCases.reduce(0) { $0 + $1.weight }
        var point = Double.random(in: 0..<total, using: &random)
        for kind in Kind.allCases {
            if point < kind.weight { return kind }
            point -= kind.weight
        }
        return .noop
    }

    /// The next call.
    public mutating func next() -> DemoCall {
        call(for: nextKind())
    }

    /// A call of `kind` with fresh ids and arguments.
    public mutating func call(for kind: Kind) -> DemoCall {
        sequence += 1
        switch kind {
        case .add:
            return task("demo.add", [small(), small()], queue: "fast")
        case .mul:
            return task("demo.mul", [small(), small()], queue: "fast")
        case .xsum:
            let count = Int.random(in: 3...8, using: &random)
            return task("demo.xsum", [.array((0..<count).map { _ in small() })], queue: "celery")
        case .echo:
            let kwargs = JSONObject([("user", .int(Int64(Int.random(in: 1...500, using: &random)))),
                                     ("tags", ["démo", "✓"])])
            return task("demo.echo", [.string("order #\(sequence)"), small()], kwargs: kwargs, queue: "celery")
        case .noop:
            return task("demo.noop", [], queue: "celery")
        case .sleep:
            let seconds = (Double.random(in: 0.2...5, using: &random) * 10).rounded() / 10
            return task("demo.sleep", [.double(seconds)], queue: "slow")
        case .fail:
            let reasons = ["payment declined", "upstream timed out", "record not found", "quota exceeded"]
            let reason = reasons[Int.random(in: 0..<reasons.count, using: &random)]
            return task("demo.fail", [.string("\(reason) (#\(sequence))")], queue: "celery")
        case .flaky:
            return task("demo.flaky", [.int(Int64(Int.random(in: 1...3, using: &random)))], queue: "celery")
        case .flakyGivesUp:
            // demo.flaky allows 20 retries: starting at retry 19 and needing 21, it runs out
            // and fails for good — and a retry from the console or `celeriac retry` (retry 21)
            // then succeeds.
            return task("demo.flaky", [21], queue: "celery", retries: 19)
        case .countdown:
            return task("demo.add", [small(), small()], queue: "fast",
                        countdown: Double(Int.random(in: 2...10, using: &random)))
        case .urgent:
            return task("demo.add", [small(), small()], queue: "celery", priority: 9)
        case .expiring:
            // Held for 3 s but valid for 1 s: the worker revokes it as expired.
            return task("demo.add", [1, 1], queue: "fast", countdown: 3, expiresIn: 1)
        case .chain:
            return .chain([
                signature("demo.add", [small(), small()], queue: "fast"),
                signature("demo.mul", [small()], queue: "fast"),
                signature("demo.add", [1], queue: "celery"),
            ])
        case .chord:
            let parts = Int.random(in: 3...6, using: &random)
            let header = (0..<parts).map { index in signature("demo.add", [.int(Int64(index)), small()], queue: "fast") }
            return .chord(header: header, body: signature("demo.xsum", [], queue: "celery"))
        }
    }

    /// A batch of slow jobs sent at once (a report run, an import): the `slow` queue fills,
    /// then drains as the workers' slots free up.
    public mutating func slowBatch(count: Int) -> [DemoCall] {
        (0..<count).map { _ in
            let seconds = (Double.random(in: 0.5...2, using: &random) * 10).rounded() / 10
            return task("demo.sleep", [.double(seconds)], queue: "slow")
        }
    }

    private mutating func small() -> JSONValue { .int(Int64(Int.random(in: 0...99, using: &random))) }

    private mutating func task(_ name: String, _ args: [JSONValue], kwargs: JSONObject = JSONObject(), queue: String,
                               countdown: Double? = nil, priority: Int? = nil, retries: Int = 0,
                               expiresIn: Double? = nil) -> DemoCall
    {
        .task(name: name, args: args, kwargs: kwargs,
              options: DemoOptions(taskID: newID(), queue: queue, countdown: countdown, priority: priority,
                                   retries: retries, expiresIn: expiresIn))
    }

    private mutating func signature(_ name: String, _ args: [JSONValue], queue: String) -> Signature {
        Signature(task: name, args: args, options: JSONObject([("task_id", .string(newID())), ("queue", .string(queue))]))
    }

    /// A version-4 UUID from the generator, so a seeded run repeats its ids too.
    private mutating func newID() -> String {
        let high = random.next()
        let low = random.next()
        let hex = Self.hex16(high) + Self.hex16(low)
        let chars = Array(hex)
        var text = String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-4" + String(chars[13..<16]) + "-"
        let variant = "89ab"[("89ab".index("89ab".startIndex, offsetBy: Int(low >> 62)))]
        text += String(variant) + String(chars[17..<20]) + "-" + String(chars[20..<32])
        return text
    }

    /// `value` as 16 lowercase hex digits, zero-padded (as `%016llx`).
    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
