import CeleriacConsole
import CeleriacProtocol
import Testing

/// What the state works out per queue from polls and events: the oldest message's age (exact or
/// a lower bound) and the in/out rates with or without task-sent events.
@Suite("Queue latency and rates")
struct QueueLatencyAndRatesTests {
    static let id = "58a1e9db-5355-4b0f-b2ff-cb5303616a90"

    func poll(_ queue: String, depth: Int, head: WaitingMessage?) -> ClusterInput {
        .queueDepths(QueueDepthPoll(depths: [queue: [depth, 0, 0, 0]], waiting: head.map { [queue: [$0]] } ?? [:]))
    }

    @Test func aTaskSentTimeMakesTheAgeExact() {
        var state = ClusterState()
        state.apply(.event(ConsoleTestData.taskEvent(.taskSent, id: Self.id, at: 100, clock: 1,
                                                     fields: ["name": "demo.add", "queue": "q"])), now: 100)
        state.apply([poll("q", depth: 1, head: WaitingMessage(id: Self.id, name: "demo.add"))], now: 130)
        #expect(state.queues["q"]?.latency == QueueLatency(age: 30, isExact: true, taskID: Self.id))
    }

    @Test func anETAIsWhenTheMessageBecameReady() {
        var state = ClusterState()
        state.apply([poll("q", depth: 1, head: WaitingMessage(id: "e", eta: 90))], now: 100)
        #expect(state.queues["q"]?.latency == QueueLatency(age: 10, isExact: true, taskID: "e"))
        // Not due yet: not late at all.
        state.apply([poll("q", depth: 1, head: WaitingMessage(id: "f", eta: 200))], now: 101)
        #expect(state.queues["q"]?.latency == QueueLatency(age: 0, isExact: true, taskID: "f"))
    }

    @Test func otherwiseTheAgeIsALowerBoundFromThePolls() {
        var state = ClusterState()
        let head = WaitingMessage(id: "m1", name: "demo.add")
        state.apply([poll("q", depth: 2, head: head)], now: 100)
        #expect(state.queues["q"]?.latency == QueueLatency(age: 0, isExact: false, taskID: "m1"))
        state.apply([poll("q", depth: 2, head: head)], now: 107)
        #expect(state.queues["q"]?.latency == QueueLatency(age: 7, isExact: false, taskID: "m1"))
        // The next message in line has been seen at the head only from now.
        state.apply([poll("q", depth: 1, head: WaitingMessage(id: "m2"))], now: 108)
        #expect(state.queues["q"]?.latency == QueueLatency(age: 0, isExact: false, taskID: "m2"))
        // A message a worker received before (it came back to the queue) waited at least since then.
        state.apply(.event(ConsoleTestData.taskEvent(.taskReceived, id: "m3", at: 50, clock: 2, fields: ["name": "demo.add"])), now: 109)
        state.apply([poll("q", depth: 1, head: WaitingMessage(id: "m3"))], now: 110)
        #expect(state.queues["q"]?.latency == QueueLatency(age: 60, isExact: false, taskID: "m3"))
        // Empty: nothing waits, nothing is late.
        state.apply([poll("q", depth: 0, head: nil)], now: 111)
        #expect(state.queues["q"]?.latency == nil)
    }

    @Test func theOldestOfThePriorityKeysCounts() {
        var state = ClusterState()
        state.apply([.queueDepths(QueueDepthPoll(depths: ["q": [1, 1, 0, 0]], waiting: [
            "q": [WaitingMessage(step: 0, id: "a", eta: 95), WaitingMessage(step: 1, id: "b", eta: 60)],
        ]))], now: 100)
        #expect(state.queues["q"]?.latency?.taskID == "b")
        #expect(state.queues["q"]?.oldestAge == 40)
    }

    @Test func withoutTaskSentEventsTheInflowComesFromReceivedEventsAndTheDepth() {
        var state = ClusterState()
        // The worker consumes only `q`, so its task-received events are q's.
        state.apply(.snapshot(NodeSnapshot(hostname: "w1@host1", queues: ["q"])), now: 0)
        for second in 0..<60 {
            let now = Double(second)
            state.apply([poll("q", depth: 10 + second, head: nil)], now: now)
            for i in 0..<3 {
                state.apply(.event(ConsoleTestData.taskEvent(.taskReceived, id: "r\(second)-\(i)", at: now, clock: i,
                                                             fields: ["name": "demo.add"])), now: now)
            }
        }
        let queue = state.queues["q"]
        #expect(queue?.countsSent == false)
        // 3 a second left (the counters' one-minute mean), and the depth grew 1 a second: 4 came in.
        #expect(queue?.outRate(now: 59) == 3)
        #expect(queue?.inRate(now: 59) == 4)
    }

    @Test func withTaskSentEventsTheInflowIsCounted() {
        var state = ClusterState()
        for second in 0..<60 {
            let now = Double(second)
            state.apply([poll("q", depth: 10, head: nil)], now: now)
            for i in 0..<2 {
                state.apply(.event(ConsoleTestData.taskEvent(.taskSent, id: "s\(second)-\(i)", at: now, clock: i,
                                                             fields: ["name": "demo.add", "queue": "q"])), now: now)
            }
        }
        let queue = state.queues["q"]
        #expect(queue?.countsSent == true)
        #expect(queue?.inRate(now: 59) == 2)
        #expect(queue?.outRate(now: 59) == 2)
    }

    @Test func theDrainColumnSaysEmptyForAnEmptyQueue() {
        var queue = QueueRecord(name: "q")
        #expect(Format.drain(queue, now: 0) == "empty")
        queue.depths = [5]
        #expect(Format.drain(queue, now: 0) == "-")
    }
}
