import CeleriacConsole
import CeleriacProtocol
import Foundation

/// The recorded event stream the console figures replay: a deterministic mix in which every
/// task is received, started, then succeeds (9 in 10) or fails, with a heartbeat from each of
/// four workers every 66 tasks.
enum ConsoleEvents {
    static func stream(tasks: Int, start: Int = 0) -> [CeleryEvent] {
        let names = ["demo.add", "demo.mul", "demo.echo", "demo.sleep", "demo.fail", "demo.flaky", "demo.xsum", "demo.noop"]
        let hosts = ["w1@host1", "w2@host1", "w3@host2", "w4@host2"]
        var out: [CeleryEvent] = []
        out.reserveCapacity(tasks * 3 + tasks / 16)
        var clock = 0
        var time = 1_795_585_200.0
        for index in start..<(start + tasks) {
            let id = "5eed\(String(index, radix: 16))-0000-4000-8000-0000\(index)"
            let host = hosts[index % hosts.count]
            let source = CeleryEvent.Source(hostname: host, pid: 1000 + index % 4)
            clock += 1
            out.append(CeleryEvent(type: .taskReceived, source: source, clock: clock,
                                   fields: EventFields.taskReceived(uuid: id, name: names[index % names.count], args: "(\(index), \(index + 1))",
                                                                    kwargs: "{}", rootID: id, parentID: nil, retries: 0, eta: nil, expires: nil),
                                   timestamp: time))
            clock += 1
            out.append(CeleryEvent(type: .taskStarted, source: source, clock: clock, fields: EventFields.taskStarted(uuid: id), timestamp: time + 0.001))
            clock += 1
            if index % 10 == 4 {
                out.append(CeleryEvent(type: .taskFailed, source: source, clock: clock,
                                       fields: EventFields.taskFailed(uuid: id, exception: "DemoError('boom')", traceback: "Traceback…\n"),
                                       timestamp: time + 0.01))
            } else {
                out.append(CeleryEvent(type: .taskSucceeded, source: source, clock: clock,
                                       fields: EventFields.taskSucceeded(uuid: id, result: "\(2 * index + 1)", runtime: 0.001 * Double(index % 50)),
                                       timestamp: time + 0.01))
            }
            if index % 66 == 0 {
                for host in hosts {
                    out.append(CeleryEvent(type: .workerHeartbeat, source: .init(hostname: host, pid: 1), clock: clock,
                                           fields: EventFields.worker(freq: 2, active: 1, processed: index, loadavg: [0.5, 0.4, 0.3],
                                                                      swVer: "5.7.0", swSys: "Linux"),
                                           timestamp: time))
                }
            }
            time += 0.0005
        }
        return out
    }

    /// Applies a stream in batches of 100, as the live source hands events over, 50 ms apart
    /// on the state's clock; returns the seconds it took.
    static func ingest(_ stream: [CeleryEvent], into state: inout ClusterState, batch: Int = 100) -> Double {
        let clock = ContinuousClock()
        var now = 1_795_585_200.0
        var index = 0
        let elapsed = clock.measure {
            while index < stream.count {
                let end = min(stream.count, index + batch)
                state.apply(stream[index..<end].map(ClusterInput.event), now: now)
                now += 0.05
                index = end
            }
        }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
