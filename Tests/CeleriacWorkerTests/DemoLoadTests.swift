import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// The demo's load: a seeded, repeatable mix whose every kind does on a real Celery worker
/// what the demo promises the console will show.
@Suite("demo load")
struct DemoLoadTests {
    @Test func aSeedRepeatsTheSameLoad() {
        var first = DemoMix(seed: 42)
        var second = DemoMix(seed: 42)
        var other = DemoMix(seed: 43)
        let a = (0..<50).map { _ in first.next() }
        #expect(a == (0..<50).map { _ in second.next() })
        #expect(a != (0..<50).map { _ in other.next() })
        let ids = a.flatMap(\.taskIDs)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { UUID(uuidString: $0) != nil && $0 == $0.lowercased() })
    }

    @Test func theMixFollowsItsWeights() {
        var mix = DemoMix(seed: 7)
        var counts: [DemoMix.Kind: Int] = [:]
        for _ in 0..<20_000 { counts[mix.nextKind(), default: 0] += 1 }
        let total = DemoMix.Kind.allCases.reduce(0) { $0 + $1.weight }
        for kind in DemoMix.Kind.allCases {
            let expected = 20_000 * kind.weight / total
            let seen = Double(counts[kind] ?? 0)
            #expect(abs(seen - expected) < max(60, expected * 0.15), "\(kind): \(seen) vs \(expected)")
        }
    }

    @Test func theWaveAndTheBursts() {
        #expect(abs(DemoLoad.multiplier(at: 0) - 1) < 1e-9)
        #expect(DemoLoad.multiplier(at: 10) > 1.5)
        #expect(DemoLoad.multiplier(at: 30) < 0.5)
        // 20–23 s into every 25 s: a burst.
        let wave = { (t: Double) in 1 + 0.6 * sin(2 * Double.pi * t / 40) }
        #expect(abs(DemoLoad.multiplier(at: 21) - 3 * wave(21)) < 1e-9)
        #expect(abs(DemoLoad.multiplier(at: 46) - 3 * wave(46)) < 1e-9)
        #expect(abs(DemoLoad.multiplier(at: 19) - wave(19)) < 1e-9)
        #expect(abs(DemoLoad.multiplier(at: 23.5) - wave(23.5)) < 1e-9)
    }

    @Test func everyKindDoesWhatItPromisesOnAPythonWorker() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let worker = try await CeleryWorkerProcess(broker: server.url(), queues: DemoMix.queues)
        defer { worker.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        do {
            var mix = DemoMix(seed: 1)
            var expectations: [(DemoMix.Kind, String, TaskState)] = []
            for kind in DemoMix.Kind.allCases {
                let call = mix.call(for: kind)
                try await call.send(with: app.producer)
                let last = try #require(call.taskIDs.last)
                let state: TaskState = switch kind {
                case .fail, .flakyGivesUp: .failure
                case .expiring: .revoked
                default: .success
                }
                expectations.append((kind, last, state))
            }
            for (kind, id, state) in expectations {
                let meta = try await app.result(id).wait(timeout: 40)
                #expect(meta.status == state, "\(kind) ended \(meta.status)")
            }
            // The chain's value went through all three steps, the chord's body summed its parts.
            guard case .chain(let steps) = mix.call(for: .chain) else { Issue.record("not a chain"); return }
            try await DemoCall.chain(steps).send(with: app.producer)
            let a = steps[0].args, b = steps[1].args
            let expected = ((a[0].intValue ?? 0) + (a[1].intValue ?? 0)) * (b[0].intValue ?? 0) + 1
            #expect(try await app.result(try #require(steps[2].taskID)).get(timeout: 30) == .int(expected))
        } catch {
            await app.close()
            throw error
        }
        await app.close()
    }

    @Test func theLoadRecordsEveryTaskItCreated() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let app = try await App(configuration: try Configuration(broker: server.url()))
        let load = DemoLoad(producer: app.producer, rate: 200, seed: 3)
        let running = Task { await load.run() }
        // Until a fair number went out (a loaded machine sends slower; the count is what matters).
        let deadline = ContinuousClock.now + .seconds(30)
        while await load.snapshot.calls < 40, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        running.cancel()
        await running.value
        let progress = await load.snapshot
        #expect(progress.calls >= 40)
        #expect(progress.sendErrors == 0)
        #expect(progress.kinds.values.reduce(0, +) == progress.calls)
        // Every first step is queued (held ones too: nothing ran), on the demo's queues.
        var queued = 0
        for queue in DemoMix.queues { queued += try await app.transport.lengths(of: queue).reduce(0, +) }
        #expect(queued == progress.messages)
        // Nothing ran, so the tally finds every task unfinished.
        let ids = await load.takeTaskIDs()
        #expect(ids == progress.taskIDs)
        #expect(await load.takeTaskIDs().isEmpty)
        let tallier = DemoTallier()
        await tallier.add(ids)
        await tallier.settle(client: app.transport.client)
        let tally = await tallier.figures
        #expect(tally.sent == ids.count)
        #expect(tally.unfinished == tally.sent)
        await app.close()
    }

    /// Results expire (ten minutes in the demo): the tally counts each as soon as it is there,
    /// forgets its id, and keeps only the open ones.
    @Test func theTallyCountsFinishedTasksAsTheyFinishAndForgetsThem() async throws {
        let server = try TestBackend.start()
        defer { server.stop() }
        let client = try RedisClient(url: server.url())
        let tallier = DemoTallier()
        await tallier.add(["a", "b", "c", "d"])
        func store(_ id: String, _ status: TaskState) async throws {
            let meta = ResultMeta(taskID: id, status: status, result: .null, dateDone: status.isReady ? CeleryDateTime(date: Date()) : nil)
            _ = try await client.send(RedisCommand([Array("SET".utf8), Array(ResultMeta.key(forTaskID: id).utf8), meta.encoded()]))
        }
        try await store("a", .success)
        try await store("b", .failure)
        try await store("c", .retry)
        await tallier.settle(client: client)
        #expect(await tallier.figures.unfinished == 2)
        // The counted results may now expire: they are not read again.
        _ = try await client.send(RedisCommand(["DEL", ResultMeta.key(forTaskID: "a"), ResultMeta.key(forTaskID: "b")]))
        await tallier.add(["e"])
        try await store("c", .success)
        try await store("d", .revoked)
        await tallier.settle(client: client)
        let figures = await tallier.figures
        #expect(figures.sent == 5)
        #expect(figures.succeeded == 2)
        #expect(figures.failed == 1)
        #expect(figures.revoked == 1)
        #expect(figures.unfinished == 1)
        await client.close()
    }
}
