import ArgumentParser
import Celeriac
import CeleriacTestSupport
import Foundation

/// `celeriac-bench worker` (scenarios 3, 4 and 5): how fast each worker drains queued
/// `demo.noop` tasks, the `send` + `get` round trip over sequential calls, and the worker's
/// resident memory idle and at the end of a drain — `celeriac worker` at `-c 1`, `-c 4`,
/// `-c 16` and `--pool process -c 2` beside Python Celery (`solo`, `prefork -c 2`, `threads -c 8`), on a fresh
/// redis-server and a fresh `celeriac broker`.
struct WorkerScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Worker drain rate, round trip and memory vs Python Celery.")

    @OptionGroup var common: RunOptions

    @Option(help: "Queue lengths drained, comma-separated.")
    var tasks: String = "20000,200000"

    @Option(help: "Queue lengths Python Celery drains (it is much slower), comma-separated.")
    var pythonTasks: String = "20000"

    @Option(help: "Sequential calls for the round-trip figure.")
    var calls: Int = 2_000

    @Flag(help: "Skip Python Celery.")
    var noReference = false

    @Flag(help: "Only the send + get round trip of `celeriac -c 1` (and Celery solo unless --no-reference) on redis-server: no drains, no broker run.")
    var roundTripOnly = false

    @Flag(help: "Drain every queue length with every Celeriac shape (by default only the marked shape, -c 16, drains the longer ones: about 10 minutes less).")
    var everySize = false

    /// A worker measured: its label in the tables and how to start it.
    struct Shape {
        var label: String
        var isCeleriac: Bool
        /// `celeriac worker` arguments, or Celery's pool and concurrency.
        var arguments: [String] = []
        var pool = ""
        var concurrency = 1
        /// The servers it is measured on.
        var servers: [ServerKind] = ServerKind.allCases
        /// Whether it drains the queue lengths past the first (one shape does by default, to
        /// keep `make bench` under 20 minutes; the others' rate at 20,000 tells the same story).
        var drainsLongQueues = false
    }

    /// The Celeriac workers measured (add a row to measure another pool or concurrency).
    static let celeriacShapes: [Shape] = [
        Shape(label: "celeriac -c 1", isCeleriac: true, arguments: ["-c", "1"]),
        Shape(label: "celeriac -c 4", isCeleriac: true, arguments: ["-c", "4"]),
        Shape(label: "celeriac -c 16", isCeleriac: true, arguments: ["-c", "16"], drainsLongQueues: true),
        Shape(label: "celeriac --pool process -c 2", isCeleriac: true, arguments: ["--pool", "process", "-c", "2"],
              servers: [.redis]),
        Shape(label: "celeriac --pool threads -c 8", isCeleriac: true, arguments: ["--pool", "threads", "-c", "8"],
              servers: [.redis]),
    ]

    /// The Python Celery workers measured beside them.
    static let celeryShapes: [Shape] = [
        Shape(label: "celery -P solo", isCeleriac: false, pool: "solo", concurrency: 1),
        // Solo is the peer of the ≥ 50× target on both servers; the other pools, at their
        // rate, on redis-server only, which keeps `make bench` under 20 minutes.
        Shape(label: "celery -P prefork -c 2", isCeleriac: false, pool: "prefork", concurrency: 2, servers: [.redis]),
        Shape(label: "celery -P threads -c 8", isCeleriac: false, pool: "threads", concurrency: 8, servers: [.redis]),
    ]

    func run() async throws {
        await ReportRun.execute(common, title: "worker") { recorder in await measure(recorder) }
    }

    func measure(_ recorder: Recorder) async {
        let sizes = recorder.quick ? [500, 2_000] : Self.sizes(tasks)
        let pythonSizes = recorder.quick ? [500] : Self.sizes(pythonTasks)
        // Quick runs keep one worker of each kind: enough to show that every figure comes out.
        var quickPeer = Self.celeryShapes[0]
        quickPeer.servers = [.redis]
        var shapes = recorder.quick ? [Self.celeriacShapes[1], quickPeer]
            : Self.celeriacShapes + (noReference ? [] : Self.celeryShapes)
        if roundTripOnly {
            shapes = [Self.celeriacShapes[0], Self.celeryShapes[0]].prefix(noReference ? 1 : 2).map { shape in
                var shape = shape
                shape.servers = [.redis]
                return shape
            }
        }
        // The workers inherit this process's environment, so they run in the mode the
        // `celeriac` executable picks with it (CELERIAC_EVENT_LOOP_EXECUTOR, else its default);
        // the round trip's client runs here, in this process's mode. Every Celeriac row names
        // the worker's mode, and the client's where it differs.
        let workerMode = await ExecutorMode.ofCeleriacExecutable()
        let suffix = workerMode == ExecutorMode.current ? workerMode : "\(workerMode); client: \(ExecutorMode.current)"
        shapes = shapes.map { shape in
            var shape = shape
            if shape.isCeleriac { shape.label += " [\(suffix)]" }
            return shape
        }
        let plan = WorkerPlan(sizes: roundTripOnly ? [] : sizes, pythonSizes: roundTripOnly ? [] : pythonSizes,
                              calls: recorder.quick ? 50 : calls, shapes: shapes, skipPython: noReference,
                              everySize: everySize || recorder.quick, servers: roundTripOnly ? [.redis] : ServerKind.allCases)
        await plan.measure(recorder)
    }

    static func sizes(_ text: String) -> [Int] {
        text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
    }
}

/// A `celeriac worker` started from the build folder of this benchmark.
final class CeleriacWorkerChild: Sendable {
    let process: ChildProcess
    let logFile: URL

    init(broker: String, backend: String, arguments: [String], name: String) throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("bench-worker-\(UUID().uuidString).log")
        process = try ChildProcess(ProjectPaths.executable("celeriac").path,
                                   ["worker", "--broker", broker, "--result-backend", backend, "--without-mingle",
                                    "--loglevel", "INFO", "-n", "\(name)@localhost"] + arguments,
                                   output: logFile.path)
        // INFO, as the Python workers beside it log: a line per task received and done.
        let deadline = Date().addingTimeInterval(30)
        while !((try? String(contentsOf: logFile, encoding: .utf8)) ?? "").contains(" ready: ") {
            guard process.isRunning, Date() < deadline else {
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                stop()
                throw BenchError(description: "celeriac worker did not start: \(log.suffix(500))")
            }
            usleep(50_000)
        }
    }

    var residentMiB: Double { Double(ProcessMemory.residentKiB(process.pid)) / 1024 }

    func stop() {
        process.terminate(grace: 30)
        try? FileManager.default.removeItem(at: logFile)
    }
}
