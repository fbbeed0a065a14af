import ArgumentParser
import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Histogram

/// `celeriac-bench worker`: how fast a `celeriac worker` drains `demo.noop` tasks at `-c 1`,
/// `-c 4` and `-c 16` and with `--pool process -c 2`, the `send` + `get` round trip over
/// sequential calls, and the worker's resident memory idle and under load — beside Python
/// Celery (`-P solo` and `-P prefork -c 2`) on the same freshly started redis-server. The
/// process pool's own round trip (parent → child → parent, no broker) is measured apart.
struct WorkerScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Worker drain rate, round trip and memory vs Python Celery.")

    @Flag(help: "Smoke run: few tasks, figures not meaningful.")
    var quick = false

    @Option(help: "Tasks drained per Celeriac figure.")
    var tasks: Int = 20_000

    @Option(help: "Tasks drained per Python figure (it is much slower).")
    var pythonTasks: Int = 4_000

    @Option(help: "Sequential calls for the round-trip figure.")
    var calls: Int = 2_000

    @Flag(help: "Skip Python Celery.")
    var noReference = false

    func run() async throws {
        let drainCount = quick ? 1_000 : tasks
        let pythonCount = quick ? 200 : pythonTasks
        let callCount = quick ? 100 : calls
        let server = try RedisServer(arguments: ["--maxmemory", "0"])
        defer { server.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        print("redis-server on port \(server.port); \(drainCount) demo.noop per Celeriac drain, \(pythonCount) per Python drain")
        var rows: [[String]] = []

        for (pool, concurrency) in [("async", 1), ("async", 4), ("async", 16), ("process", 2), ("process", 4)] {
            let worker = try CeleriacWorkerChild(url: server.url(), concurrency: concurrency, pool: pool)
            try await Task.sleep(for: .seconds(1))
            let idle = worker.residentKiB
            let drain = try await drainRate(app: app, count: drainCount, sample: { worker.residentKiB })
            var round: (p50: Double, p99: Double)?
            if concurrency == 1 || (pool == "process" && concurrency == 2) { round = try await roundTrip(app: app, calls: callCount) }
            let name = pool == "async" ? "celeriac -c \(concurrency)" : "celeriac --pool \(pool) -c \(concurrency)"
            rows.append([name, BenchSupport.format(drain.rate), round.map { Self.millis($0.p50) } ?? "-",
                         round.map { Self.millis($0.p99) } ?? "-", Self.mebibytes(idle), Self.mebibytes(drain.peakKiB)])
            worker.stop()
            _ = try await app.transport.client.send(["FLUSHDB"])
        }

        if !noReference {
            for (pool, concurrency) in [("solo", 1), ("prefork", 2)] {
                let worker = try CeleryWorkerProcess(broker: server.url(), pool: pool, concurrency: concurrency)
                try await Task.sleep(for: .seconds(1))
                let pids = Self.processTree(worker.pid)
                let idle = pids.map(Self.residentKiB).reduce(0, +)
                let drain = try await drainRate(app: app, count: pythonCount, sample: { pids.map(Self.residentKiB).reduce(0, +) })
                let round = try await roundTrip(app: app, calls: max(50, callCount / 4))
                rows.append(["celery -P \(pool) -c \(concurrency)", BenchSupport.format(drain.rate), Self.millis(round.p50),
                             Self.millis(round.p99), Self.mebibytes(idle), Self.mebibytes(drain.peakKiB)])
                worker.stop()
                _ = try await app.transport.client.send(["FLUSHDB"])
            }
        }
        BenchSupport.printTable(header: ["worker", "drain tasks/s", "round trip p50", "round trip p99", "RSS idle", "RSS under load"],
                                body: rows)
        await app.close()
        let jobs = quick ? 2_000 : 100_000
        let pipeRate = try await processPoolRate(children: 2, jobs: jobs)
        print("process pool alone (parent → child → parent over its socket, no broker), -c 2: "
              + "\(BenchSupport.format(pipeRate)) tasks/s over \(jobs) demo.noop")
        print("(RSS columns of --pool process rows are the parent's; each child adds its own)")
    }

    /// How fast a ``ProcessPool`` of `children` runs `demo.noop` bodies fed from `children`
    /// concurrent callers: the pool's own overhead, without broker, acks or results.
    func processPoolRate(children: Int, jobs: Int) async throws -> Double {
        var options = ProcessPoolOptions()
        options.executable = ProjectPaths.executable("celeriac").path
        options.arguments = ["worker", "--pool", "process"]
        let pool = ProcessPool(processes: children, options: options)
        await pool.start()
        let registry = DemoTasks.registry
        guard let noop = registry["demo.noop"] else { throw BenchError(description: "demo.noop is not registered") }
        // Warm up: every child ready and one job each.
        for _ in 0..<(children * 4) { _ = await pool.run(noop, context: TaskContext(id: "warm", name: "demo.noop", args: []),
                                                          softLimit: nil, hardLimit: nil, handle: RunningTask()) }
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<children {
                group.addTask {
                    for index in stride(from: caller, to: jobs, by: children) {
                        let outcome = await pool.run(noop, context: TaskContext(id: "j\(index)", name: "demo.noop", args: []),
                                                     softLimit: nil, hardLimit: nil, handle: RunningTask())
                        guard case .succeeded = outcome else { throw BenchError(description: "job \(index): \(outcome)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        await pool.stop()
        return Double(jobs) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Enqueues `count` `demo.noop` in batches and returns the rate at which their results
    /// appear, with the highest RSS `sample` saw meanwhile.
    func drainRate(app: App, count: Int, sample: () -> Int) async throws -> (rate: Double, peakKiB: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        var sent = 0
        while sent < count {
            let batch = min(1_000, count - sent)
            _ = try await app.producer.sendMany((0..<batch).map { _ in ("demo.noop", [], JSONObject(), SendOptions()) })
            sent += batch
        }
        var peak = sample()
        let deadline = clock.now + .seconds(600)
        while try await resultCount(app.transport.client) < count {
            guard clock.now < deadline else { throw BenchError(description: "the worker did not drain \(count) tasks in 600 s") }
            peak = max(peak, sample())
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Double(count) / seconds, peak)
    }

    /// How many result keys exist (the keyspace holds little else during a drain).
    func resultCount(_ client: RedisClient) async throws -> Int {
        var total = 0
        var cursor = "0"
        repeat {
            let reply = try await client.send(["SCAN", cursor, "MATCH", "celery-task-meta-*", "COUNT", "5000"])
            guard let items = reply.array, items.count == 2, let next = items[0].string else { return total }
            cursor = next
            total += items[1].array?.count ?? 0
        } while cursor != "0"
        return total
    }

    /// `send` + `get` of `demo.noop`, one after another; p50 and p99 in seconds.
    func roundTrip(app: App, calls: Int) async throws -> (p50: Double, p99: Double) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        let clock = ContinuousClock()
        for index in 0..<(calls + 50) {
            let start = clock.now
            _ = try await app.producer.send("demo.noop").get(timeout: 30)
            let elapsed = clock.now - start
            // The first 50 warm up connections and subscriptions.
            if index >= 50 {
                _ = histogram.record(UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000))
            }
        }
        return (Double(histogram.valueAtPercentile(50)) / 1e6, Double(histogram.valueAtPercentile(99)) / 1e6)
    }

    static func millis(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
    static func mebibytes(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }

    /// VmRSS of a process in KiB (0 when it is gone).
    static func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// A process and its children (a prefork pool's processes).
    static func processTree(_ pid: Int32) -> [Int32] {
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return [pid] + children.split(separator: " ").compactMap { Int32($0) }.flatMap(processTree)
    }
}

/// A `celeriac worker` started from the build folder of this benchmark.
final class CeleriacWorkerChild {
    let process: ChildProcess
    let logFile: URL

    init(url: String, concurrency: Int, pool: String = "async") throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("bench-worker-\(UUID().uuidString).log")
        process = try ChildProcess(ProjectPaths.executable("celeriac").path,
                                   ["worker", "--broker", url, "-c", String(concurrency), "--pool", pool, "--without-mingle",
                                    "--loglevel", "INFO", "-n", "bench-\(pool)\(concurrency)@localhost"],
                                   output: logFile.path)
        // INFO, as the Python workers beside it log: a line per task received and done.
        let deadline = Date().addingTimeInterval(30)
        while !((try? String(contentsOf: logFile, encoding: .utf8)) ?? "").contains(" ready: ") {
            guard process.isRunning, Date() < deadline else {
                throw BenchError(description: "celeriac worker did not start: \((try? String(contentsOf: logFile, encoding: .utf8)) ?? "")")
            }
            usleep(50_000)
        }
    }

    var residentKiB: Int { WorkerScenario.residentKiB(process.pid) }

    func stop() {
        process.terminate(grace: 30)
        try? FileManager.default.removeItem(at: logFile)
    }
}
