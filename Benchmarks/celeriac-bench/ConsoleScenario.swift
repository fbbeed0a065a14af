import ArgumentParser
import CeleriacConsole
import CeleriacProtocol
import CeleriacTestSupport
import Foundation

/// `celeriac-bench console` (scenarios 6 and 5): how many events a second `ClusterState`
/// ingests from a recorded stream, headless (decoded, and from JSON text); how long one frame
/// of each view takes to render at 10,000 tracked tasks on a 200×60 screen; and the resident
/// memory of a fresh process tracking 10,000 and 100,000 tasks.
struct ConsoleScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "Console model: ingest rate, frame time per view, memory at 10k and 100k tasks.")

    @OptionGroup var common: RunOptions

    @Option(help: "Tasks in the ingest stream (three events each, plus heartbeats).")
    var streamTasks: Int = 200_000

    @Option(help: "Tracked tasks when rendering frames.")
    var frameTasks: Int = 10_000

    @Option(help: "Tracked task counts for the memory figures, comma-separated.")
    var memoryTasks: String = "10000,100000"

    func run() async throws {
        await ReportRun.execute(common, title: "console") { recorder in await measure(recorder) }
    }

    func measure(_ recorder: Recorder) async {
        let tasks = recorder.quick ? 5_000 : streamTasks
        recorder.begin("6. Console: ingest \(BenchSupport.format(Double(tasks))) tasks' events headless; one frame of each view, 200×60")
        ingest(recorder, tasks: tasks)
        frames(recorder, tasks: recorder.quick ? 2_000 : frameTasks, frames: recorder.quick ? 3 : 30)
        memory(recorder, counts: recorder.quick ? [1_000, 5_000] : WorkerScenario.sizes(memoryTasks))
    }

    /// Decoded events into a `ClusterState` at its default bound, then the same from JSON text
    /// (parse, event check, apply).
    func ingest(_ recorder: Recorder, tasks: Int) {
        let stream = ConsoleEvents.stream(tasks: tasks)
        var decoded: [Double] = []
        var text: [Double] = []
        let raw = stream.prefix(stream.count / 4).map { JSONWriter.bytes($0.jsonValue) }
        for _ in 0..<recorder.repeats {
            var state = ClusterState()
            let seconds = ConsoleEvents.ingest(stream, into: &state)
            decoded.append(Double(stream.count) / seconds)
            var parsedState = ClusterState()
            let clock = ContinuousClock()
            var now = 1_795_585_200.0
            let elapsed = clock.measure {
                for (index, bytes) in raw.enumerated() {
                    if let value = try? JSONParser.parse(bytes), let events = try? EventMessage.events(in: value) {
                        parsedState.apply(.events(events), now: now)
                    }
                    if index % 100 == 0 { now += 0.05 }
                }
            }
            text.append(Double(raw.count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        }
        let figure = recorder.record(.console, "ingest, decoded events (\(BenchSupport.format(Double(stream.count))) events)",
                                     system: "celeriac console", unit: .eventsPerSecond, samples: decoded, target: .atLeast(50_000))
        recorder.record(.console, "ingest from JSON text (\(BenchSupport.format(Double(raw.count))) events)", system: "celeriac console",
                        unit: .eventsPerSecond, samples: text)
        recorder.headline("console ingest, events/s (headless, recorded stream)", celeriac: figure)
    }

    /// Milliseconds per frame of each view, the mean of `frames` renders per repetition.
    func frames(_ recorder: Recorder, tasks frameTasks: Int, frames: Int) {
        var state = ClusterState(maxTasks: frameTasks)
        _ = ConsoleEvents.ingest(ConsoleEvents.stream(tasks: frameTasks), into: &state)
        state.apply([.queueDepths(QueueDepthPoll(depths: ["celery": [120, 3, 0, 4], "slow": [40]]))], now: 1_795_585_210)
        var model = ConsoleModel(state: state, now: 1_795_585_210)
        model.reduce(.resize(width: 200, height: 60))
        model.reduce(.show(.tasks))
        model.reduce(.key(.enter))
        var screen = Screen(width: 200, height: 60)
        var slowest: Figure?
        for view in ConsoleView.allCases {
            var shown = model
            if view == .workerDetail {
                shown.reduce(.show(.workers))
                shown.reduce(.key(.enter))
            } else {
                shown.reduce(.show(view))
            }
            ConsoleRenderer.render(shown, into: &screen)
            var samples: [Double] = []
            let clock = ContinuousClock()
            for _ in 0..<recorder.repeats {
                let elapsed = clock.measure { for _ in 0..<frames { ConsoleRenderer.render(shown, into: &screen) } }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                samples.append(seconds / Double(frames) * 1_000)
            }
            let figure = recorder.record(.console, "frame, \(view.name) view, \(BenchSupport.format(Double(frameTasks))) tasks, 200×60",
                                         system: "celeriac console", unit: .milliseconds, samples: samples, target: .atMost(5))
            if (figure.median ?? 0) > (slowest?.median ?? -1) { slowest = figure }
        }
        if let slowest { recorder.headline("console frame, slowest view (\(slowest.name))", celeriac: slowest) }
    }

    /// Resident memory of a fresh `celeriac-bench console-memory` child per count and
    /// repetition, so that no stream or earlier figure's garbage is counted.
    func memory(_ recorder: Recorder, counts: [Int]) {
        let executable = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? "celeriac-bench")
        for count in counts {
            var samples: [Double] = []
            var failure: String?
            for _ in 0..<recorder.repeats where failure == nil {
                do {
                    let output = try ProcessRunner.run(executable, ["console-memory", "--tasks", String(count)], timeout: 300)
                    guard output.status == 0, let value = Double(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                        throw BenchError(description: "console-memory exited with \(output.status): \(output.stderr.suffix(300))")
                    }
                    samples.append(value)
                } catch {
                    failure = "\(error)"
                }
            }
            let figure = recorder.record(.memory, "console RSS with \(BenchSupport.format(Double(count))) tracked tasks (fresh process)",
                                         system: "celeriac console", unit: .mebibytes, samples: samples, reason: failure)
            recorder.headline("console RSS, \(BenchSupport.format(Double(count))) tracked tasks", celeriac: figure)
        }
    }
}

/// `celeriac-bench console-memory --tasks N`: ingests N tasks' events in small chunks, as a
/// live console receives them, and prints its own resident memory in MiB. Run as a child of
/// the console scenario.
struct ConsoleMemoryProbe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console-memory", abstract: "Print this process's RSS (MiB) after tracking N tasks.", shouldDisplay: false)

    @Option(help: "Tracked tasks.") var tasks: Int = 100_000

    func run() throws {
        var state = ClusterState(maxTasks: max(tasks, 1))
        // Small chunks: a large generated stream would leave its freed garbage in the heap and
        // be counted as the state's.
        var start = 0
        while start < tasks {
            let count = min(1_000, tasks - start)
            _ = ConsoleEvents.ingest(ConsoleEvents.stream(tasks: count, start: start), into: &state)
            start += count
        }
        guard state.tasks.count == tasks else {
            throw BenchError(description: "the state tracks \(state.tasks.count) tasks, expected \(tasks)")
        }
        print(String(format: "%.2f", Double(ProcessMemory.residentKiB(getpid())) / 1024))
    }
}
