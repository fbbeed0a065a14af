import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Logging

/// One fault-injection run: a producer sends `tasks` calls of `demo.add(i, 1)` with acks late
/// to three (or `workers`) Celeriac workers while faults are injected at random intervals:
/// `kill -9` of a worker (restarted), `kill -9` of the server (restarted on its data folder),
/// SIGSTOP/SIGCONT of a worker past the visibility timeout. It ends when every id has its
/// result or at the deadline, and reports lost ids, duplicate runs and their causes, crashes
/// and memory.
struct FaultRun {
    struct Options {
        var server: ChaosServer.Kind = .celeriac
        var appendfsync = "always"
        var tasks = 100_000
        var workers = 3
        var concurrency = 8
        var visibilityTimeout = 10.0
        /// Seconds between faults: uniform in this range.
        var faultGap: ClosedRange<Double> = 3...8
        /// The whole run's limit in seconds.
        var deadline = 1_800.0
        var seed: UInt64 = 1
        /// Tasks kept waiting in the queue at most (the producer sends when fewer wait).
        var lead = 3_000
        var batch = 250
    }

    let options: Options

    /// What the run found.
    struct Outcome {
        var sent = 0
        var completed = 0
        var lost: [String] = []
        /// Pending at the end but still in the queue or unacked: not lost, only late.
        var delayed: [String] = []
        var wrongResults: [String] = []
        var duplicateIDs = 0
        var extraRuns = 0
        var causes: [String: Int] = [:]
        var workerKills = 0
        var serverKills = 0
        var freezes = 0
        var workerCrashes = 0
        var serverCrashes = 0
        var resentBatches = 0
        var seconds = 0.0
        var memory: [String] = []
        var errors: [String] = []
    }

