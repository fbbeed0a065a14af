// Figures for the console model (issue #7): ClusterState ingest rate, frame render time per
// view at 10,000 tasks and 200×60, and resident memory with 100,000 tracked tasks.
// Run: swift run -c release celeriac-console-bench
import CeleriacConsole
import CeleriacProtocol
import Foundation

func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
        return kb / 1024
    }
    return -1
}

/// A deterministic mixed stream: per task received, started, then succeeded (9 in 10) or
/// failed; a heartbeat from each of four workers every 200 events.
func events(tasks: Int, start: Int = 0) -> [CeleryEvent] {
    let names = ["demo.add", "demo.mul", "demo.echo", "demo.sleep", "demo.fail", "demo.flaky", "demo.xsum", "demo.noop"]
    let hosts = ["w1@host1", "w2@host1", "w3@host2", "w4@host2"]
    var out: [CeleryEvent] = []
    out.reserveCapacity(tasks * 3 + tasks / 50)
    var clock = 0
    var t = 1_795_585_200.0
    for i in start..<(start + tasks) {
        let id = "5eed\(String(i, radix: 16))-0000-4000-8000-\(String(repeating: "0", count: 4))\(i)"
        let host = hosts[i % hosts.count]
        let source = CeleryEvent.Source(hostname: host, pid: 1000 + i % 4)
        clock += 1
        out.append(CeleryEvent(type: .taskReceived, source: source, clock: clock,
                               fields: EventFields.taskReceived(uuid: id, name: names[i % names.count], args: "(\(i), \(i + 1))",
                                                                kwargs: "{}", rootID: id, parentID: nil, retries: 0, eta: nil, expires: nil),
                               timestamp: t))
        clock += 1
        out.append(CeleryEvent(type: .taskStarted, source: source, clock: clock, fields: EventFields.taskStarted(uuid: id), timestamp: t + 0.001))
        clock += 1
        if i % 10 == 4 {
            out.append(CeleryEvent(type: .taskFailed, source: source, clock: clock,
                                   fields: EventFields.taskFailed(uuid: id, exception: "DemoError('boom')", traceback: "Traceback…\n"), timestamp: t + 0.01))
        } else {
            out.append(CeleryEvent(type: .taskSucceeded, source: source, clock: clock,
                                   fields: EventFields.taskSucceeded(uuid: id, result: "\(2 * i + 1)", runtime: 0.001 * Double(i % 50)), timestamp: t + 0.01))
        }
        if i % 66 == 0 {
            for h in hosts {
                out.append(CeleryEvent(type: .workerHeartbeat, source: .init(hostname: h, pid: 1), clock: clock,
                                       fields: EventFields.worker(freq: 2, active: 1, processed: i, loadavg: [0.5, 0.4, 0.3], swVer: "5.7.0", swSys: "Linux"),
                                       timestamp: t))
            }
        }
        t += 0.0005
    }
    return out
}

func ingest(_ stream: [CeleryEvent], into state: inout ClusterState, batch: Int = 100) -> Double {
    let begin = monotonic()
    var now = 1_795_585_200.0
    var index = 0
    while index < stream.count {
        let end = min(stream.count, index + batch)
        state.apply(stream[index..<end].map(ClusterInput.event), now: now)
        now += 0.05
        index = end
    }
    return monotonic() - begin
}

func speed() {
// 1. Ingest rate (decoded events, as the data layer hands them over), at the default bound.
let stream = events(tasks: 200_000)
var state = ClusterState()
let seconds = ingest(stream, into: &state)
print("ingest: \(stream.count) events in \(String(format: "%.3f", seconds)) s = \(Int(Double(stream.count) / seconds)) events/s (tracked \(state.tasks.count), evicted \(state.evictedCount))")

// Ingest from raw JSON (parse + event check + apply), for comparison.
let raw = stream.prefix(150_000).map { JSONWriter.bytes($0.jsonValue) }
var parsedState = ClusterState()
let parseBegin = monotonic()
var now = 1_795_585_200.0
for (i, bytes) in raw.enumerated() {
    if let value = try? JSONParser.parse(bytes), let decoded = try? EventMessage.events(in: value) {
        parsedState.apply(.events(decoded), now: now)
    }
    if i % 100 == 0 { now += 0.05 }
}
let parseSeconds = monotonic() - parseBegin
print("ingest from JSON text: \(raw.count) events = \(Int(Double(raw.count) / parseSeconds)) events/s")

// 2. Frame time per view at 10,000 tasks, 200×60.
var small = ClusterState(maxTasks: 10_000)
_ = ingest(events(tasks: 10_000), into: &small)
small.apply([.queueDepths(QueueDepthPoll(depths: ["celery": [120, 3, 0, 4], "slow": [40]]))], now: 1_795_585_210)
var model = ConsoleModel(state: small, now: 1_795_585_210)
model.reduce(.resize(width: 200, height: 60))
model.reduce(.show(.tasks))
model.reduce(.key(.enter))
var screen = Screen(width: 200, height: 60)
for view in ConsoleView.allCases {
    var m = model
    if view == .workerDetail {
        m.reduce(.show(.workers))
        m.reduce(.key(.enter))
    } else {
        m.reduce(.show(view))
    }
    ConsoleRenderer.render(m, into: &screen)
    let frames = 30
    let begin = monotonic()
    for _ in 0..<frames { ConsoleRenderer.render(m, into: &screen) }
    let ms = (monotonic() - begin) / Double(frames) * 1000
    print("frame \(view.name): \(String(format: "%.2f", ms)) ms")
}

}

// 3. Resident memory with 100,000 tracked tasks, in its own run (`memory`) so that no event
// stream is held: events are generated and ingested in chunks.
func memory() {
    let before = residentMiB()
    var big = ClusterState()
    // Small chunks, as a live console receives them: a large generated chunk would leave its
    // freed garbage in the heap and be counted as the state's.
    for chunk in 0..<100 {
        let part = events(tasks: 1_000, start: chunk * 1_000)
        _ = ingest(part, into: &big)
    }
    let after = residentMiB()
    print("memory: RSS \(String(format: "%.1f", after)) MiB with \(big.tasks.count) tracked tasks (\(String(format: "%.1f", before)) MiB before; the state added \(String(format: "%.1f", after - before)) MiB)")
}

let mode = CommandLine.arguments.dropFirst().first ?? "speed"
if mode == "memory" {
    memory()
} else {
    speed()
}
