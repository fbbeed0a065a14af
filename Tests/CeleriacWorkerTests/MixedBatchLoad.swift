import Celeriac
import CeleriacProtocol
import CeleriacRedis
import Testing

/// 120 tasks queued together on a queue no worker reads yet: every tenth (from the fourth) a
/// `demo.fail`, the rest `demo.add`. The batch suites of both pools send this load and check the
/// same outcomes, so a change that favours one pool shows in the other.
enum MixedBatchLoad {
    static let count = 120
    static let failing = 12

    /// Sends the load to `queue` and returns each task with its expected result (nil: fails).
    static func send(with producer: Producer, queue: String) async throws -> [(result: AsyncResult, expected: JSONValue?)] {
        var sent: [(result: AsyncResult, expected: JSONValue?)] = []
        for index in 0..<count {
            let options = SendOptions(queue: queue)
            if index % 10 == 3 {
                sent.append((try await producer.send("demo.fail", args: [.string("no \(index)")], options: options), nil))
            } else {
                let result = try await producer.send("demo.add", args: [.int(Int64(index)), 1], options: options)
                sent.append((result, .int(Int64(index + 1))))
            }
        }
        return sent
    }

    /// Waits for each task's result and checks it: the sum, or `DemoError` with its traceback.
    static func expectOutcome(of result: AsyncResult, expected: JSONValue?) async throws {
        let meta = try await result.wait(timeout: 30)
        if let expected {
            #expect(meta.status == .success)
            #expect(meta.result == expected)
        } else {
            #expect(meta.status == .failure)
            #expect(meta.exception?.type == "DemoError")
            #expect(meta.traceback?.contains("DemoError") == true)
        }
    }

    /// Each task announced its start before its end, once each (`task-started`, then
    /// `task-succeeded` or `task-failed`).
    static func expectEvents(_ log: EventLog, for sent: [(result: AsyncResult, expected: JSONValue?)]) async throws {
        try await eventually("every task's events arrived") {
            let succeeded = await log.events(ofType: .taskSucceeded).count
            let failed = await log.events(ofType: .taskFailed).count
            return succeeded == count - failing && failed == failing
        }
        for (result, expected) in sent {
            let started = await log.events(ofType: .taskStarted, uuid: result.id)
            let ended = await log.events(ofType: expected == nil ? .taskFailed : .taskSucceeded, uuid: result.id)
            #expect(started.count == 1)
            #expect(ended.count == 1)
            if let start = started.first?.clock, let end = ended.first?.clock { #expect(start < end) }
        }
    }

    /// Queues the load while no worker reads it, lets the harness's worker consume it, and
    /// checks every result and that nothing is left unacked on the broker. Returns what it sent.
    static func run(on harness: WorkerHarness) async throws -> [(result: AsyncResult, expected: JSONValue?)] {
        let sent = try await send(with: harness.producer, queue: "batched")
        #expect(await harness.worker.addConsumer(QueueInfo(name: "batched")))
        for (result, expected) in sent {
            try await expectOutcome(of: result, expected: expected)
        }
        try await eventually("every message acked") {
            let unacked = try await harness.client.send(RedisCommand(["HLEN", KombuTransport.unackedKey])).int
            let index = try await harness.client.send(RedisCommand(["ZCARD", KombuTransport.unackedIndexKey])).int
            return unacked == 0 && index == 0
        }
        return sent
    }
}