    func run() async throws -> Outcome {
        let started = Date()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-chaos-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        say("chaos: \(options.server.rawValue) server, appendfsync \(options.appendfsync), \(options.tasks) tasks, \(options.workers) workers; files in \(directory.path)")
        let server = try ChaosServer(kind: options.server, appendfsync: options.appendfsync, directory: directory.appendingPathComponent("data"))
        defer { server.stop() }
        let workers = try ChaosWorkers(count: options.workers, broker: server.url, directory: directory, arguments: [
            "--acks-late", "--visibility-timeout", String(options.visibilityTimeout), "-c", String(options.concurrency),
            "--result-expires", "0",
        ])
        defer { workers.stop() }
        try workers.waitReady(timeout: 60)

        var logger = Logger(label: "chaos")
        logger.logLevel = .error
        var configuration = try Configuration(broker: server.url)
        configuration.visibilityTimeout = options.visibilityTimeout
        configuration.publishMaxRetries = 0
        configuration.brokerTimeout = 5
        let app = try await App(configuration: configuration, logger: logger)
        let probe = RedisClient(url: try RedisURL(parsing: server.url),
                                options: RedisOptions(connectTimeout: .seconds(2), commandTimeout: .seconds(10), logger: logger))
        let memoryAtStart = "start: server \(ProcessMemory.format(server.residentKilobytes)), workers "
            + workers.residentKilobytes.map(ProcessMemory.format).joined(separator: " / ")

        let tag = String(UUID().uuidString.prefix(8)).lowercased()
        let ids = (0..<options.tasks).map { "chaos-\(tag)-\($0)" }
        let state = RunState(total: options.tasks)
        var outcome = Outcome()

        let producer = Task { try await produce(app: app, probe: probe, ids: ids, state: state) }
        let faults = Task { await injectFaults(server: server, workers: workers, state: state) }

        // Watch results until every id has one, or the deadline.
        var pending = Set(0..<options.tasks)
        var lastProgress = Date()
        while Date().timeIntervalSince(started) < options.deadline {
            try? await Task.sleep(for: .seconds(2))
            outcome.workerCrashes += (try? workers.reviveCrashed()) ?? 0
            let sent = await state.sent
            let candidates = pending.filter { $0 < sent }
            let done = await finished(Array(candidates), ids: ids, probe: probe, wrong: &outcome.wrongResults)
            if !done.isEmpty { lastProgress = Date() }
            pending.subtract(done)
            await state.setPending(pending.count)
            let elapsed = Int(Date().timeIntervalSince(started))
            say("chaos: \(elapsed)s sent \(sent) done \(options.tasks - pending.count) pending \(pending.count)")
            if pending.isEmpty { break }
            // Without progress for this long after the last send, and nothing left in the queue
            // or unacked (a restore can wait up to 300 s for a mutex a crash left behind), what
            // is pending is lost.
            if sent == options.tasks, await state.faultsStopped,
               Date().timeIntervalSince(lastProgress) > 3 * options.visibilityTimeout + 30,
               await Self.waiting(probe: probe) == 0 { break }
        }
        await state.stop()
        faults.cancel()
        _ = await faults.value
        producer.cancel()
        _ = try? await producer.value

        outcome.seconds = Date().timeIntervalSince(started)
        outcome.sent = await state.sent
        outcome.completed = options.tasks - pending.count
        // What never got a result: still waiting (in the queue or unacked, to be restored), or
        // gone from the broker altogether (lost).
        let leftovers = await Self.leftovers(probe: probe)
        for index in pending.sorted() {
            if leftovers.contains(where: { $0.contains("\"id\": \"\(ids[index])\"") }) {
                outcome.delayed.append(ids[index])
            } else {
                outcome.lost.append(ids[index])
            }
        }
        outcome.memory = [memoryAtStart, "end: server \(ProcessMemory.format(server.residentKilobytes)), workers "
            + workers.residentKilobytes.map(ProcessMemory.format).joined(separator: " / ")]
        outcome.workerKills = await state.workerKills
        outcome.serverKills = await state.serverKills
        outcome.freezes = await state.freezes
        outcome.resentBatches = await state.resentBatches
        await probe.close()
        await app.close()
        workers.stop()
        // A server that died on its own would have been found by a failing restart.
        outcome.serverCrashes = 0

        let resent = await state.resent
        let runs = workers.completedRuns(taskName: "demo.add")
        let failedAcks = Self.failedAcks(workers: workers)
        for (id, incarnations) in runs where incarnations.count > 1 {
            outcome.duplicateIDs += 1
            outcome.extraRuns += incarnations.count - 1
            let lives = incarnations.map { workers.incarnations[$0] }
            let cause: String
            if resent.contains(id) {
                cause = "the producer resent a batch whose reply a server crash cut off"
            } else if failedAcks.contains(id) {
                cause = "the late ack failed while the server was down"
            } else if lives.contains(where: \.stopped) {
                cause = "a worker frozen past the visibility timeout finished it after it was redelivered"
            } else if lives.contains(where: \.killed) {
                cause = "a worker killed before its ack reached the server"
            } else {
                cause = "redelivered after a server restart (unacked past the visibility timeout)"
            }
            outcome.causes[cause, default: 0] += 1
        }
        outcome.errors = workers.errorLines(limit: 12)
        if !pending.isEmpty || !outcome.wrongResults.isEmpty {
            say("chaos: kept the run's files in \(directory.path)")
        } else {
            try? FileManager.default.removeItem(at: directory)
        }
        return outcome
    }

    /// Messages in the default queue and in `unacked`.
    static func waiting(probe: RedisClient) async -> Int {
        let queued = (try? await probe.llen("celery")) ?? 1
        guard case .integer(let unacked)? = try? await probe.send(RedisCommand(["HLEN", "unacked"])) else { return queued + 1 }
        return queued + Int(unacked)
    }

    /// The text of every message still in the default queue or in `unacked`.
    static func leftovers(probe: RedisClient) async -> [String] {
        var texts: [String] = []
        if let queued = (try? await probe.send(RedisCommand(["LRANGE", "celery", "0", "-1"])))?.array {
            texts += queued.compactMap(\.bytes).map(Self.envelopeText)
        }
        if let unacked = (try? await probe.send(RedisCommand(["HVALS", "unacked"])))?.array {
            texts += unacked.compactMap(\.bytes).map(Self.envelopeText)
        }
        return texts
    }

