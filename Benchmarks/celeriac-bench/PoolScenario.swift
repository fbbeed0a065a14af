import ArgumentParser
import CeleriacProtocol
import CeleriacTestSupport
import CeleriacWorker
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `celeriac-bench pool`: the process pool alone, without a broker or a worker around it —
/// jobs per second through `ProcessPool.run` with `demo.noop` bodies, and the CPU time the
/// parent and the children spend per job. The children are `celeriac worker` processes (the
/// build folder's), as `--pool process` starts them.
struct PoolScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool", abstract: "Process pool jobs/s and CPU per job, without broker or worker.")

    @Option(help: "Jobs run per repetition.")
    var jobs: Int = 100_000

    @Option(help: "Child processes.")
    var processes: Int = 2

    @Option(help: "Jobs handed to the pool at once (the worker's slots).")
    var inFlight: Int = 4

    @Option(help: "Repetitions.")
    var repeats: Int = 3

    func run() async throws {
        var options = ProcessPoolOptions()
        options.executable = ProjectPaths.executable("celeriac").path
        options.arguments = ["worker"]
        let pool = ProcessPool(processes: processes, options: options)
        await pool.start()
        let task = RegisteredTask(name: "demo.noop") { _ in .null }
        // Ready children answer: a warm-up round waits for them.
        await Self.drive(pool, task: task, jobs: 1_000, inFlight: inFlight)
        let children = pool.pids
        print("pool: \(processes) children \(children), \(inFlight) jobs in flight, \(jobs) noop jobs per repetition")
        for round in 1...max(1, repeats) {
            let parentBefore = Self.ownCPU()
            let childrenBefore = children.map { Self.cpu(of: $0) }.reduce(0, +)
            let started = ContinuousClock.now
            await Self.drive(pool, task: task, jobs: jobs, inFlight: inFlight)
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let parent = Self.ownCPU() - parentBefore
            let child = children.map { Self.cpu(of: $0) }.reduce(0, +) - childrenBefore
            let perJob = { (value: Double) in String(format: "%.1f", value / Double(jobs) * 1e6) }
            print("round \(round): \(Int(Double(jobs) / seconds)) jobs/s; CPU per job: parent \(perJob(parent)) µs, children \(perJob(child)) µs, total \(perJob(parent + child)) µs")
        }
        await pool.stop()
    }

    /// Runs `jobs` jobs with `inFlight` of them handed to the pool at any moment.
    static func drive(_ pool: ProcessPool, task: RegisteredTask, jobs: Int, inFlight: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<max(1, inFlight) {
                group.addTask {
                    var index = lane
                    while index < jobs {
                        let context = TaskContext(id: "job-\(index)", name: task.name, args: [])
                        _ = await pool.run(task, context: context, softLimit: nil, hardLimit: nil, handle: RunningTask())
                        index += inFlight
                    }
                }
            }
        }
    }

    /// This process's user + system CPU seconds.
    static func ownCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// A process's user + system CPU seconds from /proc/PID/stat (0 once it is gone).
    static func cpu(of pid: Int) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
