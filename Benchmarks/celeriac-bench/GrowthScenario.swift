import ArgumentParser
import Celeriac
import CeleriacRedis
import Foundation

/// `celeriac-bench growth` (scenario 7): how the drain rate and the broker's memory change as
/// the queue grows from 10,000 to 1,000,000 messages — a fresh `celeriac broker` and
/// `celeriac worker` per queue length and repetition; redis-server's memory at the same
/// lengths beside it.
struct GrowthScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "growth", abstract: "Drain rate and broker memory from 10k to 1M queued messages.")

    @OptionGroup var common: RunOptions

    @Option(help: "Queue lengths, comma-separated.")
    var sizes: String = "10000,100000,1000000"

    @Option(help: "The draining worker's concurrency.")
    var concurrency: Int = 4

    @Option(help: "Tasks timed per drain: past this many, the rate is that of the first ones, while the queue is still deep (a full 1M drain would take most of make bench's budget).")
    var timedTasks: Int = 100_000

    func run() async throws {
        await ReportRun.execute(common, title: "growth") { recorder in await measure(recorder) }
    }

    func measure(_ recorder: Recorder) async {
        let lengths = recorder.quick ? [500, 2_000] : WorkerScenario.sizes(sizes)
        let lengthText = lengths.map { BenchSupport.format(Double($0)) }.joined(separator: ", ")
        recorder.begin("7. Growth: \(lengthText) queued demo.noop; broker RSS with the queue full, then celeriac -c \(concurrency) drains it")
        let worker = "celeriac -c \(concurrency)"
        var rows: [(length: Int, drain: Figure, celeriacRSS: Figure, redisRSS: Figure)] = []
        for length in lengths {
            var rates: [Double] = []
            var memory: [ServerKind: [Double]] = [:]
            var failures: [ServerKind: String] = [:]
            for kind in ServerKind.allCases {
                failures[kind] = await recorder.repeated { _ in
                    let (rate, rss) = try await once(kind: kind, length: length, drain: kind == .celeriac)
                    memory[kind, default: []].append(rss)
                    if let rate { rates.append(rate) }
                }
            }
            let label = "\(BenchSupport.format(Double(length))) queued noop"
            let timed = length > timedTasks ? " (first \(BenchSupport.format(Double(timedTasks))) timed)" : ""
            let drain = recorder.record(.growth, "drain \(label)\(timed), celeriac broker", system: worker, unit: .tasksPerSecond, samples: rates,
                                        reason: failures[.celeriac])
            let figures = ServerKind.allCases.map { kind in
                recorder.record(.growth, "broker RSS with \(label)", system: kind.rawValue, unit: .mebibytes, samples: memory[kind] ?? [],
                                reason: failures[kind])
            }
            rows.append((length, drain, figures[1], figures[0]))
        }
        guard !rows.isEmpty else { return }
        let sizesText = rows.map { BenchSupport.format(Double($0.length)) }.joined(separator: " → ")
        recorder.headline(Headline(section: .growth, figure: "drain tasks/s at \(sizesText) queued (celeriac broker, \(worker))",
                                   celeriac: rows.map { Recorder.cell($0.drain) }.joined(separator: " → "), peer: "—", target: "", verdict: nil))
        recorder.headline(Headline(section: .growth, figure: "broker RSS at \(sizesText) queued",
                                   celeriac: rows.map { Recorder.cell($0.celeriacRSS) }.joined(separator: " → "),
                                   peer: rows.map { Recorder.cell($0.redisRSS) }.joined(separator: " → ") + " (redis-server)",
                                   target: "", verdict: nil))
    }

    /// One fresh server filled with `length` tasks: its RSS then, and (when `drain`) the rate
    /// at which a fresh `celeriac worker` empties it.
    func once(kind: ServerKind, length: Int, drain: Bool) async throws -> (rate: Double?, rss: Double) {
        let server = try BenchServer(kind)
        defer { server.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url(db: 0), resultBackend: server.url(db: 1)))
        let queue = try await RedisConnection.connect(to: try RedisURL(parsing: server.url(db: 0)))
        let results = try await RedisConnection.connect(to: try RedisURL(parsing: server.url(db: 1)))
        do {
            try await WorkerPlan.stage(length, app: app, queue: queue)
            let rss = server.residentMiB
            var rate: Double?
            if drain {
                let worker = try CeleriacWorkerChild(broker: server.url(db: 0), backend: server.url(db: 1),
                                                     arguments: ["-c", String(concurrency)], name: "growth")
                defer { worker.stop() }
                try await Task.sleep(for: .milliseconds(500))
                rate = try await WorkerPlan.release(length, timed: timedTasks, queue: queue, results: results, worker: worker)
            }
            await close(app, queue, results)
            return (rate, rss)
        } catch {
            await close(app, queue, results)
            throw error
        }
    }

    private func close(_ app: App, _ queue: RedisConnection, _ results: RedisConnection) async {
        await queue.close()
        await results.close()
        await app.close()
    }
}
