import Celeriac
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Sends the demo mix at a rate that swells and ebbs (a slow wave plus a burst now and then),
/// so queue depths visibly rise and fall. Keeps the ids it created until they are taken.
public actor DemoLoad {
    /// What the load has done so far.
    public struct Progress: Sendable, Hashable {
        /// Calls sent (a chain or chord counts once).
        public var calls = 0
        /// Messages published (a chord's header parts each count).
        public var messages = 0
        /// Task ids created (chains and chords included) and not yet taken by `takeTaskIDs()`.
        public var taskIDs: [String] = []
        /// Calls the broker refused (the load goes on).
        public var sendErrors = 0
        /// Calls per kind.
        public var kinds: [String: Int] = [:]

        /// Nothing sent yet.
        public init() {}
    }

    private let producer: Producer
    private let rate: Double
    private let logger: Logger
    private var mix: DemoMix
    private var progress = Progress()

    /// A load of about `rate` calls per second on average.
    public init(producer: Producer, rate: Double, seed: UInt64, logger: Logger = Logger(label: "celeriac.demo.load")) {
        self.producer = producer
        self.rate = max(0, rate)
        self.logger = logger
        mix = DemoMix(seed: seed)
    }

    /// What was sent so far.
    public var snapshot: Progress { progress }

    /// The ids created since the last call; the load forgets them.
    public func takeTaskIDs() -> [String] {
        defer { progress.taskIDs = [] }
        return progress.taskIDs
    }

    /// The rate multiplier at `elapsed` seconds: a 40-second wave between 0.4× and 1.6×, and a
    /// 3-second burst at 3× every 25 seconds.
    public static func multiplier(at elapsed: Double) -> Double {
        let wave = 1 + 0.6 * sin(2 * Double.pi * elapsed / 40)
        let inBurst = elapsed.truncatingRemainder(dividingBy: 25) >= 20 && elapsed.truncatingRemainder(dividingBy: 25) < 23
        return inBurst ? 3 * wave : wave
    }

    /// Sends until the task is cancelled.
    public func run() async {
        let start = ContinuousClock.now
        var owed = 0.0
        var lastBatch = -1
        let tick = 0.1
        while !Task.isCancelled {
            let elapsed = Self.seconds(ContinuousClock.now - start)
            owed += rate * Self.multiplier(at: elapsed) * tick
            // Each burst also brings a batch of slow jobs, sized to the rate.
            let cycle = Int(elapsed / 25)
            if Self.multiplier(at: elapsed) > 2 * (1 + 0.6 * sin(2 * Double.pi * elapsed / 40)), cycle != lastBatch {
                lastBatch = cycle
                for call in mix.slowBatch(count: max(4, Int(rate / 5))) { await send(call) }
            }
            while owed >= 1, !Task.isCancelled {
                owed -= 1
                await sendOne()
            }
            do {
                try await Task.sleep(for: .milliseconds(Int(tick * 1000)))
            } catch {
                return
            }
        }
    }

    /// Sends one call of the mix now.
    public func sendOne() async {
        await send(mix.next())
    }

    private func send(_ call: DemoCall) async {
        do {
            try await call.send(with: producer)
            progress.calls += 1
            progress.messages += call.messageCount
            progress.taskIDs += call.taskIDs
            progress.kinds[Self.kindName(call), default: 0] += 1
        } catch {
            progress.sendErrors += 1
            if progress.sendErrors == 1 || progress.sendErrors % 100 == 0 {
                logger.warning("demo load: send failed (\(progress.sendErrors) so far): \(error)")
            }
        }
    }

    private static func kindName(_ call: DemoCall) -> String {
        switch call {
        case .task(let name, _, _, _): name
        case .chain: "chain"
        case .chord: "chord"
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
