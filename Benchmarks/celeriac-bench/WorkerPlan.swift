import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Histogram

/// A worker the benchmark started: a `celeriac worker` or a Python Celery worker.
protocol BenchWorker {
    /// Resident memory of the worker and its pool processes.
    var residentMiB: Double { get }
    var isRunning: Bool { get }
    /// CPU seconds the worker process has used, where the benchmark can read it.
    var cpuSeconds: Double? { get }
    func stop()
}

extension CeleriacWorkerChild: BenchWorker {
    var isRunning: Bool { process.isRunning }
    /// The main process only: a `--pool process` worker's children are not counted.
    var cpuSeconds: Double? { CPUMeter.cpuSeconds(pid: process.pid) }
}

extension CeleryWorkerProcess: BenchWorker {
    var residentMiB: Double { ProcessMemory.treeMiB(pid) }
    var cpuSeconds: Double? { nil }
    func stop() { stop(timeout: 15) }
}

/// What the worker scenario measures, and how: for each server, `repeats` rounds in which
/// every worker shape is started fresh, measured idle, made to drain each queue length, and
/// timed over sequential round trips.
///
/// A drain is timed from the moment the whole queue appears: the tasks are first sent to a
/// staging list no worker reads, then `RENAME`d onto `celery` in one step, and the clock stops
/// when the results database (db 1, which holds nothing else) has one key per task. Worker
/// start-up and the producer are outside the figure.
struct WorkerPlan {
    var sizes: [Int]
    var pythonSizes: [Int]
    var calls: Int
    var shapes: [WorkerScenario.Shape]
    var skipPython: Bool
    var everySize = false
    /// The servers measured (a round-trip-only run needs redis-server alone).
    var servers: [ServerKind] = ServerKind.allCases

    /// The queue lengths `shape` drains.
    func sizes(for shape: WorkerScenario.Shape) -> [Int] {
        guard shape.isCeleriac else { return pythonSizes }
        guard !sizes.isEmpty else { return [] }
        return everySize || shape.drainsLongQueues ? sizes : Array(sizes.prefix(1))
    }

    static let staging = "bench.staging"

    /// Figures of one server, keyed by shape label and measure.
    private struct Samples {
        var values: [String: [Double]] = [:]
        mutating func add(_ label: String, _ measure: String, _ value: Double) { values["\(label)|\(measure)", default: []].append(value) }
        func get(_ label: String, _ measure: String) -> [Double] { values["\(label)|\(measure)"] ?? [] }
    }

    func measure(_ recorder: Recorder) async {
        let sizeText = sizes.map { BenchSupport.format(Double($0)) }.joined(separator: " and ")
        recorder.begin("3–5. Worker: drain \(sizeText) queued demo.noop, \(calls) sequential round trips, worker RSS; on redis-server and celeriac broker")
        var drains: [ServerKind: [Int: [String: Figure]]] = [:]
        var trips: [String: [String: Figure]] = [:]
        var idle: [String: Figure] = [:]
        var afterDrain: [String: Figure] = [:]
        for kind in servers {
            var samples = Samples()
            var failures: [String: String] = [:]
            do {
                try await run(on: kind, recorder: recorder, samples: &samples, failures: &failures)
            } catch {
                for shape in shapes where failures[shape.label] == nil { failures[shape.label] = "\(kind.rawValue): \(error)" }
            }
            for shape in shapes where shape.servers.contains(kind) {
                let failure = failures[shape.label]
                let isPython = !shape.isCeleriac
                for size in sizes {
                    let name = "drain \(BenchSupport.format(Double(size))) queued noop, \(kind.rawValue)"
                    var reason = failure
                    if isPython, !pythonSizes.contains(size) {
                        reason = skippedReason(size: size, rates: samples.get(shape.label, "drain \(pythonSizes.first ?? 0)"))
                    } else if !isPython, !sizes(for: shape).contains(size) {
                        let measured = shapes.filter(\.drainsLongQueues).map(\.label).joined(separator: ", ")
                        reason = "skipped for time: only \(measured) drains this length (--every-size)"
                    }
                    drains[kind, default: [:]][size, default: [:]][shape.label] = recorder.record(
                        .drain, name, system: shape.label, unit: .tasksPerSecond, samples: samples.get(shape.label, "drain \(size)"),
                        target: shape.isCeleriac ? .atLeast(50_000) : nil, reason: reason)
                }
                let idleFigure = recorder.record(.memory, "worker RSS idle, \(kind.rawValue)", system: shape.label, unit: .mebibytes,
                                                 samples: samples.get(shape.label, "idle"),
                                                 target: shape.isCeleriac ? .atMost(15) : nil, reason: failure)
                if kind == .redis { idle[shape.label] = idleFigure }
                for size in sizes(for: shape) {
                    let figure = recorder.record(.memory, "worker RSS after draining \(BenchSupport.format(Double(size))), \(kind.rawValue)",
                                                 system: shape.label, unit: .mebibytes, samples: samples.get(shape.label, "rss \(size)"),
                                                 reason: failure)
                    if kind == .redis, size == sizes.first { afterDrain[shape.label] = figure }
                }
                for (percentile, target) in [("p50", Target.atMost(0.4)), ("p99", .atMost(1)), ("p99.9", nil)] {
                    let figure = recorder.record(.roundTrip, "send + get \(percentile), \(kind.rawValue)", system: shape.label,
                                                 unit: .milliseconds, samples: samples.get(shape.label, percentile),
                                                 target: shape.isCeleriac ? target : nil, reason: failure)
                    if kind == .redis { trips[percentile, default: [:]][shape.label] = figure }
                }
            }
        }
        headlines(recorder, drains: drains, trips: trips, idle: idle, afterDrain: afterDrain)
    }