    /// An envelope's headers as text (the body is base64, the id is in the headers).
    static func envelopeText(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Ids whose late ack failed, from the workers' error lines.
    static func failedAcks(workers: ChaosWorkers) -> Set<String> {
        var ids = Set<String>()
        for incarnation in workers.incarnations {
            guard let text = try? String(contentsOf: incarnation.log, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.contains("ack of demo.add[") {
                guard let start = line.range(of: "demo.add[")?.upperBound, let end = line[start...].firstIndex(of: "]") else { continue }
                ids.insert(String(line[start..<end]))
            }
        }
        return ids
    }

    /// Sends the calls in batches while fewer than `lead` wait in the queue. A batch whose
    /// send failed (the server was down) is sent again with the same ids: the producer cannot
    /// know whether the server took it.
    private func produce(app: App, probe: RedisClient, ids: [String], state: RunState) async throws {
        let producer = Producer(app: app)
        var next = 0
        while next < ids.count, await !state.stopped {
            let waiting = (try? await probe.llen("celery")) ?? options.lead
            if waiting >= options.lead {
                try? await Task.sleep(for: .milliseconds(100))
                continue
            }
            let end = min(ids.count, next + options.batch)
            let calls = (next..<end).map { index in
                (name: "demo.add", args: [JSONValue.int(Int64(index)), .int(1)], kwargs: JSONObject(),
                 options: SendOptions(taskID: ids[index]))
            }
            var attempt = 0
            while await !state.stopped {
                do {
                    try await producer.sendMany(calls)
                    break
                } catch {
                    attempt += 1
                    await state.resent(ids[next..<end])
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            next = end
            await state.setSent(next)
        }
    }

    /// Faults at random intervals until the producer is done and little is pending.
    private func injectFaults(server: ChaosServer, workers: ChaosWorkers, state: RunState) async {
        var random = SplitMix(seed: options.seed)
        var freezes: [Task<Void, Never>] = []
        while await !state.stopped {
            let gap = Double.random(in: options.faultGap, using: &random)
            try? await Task.sleep(for: .seconds(gap))
            if Task.isCancelled { break }
            let sent = await state.sent
            let pending = await state.pending
            if sent == options.tasks, pending < max(1, options.tasks / 50) {
                await state.faultsStop()
                break
            }
            let slot = Int.random(in: 0..<workers.slots, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                say("chaos: kill -9 worker \(slot)")
                do { try workers.crashAndRestart(slot: slot) } catch { say("chaos: restart of worker \(slot) failed: \(error)") }
                await state.count(.workerKill)
            case 4..<7:
                say("chaos: kill -9 server")
                do { try server.crashAndRestart() } catch { say("chaos: server restart failed: \(error)") }
                await state.count(.serverKill)
            default:
                let seconds = options.visibilityTimeout + 3
                say("chaos: SIGSTOP worker \(slot) for \(Int(seconds))s")
                freezes.append(Task { await workers.freeze(slot: slot, seconds: seconds) })
                await state.count(.freeze)
            }
        }
        await state.faultsStop()
        for freeze in freezes { await freeze.value }
    }

    /// Which of `indices` have a SUCCESS result with the right value.
    private func finished(_ indices: [Int], ids: [String], probe: RedisClient, wrong: inout [String]) async -> Set<Int> {
        var done = Set<Int>()
        for chunk in stride(from: 0, to: indices.count, by: 1_000) {
            let part = Array(indices[chunk..<min(indices.count, chunk + 1_000)])
            let command = RedisCommand(["MGET"] + part.map { ResultMeta.key(forTaskID: ids[$0]) })
            guard case .array(let values)? = try? await probe.send(command) else { continue }
            for (index, value) in zip(part, values) {
                guard case .bulkString(let bytes) = value, let meta = try? ResultMeta.decode(bytes) else { continue }
                if meta.status == .success, meta.result.intValue == Int64(index + 1) {
                    done.insert(index)
                } else if meta.status != .success, !wrong.contains(ids[index]) {
                    wrong.append(ids[index])
                }
            }
        }
        return done
    }
}

/// The shared counters of a run.
actor RunState {
    let total: Int
    private(set) var sent = 0
    private(set) var pending: Int
    private(set) var stopped = false
    private(set) var faultsStopped = false
    private(set) var resent = Set<String>()
    private(set) var resentBatches = 0
    private(set) var workerKills = 0
    private(set) var serverKills = 0
    private(set) var freezes = 0

    /// The faults a run counts.
    enum Fault { case workerKill, serverKill, freeze }

    init(total: Int) {
        self.total = total
        pending = total
    }

    func setSent(_ count: Int) { sent = count }
    func setPending(_ count: Int) { pending = count }
    func stop() { stopped = true; faultsStopped = true }
    func faultsStop() { faultsStopped = true }
    func count(_ fault: Fault) {
        switch fault {
        case .workerKill: workerKills += 1
        case .serverKill: serverKills += 1
        case .freeze: freezes += 1
        }
    }
    func resent(_ ids: ArraySlice<String>) {
        resentBatches += 1
        resent.formUnion(ids)
    }
}

/// A seeded generator, so a run's fault schedule can be repeated.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
