import ArgumentParser
import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation

/// `celeriac-bench enqueue` (scenario 2): task messages per second from one producer — a
/// `send` loop (pooled and pinned connection) and `sendMany` batches of 100 and 1,000 — next to
/// Python Celery's `apply_async` loop, all against the same freshly started redis-server.
struct EnqueueScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue", abstract: "Producer throughput: send loop and sendMany vs Python Celery apply_async.")

    @OptionGroup var common: RunOptions

    @Option(help: "Messages per Celeriac measurement.")
    var messages: Int = 50_000

    @Option(help: "Messages per Python measurement (it is much slower).")
    var pythonMessages: Int = 5_000

    func run() async throws {
        await ReportRun.execute(common, title: "enqueue") { recorder in await measure(recorder) }
    }

    func measure(_ recorder: Recorder) async {
        let count = recorder.quick ? 2_000 : messages
        let pythonCount = recorder.quick ? 200 : pythonMessages
        recorder.begin("2. Enqueue: \(BenchSupport.format(Double(count))) messages per Celeriac figure, \(BenchSupport.format(Double(pythonCount))) per Python figure, on redis-server")
        // Every row names the executor it ran on: this process's, and (in a child process) the
        // other one, so the plain loop on Swift's default executor stays measured.
        let here = ExecutorMode.current
        let other = ExecutorMode.other
        let shapes = Self.shapes.map { "\($0) [\(here)]" }
        let otherShapes = Self.shapes.map { "\($0) [\(other.mode)]" }
        var rates: [String: [Double]] = [:]
        var python: [Double] = []
        var pythonFailure: String?
        let failure = await recorder.repeated { _ in
            let server = try RedisServer(arguments: ["--maxmemory", "0"])
            defer { server.stop() }
            let app = try await App(configuration: try Configuration(broker: server.url()))
            do {
                let measured = try await Self.celeriacRates(app: app, count: count, serverPID: server.pid)
                for (shape, rate) in zip(shapes, measured) { rates[shape, default: []].append(rate) }
                await app.close()
                let child = try await EnqueueChild.measure(url: server.url(), serverPID: server.pid, count: count,
                                                           environment: other.environment)
                for (shape, rate) in zip(otherShapes, child) { rates[shape, default: []].append(rate) }
            } catch {
                await app.close()
                throw error
            }
            if pythonFailure == nil {
                do {
                    python.append(try Self.pythonRate(url: server.url(), count: pythonCount))
                } catch {
                    pythonFailure = "\(error)"
                }
            }
        }
        let pythonFigure = recorder.record(.enqueue, "apply_async loop", system: "celery", unit: .messagesPerSecond, samples: python,
                                           reason: pythonFailure ?? failure)
        var figures: [String: Figure] = [:]
        for shape in shapes + otherShapes {
            // Issue #5's targets: a plain (pooled) `send` loop ≥ 20,000/s, `sendMany` ≥ 100,000/s.
            // The pinned and event-loop rows are documented hot-loop APIs, shown beside the
            // plain loop without a target of their own.
            let target: Target? = shape.hasPrefix("sendMany") ? .atLeast(100_000)
                : shape.hasPrefix(Self.shapes[0]) ? .atLeast(20_000) : nil
            figures[shape] = recorder.record(.enqueue, shape, system: "celeriac", unit: .messagesPerSecond, samples: rates[shape] ?? [],
                                             target: target, reason: failure)
        }
        // The plain loop in both modes, each named: Celeriac's runtime (`CeleriacRuntime.runMain`,
        // the `celeriac` executable) runs on the event-loop executor, a program with Swift's own
        // async main on the default one.
        let loops = [(ExecutorMode.eventLoop, "Celeriac's runtime, event-loop executor"), (ExecutorMode.standard, "Swift's default executor")]
        for (mode, name) in loops {
            guard let loop = figures["\(Self.shapes[0]) [\(mode)]"] else { continue }
            recorder.ratio(.enqueue, "send loop [\(mode)] vs apply_async loop", loop, over: pythonFigure)
            recorder.headline("msg/s, send loop (\(name)) vs Python apply_async loop", celeriac: loop, peer: pythonFigure)
        }
        if let pinned = figures[shapes[1]] {
            // Beside the plain loop, so the table says where the documented hot-loop API stands.
            recorder.headline("msg/s, send loop on a pinned connection (withPinnedConnection)", celeriac: pinned, peer: pythonFigure)
        }
        if let batch = figures[shapes[3]] {
            recorder.ratio(.enqueue, "sendMany (1,000) vs apply_async loop", batch, over: pythonFigure)
            recorder.headline("msg/s, sendMany (batches of 1,000)", celeriac: batch, peer: pythonFigure)
        }
    }

    /// The Celeriac measurements, in the order of `celeriacRates`'s figures.
    static let shapes = ["send loop (pooled connection)", "send loop (pinned connection)", "sendMany, batches of 100",
                         "sendMany, batches of 1,000", "send loop (pooled, caller on an event loop)"]

    /// The five Celeriac figures, in the order of `shapes`, each on an emptied queue. Also
    /// prints the CPU each message cost this process and the redis-server (the machine is
    /// shared, so CPU per message compares runs better than the wall-clock rate), and the
    /// CPU of building and encoding alone.
    static func celeriacRates(app: App, count: Int, serverPID: Int32) async throws -> [Double] {
        let producer = app.producer
        // Warm-up: connections, allocator and the server.
        _ = try await producer.sendMany((0..<1_000).map { _ in ("demo.add", [1, 2], JSONObject(), SendOptions()) })
        _ = try await app.transport.purge("celery")
        let encodeCPU = try CPUMeter.measure(serverPID: serverPID, count: count) {
            var bytes = 0
            for _ in 0..<count { bytes &+= try producer.message("demo.add", args: [1, 2]).encoded().count }
            if bytes == 0 { throw BenchError(description: "no bytes encoded") }
        }
        // The public `message(...).encoded()` builds the full TaskMessage; the send paths
        // write the envelope straight from the builder and cost less (see their CPU figures).
        print("    message(...).encoded() only (the public build path, no I/O): \(CPUMeter.format(encodeCPU.client)) CPU per message")
        var rates: [Double] = []
        func measured(_ shape: String, _ total: Int, _ body: () async throws -> Void) async throws {
            let meter = CPUMeter(serverPID: serverPID)
            let switches = EnqueueSwitches(serverPID: serverPID)
            let rate = try await BenchSupport.opsPerSecond(total, body)
            let cpu = meter.perOperation(total)
            let hops = switches.perOperation(total)
            print("    \(shape): \(BenchSupport.format(rate)) msg/s, CPU per message: celeriac \(CPUMeter.format(cpu.client)), redis-server \(CPUMeter.format(cpu.server)); context switches per message: celeriac \(EnqueueSwitches.format(hops.client)), redis-server \(EnqueueSwitches.format(hops.server))")
            rates.append(rate)
        }
        try await measured("send loop (pooled connection)", count) {
            for _ in 0..<count { try await producer.send("demo.add", args: [1, 2]) }
        }
        _ = try await app.transport.purge("celery")
        try await producer.withPinnedConnection { sender in
            try await measured("send loop (pinned connection)", count) {
                for _ in 0..<count { try await sender.send("demo.add", args: [1, 2]) }
            }
        }
        _ = try await app.transport.purge("celery")
        for batch in [100, 1_000] {
            let calls = (0..<batch).map { _ in (name: "demo.add", args: [JSONValue.integer(1), 2], kwargs: JSONObject(), options: SendOptions()) }
            let batches = max(1, count / batch)
            try await producer.withPinnedConnection { sender in
                try await measured("sendMany, batches of \(batch)", batches * batch) {
                    for _ in 0..<batches { _ = try await sender.sendMany(calls) }
                }
            }
            let stored = try await app.transport.purge("celery")
            guard stored == batches * batch else { throw BenchError(description: "sendMany stored \(stored) messages, expected \(batches * batch)") }
        }
        // The plain pooled producer again, from a task running on the loop of one of its
        // connections: it writes there and the reply resumes it on the same thread.
        try await producer.withSendLoop {
            try await measured("send loop (pooled, caller on an event loop)", count) {
                for _ in 0..<count { try await producer.send("demo.add", args: [1, 2]) }
            }
        }
        _ = try await app.transport.purge("celery")
        return rates
    }

    /// Python Celery's `apply_async` loop rate, from the test virtualenv.
    static func pythonRate(url: String, count: Int) throws -> Double {
        guard let python = ProjectPaths.venvProgram("python") else {
            throw BenchError(description: "no Celery virtualenv at \(ProjectPaths.venv.path) (set CELERIAC_VENV)")
        }
        let script = """
            import sys, time
            from celery import Celery
            app = Celery('bench', broker=sys.argv[1], backend=sys.argv[1])
            @app.task(name='demo.add')
            def add(x, y):
                return x + y
            for _ in range(500):
                add.apply_async((1, 2))
            n = int(sys.argv[2])
            start = time.perf_counter()
            for _ in range(n):
                add.apply_async((1, 2))
            print(n / (time.perf_counter() - start))
            """
        let result = try ProcessRunner.run(python, ["-c", script, url, String(count)], timeout: 600)
        guard result.status == 0 else { throw BenchError(description: "python exited with \(result.status): \(result.stderr.suffix(300))") }
        guard let rate = Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last ?? "") else {
            throw BenchError(description: "python printed no rate: \(result.stdout.suffix(300))")
        }
        return rate
    }
}