    /// The README rows: the best Celeriac drain beside Celery solo, per size and server, judged
    /// on both targets (≥ 50,000/s and ≥ 50× solo); round trip and memory of the first Celeriac
    /// shape and Celery solo on redis-server.
    private func headlines(_ recorder: Recorder, drains: [ServerKind: [Int: [String: Figure]]], trips: [String: [String: Figure]],
                           idle: [String: Figure], afterDrain: [String: Figure]) {
        let solo = WorkerScenario.celeryShapes[0].label
        for kind in ServerKind.allCases {
            for size in sizes {
                guard let figures = drains[kind]?[size] else { continue }
                let celeriac = figures.values.filter { $0.system.hasPrefix("celeriac") }
                guard let best = celeriac.max(by: { ($0.median ?? -1) < ($1.median ?? -1) }) else { continue }
                var row = Headline(section: .drain, figure: "tasks/s, \(best.name) (best: \(best.system))", celeriac: Recorder.cell(best),
                                   peer: "—", target: best.target.map { $0.text(best.unit) } ?? "", verdict: best.verdict)
                if let peer = figures[solo] {
                    let ratio = recorder.ratio(.drain, "\(best.name) vs celery solo", best, over: peer, target: .atLeast(50))
                    row.peer = "\(Recorder.cell(peer)) (\(peer.system))"
                    if ratio.median != nil {
                        row.target += "; ≥ 50× solo (\(Recorder.cell(ratio)))"
                        if ratio.verdict == .short { row.verdict = .short }
                    }
                }
                recorder.headline(row)
            }
        }
        guard let single = shapes.first(where: \.isCeleriac)?.label else { return }
        for percentile in ["p50", "p99", "p99.9"] {
            if let figure = trips[percentile]?[single] {
                recorder.headline("round trip \(percentile), redis-server (\(single))", celeriac: figure, peer: trips[percentile]?[solo])
            }
        }
        if let figure = idle[single] { recorder.headline("worker RSS idle (\(single))", celeriac: figure, peer: idle[solo]) }
        if let figure = afterDrain[single] {
            recorder.headline("worker RSS after a \(BenchSupport.format(Double(sizes.first ?? 0))) drain (\(single))", celeriac: figure,
                              peer: afterDrain[solo])
        }
    }

    /// Why a Python drain size was left out: the time it would take at the rate just measured.
    private func skippedReason(size: Int, rates: [Double]) -> String {
        guard let rate = Statistics.median(rates), rate > 0 else { return "skipped for time (--python-tasks)" }
        let minutes = Double(size) / rate / 60 * Double(max(1, rates.count))
        return String(format: "skipped for time, ~%.0f min at its rate (--python-tasks)", minutes)
    }

