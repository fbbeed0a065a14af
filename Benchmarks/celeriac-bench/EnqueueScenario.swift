import ArgumentParser
import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import Foundation

/// `celeriac-bench enqueue`: task messages per second from one producer — a `send` loop and
/// `sendMany` batches of 100 and 1,000 — next to Python Celery's `send_task` loop, all against
/// the same freshly started redis-server.
struct EnqueueScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue", abstract: "Producer throughput: send loop and sendMany vs Python Celery send_task.")

    @Flag(help: "Smoke run: few messages, figures not meaningful.")
    var quick = false

    @Option(help: "Messages per measurement.")
    var messages: Int = 50_000

    @Option(help: "Messages Python sends (it is much slower).")
    var pythonMessages: Int = 5_000

    @Flag(help: "Skip Python Celery.")
    var noReference = false

    func run() async throws {
        let count = quick ? 2_000 : messages
        let server = try RedisServer(arguments: ["--maxmemory", "0"])
        defer { server.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        let producer = app.producer
        print("redis-server on port \(server.port); \(count) messages per Celeriac figure")
        var rows: [BenchRow] = []

        // Warm-up, then each figure on an emptied queue.
        _ = try await producer.sendMany((0..<1_000).map { _ in ("demo.add", [1, 2], JSONObject(), SendOptions()) })
        _ = try await app.transport.purge("celery")

        let plain = try await BenchSupport.opsPerSecond(count) {
            for _ in 0..<count { try await producer.send("demo.add", args: [1, 2]) }
        }
        rows.append(BenchRow(shape: "send loop (pool)", celeriac: plain))
        _ = try await app.transport.purge("celery")

        let pinned = try await producer.withPinnedConnection { sender in
            try await BenchSupport.opsPerSecond(count) {
                for _ in 0..<count { try await sender.send("demo.add", args: [1, 2]) }
            }
        }
        rows.append(BenchRow(shape: "send loop (pinned)", celeriac: pinned))
        _ = try await app.transport.purge("celery")

        for batch in [100, 1_000] {
            let calls = (0..<batch).map { _ in (name: "demo.add", args: [JSONValue.integer(1), 2], kwargs: JSONObject(), options: SendOptions()) }
            let rate = try await producer.withPinnedConnection { sender in
                try await BenchSupport.opsPerSecond(count) {
                    for _ in 0..<(count / batch) { _ = try await sender.sendMany(calls) }
                }
            }
            rows.append(BenchRow(shape: "sendMany \(batch)", celeriac: rate))
            let stored = try await app.transport.purge("celery")
            guard stored == count / batch * batch else { throw BenchError(description: "sendMany stored \(stored) messages, expected \(count / batch * batch)") }
        }

        if !noReference {
            let python = try pythonRate(url: server.url(), count: quick ? 500 : pythonMessages)
            print("python celery send_task loop: \(BenchSupport.format(python)) msg/s (\(quick ? 500 : pythonMessages) messages)")
            rows = rows.map { row in
                var row = row
                row.reference = python
                return row
            }
        }
        BenchSupport.printTable(rows, referenceName: "celery send_task")
        await app.close()
    }

    /// Python Celery's `send_task` loop rate, from the test virtualenv.
    func pythonRate(url: String, count: Int) throws -> Double {
        guard let python = ProjectPaths.venvProgram("python") else {
            throw BenchError(description: "no Celery virtualenv at \(ProjectPaths.venv.path): set CELERIAC_VENV or pass --no-reference")
        }
        let script = """
            import sys, time
            from celery import Celery
            app = Celery('bench', broker=sys.argv[1], backend=sys.argv[1])
            for _ in range(500):
                app.send_task('demo.add', args=[1, 2])
            n = int(sys.argv[2])
            start = time.perf_counter()
            for _ in range(n):
                app.send_task('demo.add', args=[1, 2])
            print(n / (time.perf_counter() - start))
            """
        let result = try ProcessRunner.run(python, ["-c", script, url, String(count)], timeout: 600)
        guard result.status == 0 else { throw BenchError(description: "python exited with \(result.status): \(result.stderr)") }
        let output = result.stdout
        guard let rate = Double(output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last ?? "") else {
            throw BenchError(description: "python printed no rate: \(output)")
        }
        return rate
    }
}