    /// Every repetition on one fresh server: each shape in turn, so that drift on a busy
    /// machine spreads over all of them.
    private func run(on kind: ServerKind, recorder: Recorder, samples: inout Samples, failures: inout [String: String]) async throws {
        let server = try BenchServer(kind)
        defer { server.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url(db: 0), resultBackend: server.url(db: 1)))
        let queue = try await RedisConnection.connect(to: try RedisURL(parsing: server.url(db: 0)))
        let results = try await RedisConnection.connect(to: try RedisURL(parsing: server.url(db: 1)))
        let loopStart = recorder.now
        for repetition in 0..<recorder.repeats {
            guard recorder.shouldRun(repetition: repetition, since: loopStart) else { break }
            for shape in shapes where failures[shape.label] == nil && shape.servers.contains(kind) {
                do {
                    try await lifecycle(shape, server: server, repetition: repetition, app: app, queue: queue, results: results,
                                        samples: &samples)
                } catch {
                    failures[shape.label] = "\(error)"
                }
                _ = try? await results.send(["FLUSHDB"])
                _ = try? await queue.send(["DEL", "celery", Self.staging])
            }
        }
        await queue.close()
        await results.close()
        await app.close()
    }

    /// One worker's life: start, idle memory, each drain and the memory after it, round trips.
    private func lifecycle(_ shape: WorkerScenario.Shape, server: BenchServer, repetition: Int, app: App, queue: RedisConnection,
                           results: RedisConnection, samples: inout Samples) async throws {
        let name = "bench\(repetition)-\(shape.label.filter { $0.isLetter || $0.isNumber })"
        let worker: any BenchWorker
        if shape.isCeleriac {
            worker = try CeleriacWorkerChild(broker: server.url(db: 0), backend: server.url(db: 1), arguments: shape.arguments, name: name)
        } else {
            worker = try await CeleryWorkerProcess(broker: server.url(db: 0), backend: server.url(db: 1), nodename: "\(name)@localhost",
                                             pool: shape.pool, concurrency: shape.concurrency,
                                             environment: ["CELERY_TRACK_STARTED": "0"])
        }
        defer { worker.stop() }
        try await Task.sleep(for: .seconds(1))
        samples.add(shape.label, "idle", worker.residentMiB)
        for size in sizes(for: shape) {
            let cpuStart = worker.cpuSeconds
            let rate = try await drain(size, app: app, queue: queue, results: results, worker: worker)
            if let cpuStart, let cpuEnd = worker.cpuSeconds {
                // CPU per task is steadier than the rate on a shared machine.
                print("    \(shape.label), drain \(BenchSupport.format(Double(size))) on \(server.kind.rawValue): "
                      + "\(BenchSupport.format(rate)) tasks/s, worker CPU per task \(CPUMeter.format((cpuEnd - cpuStart) / Double(size)))")
            }
            samples.add(shape.label, "drain \(size)", rate)
            samples.add(shape.label, "rss \(size)", worker.residentMiB)
            _ = try await results.send(["FLUSHDB"])
        }
        let trip = try await roundTrip(app: app, calls: calls)
        samples.add(shape.label, "p50", trip.p50)
        samples.add(shape.label, "p99", trip.p99)
        samples.add(shape.label, "p99.9", trip.p999)
    }

    /// Queues `count` `demo.noop` on the staging list, moves them onto `celery` at once, and
    /// returns tasks per second until the last result is stored.
    func drain(_ count: Int, app: App, queue: RedisConnection, results: RedisConnection, worker: any BenchWorker) async throws -> Double {
        try await Self.stage(count, app: app, queue: queue)
        return try await Self.release(count, queue: queue, results: results, worker: worker)
    }

    /// Sends `count` `demo.noop` to the staging list, which no worker reads.
    static func stage(_ count: Int, app: App, queue: RedisConnection) async throws {
        let options = SendOptions(queue: staging)
        var sent = 0
        while sent < count {
            let batch = min(1_000, count - sent)
            _ = try await app.producer.sendMany((0..<batch).map { _ in ("demo.noop", [], JSONObject(), options) })
            sent += batch
        }
        let staged = try await queue.send(["LLEN", staging]).int ?? 0
        guard staged == count else { throw BenchError(description: "staged \(staged) tasks, expected \(count)") }
    }

    /// Renames the staging list onto `celery` and returns tasks per second until the results
    /// database holds `timed` keys (all `count` by default: fewer times the first part of a
    /// long queue's drain, the rate while it is still deep).
    static func release(_ count: Int, timed: Int? = nil, queue: RedisConnection, results: RedisConnection,
                        worker: any BenchWorker) async throws -> Double {
        let count = min(count, timed ?? count)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await queue.send(["RENAME", staging, "celery"])
        // Generous: a hundred tasks a second is far below any worker measured here.
        let deadline = start + .seconds(60 + count / 100)
        while (try await results.send(["DBSIZE"]).int ?? 0) < count {
            guard worker.isRunning else { throw BenchError(description: "the worker exited during a drain of \(count)") }
            guard clock.now < deadline else { throw BenchError(description: "the worker did not drain \(count) tasks in time") }
            try await Task.sleep(for: .milliseconds(2))
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(count) / seconds
    }

    /// `send` + `get` of `demo.noop`, one after another: p50, p99 and p99.9 in milliseconds.
    func roundTrip(app: App, calls: Int) async throws -> (p50: Double, p99: Double, p999: Double) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        let clock = ContinuousClock()
        // The first calls warm up connections and subscriptions.
        let warmUp = min(50, calls)
        for index in 0..<(calls + warmUp) {
            let start = clock.now
            _ = try await app.producer.send("demo.noop").get(timeout: 30)
            let elapsed = clock.now - start
            if index >= warmUp {
                _ = histogram.record(UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000))
            }
        }
        func millis(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1_000 }
        return (millis(50), millis(99), millis(99.9))
    }
}
