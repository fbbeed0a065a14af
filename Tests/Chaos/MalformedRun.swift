import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Logging

/// Malformed tasks: good `demo.add` calls mixed with broken messages of every kind pushed
/// straight onto the queue, in batches. After each batch every good one must have its result,
/// every bad one must be reported in the worker's log and kept in the failure store (the
/// store is emptied between batches, as an operator would, so its cap does not hide anything),
/// and the worker's resident memory is sampled.
struct MalformedRun {
    var messages = 100_000
    var batch = 5_000
    /// One message in this many is good.
    var goodEvery = 2

    /// The kinds of broken message, each made from a good one.
    enum Kind: String, CaseIterable {
        case brokenBase64 = "broken base64 body"
        case brokenJSON = "body is not JSON"
        case bodyWrongType = "body of the wrong type"
        case argsWrongType = "args not a list"
        case headerWrongType = "task header not a string"
        case missingHeaders = "no headers"
        case unknownTask = "unknown task name"
        case pickle = "pickle content type"
        case yaml = "yaml content type"
        case notAnEnvelope = "not an envelope"
        case truncated = "truncated envelope"
    }

    struct Outcome {
        var good = 0
        var goodDone = 0
        var bad: [Kind: Int] = [:]
        var reported = 0
        var stored = 0
        var storeMisses: [String] = []
        var seconds = 0.0
        var memory: [(Int, Int?)] = []
        var failures: [String] = []
    }

    func run() async throws -> Outcome {
        let started = Date()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-malformed-\(UUID().uuidString.prefix(8))")
        let server = try ChaosServer(kind: .celeriac, appendfsync: "no", directory: directory.appendingPathComponent("data"))
        defer { server.stop() }
        let workers = try ChaosWorkers(count: 1, broker: server.url, directory: directory, arguments: ["-c", "8", "--no-task-events"])
        defer { workers.stop() }
        try workers.waitReady(timeout: 60)
        var logger = Logger(label: "malformed")
        logger.logLevel = .error
        let app = try await App(configuration: try Configuration(broker: server.url), logger: logger)
        let client = RedisClient(url: try RedisURL(parsing: server.url), options: RedisOptions(logger: logger))
        let producer = Producer(app: app)
        _ = try await client.send(RedisCommand(["SADD", "_kombu.binding.celery", "celery\u{06}\u{16}\u{06}\u{16}celery"]))
        var outcome = Outcome()
        outcome.memory.append((0, workers.residentKilobytes.first ?? nil))
        var random = SplitMix(seed: 7)
        let kinds = Kind.allCases
        var sent = 0
        var reportedBefore = 0
        while sent < messages {
            let count = min(batch, messages - sent)
            var good: [(id: String, expected: Int64)] = []
            var bad: [(id: String?, kind: Kind)] = []
            var pipeline: [RedisCommand] = []
            for index in sent..<(sent + count) {
                let id = "malformed-run-\(index)"
                let message = try producer.message("demo.add", args: [.int(Int64(index)), .int(2)], options: SendOptions(taskID: id))
                let bytes: [UInt8]
                if index % goodEvery == 0 {
                    bytes = message.encoded()
                    good.append((id, Int64(index + 2)))
                } else {
                    let kind = kinds[Int.random(in: 0..<kinds.count, using: &random)]
                    bytes = Self.broken(message.encoded(), kind: kind, index: index)
                    bad.append((kind.keepsID ? id : nil, kind))
                    outcome.bad[kind, default: 0] += 1
                }
                pipeline.append(RedisCommand([Array("LPUSH".utf8), Array("celery".utf8), bytes]))
            }
            for result in await client.pipeline(pipeline) { if case .failure(let error) = result { throw error } }
            sent += count
            outcome.good += good.count

            // Wait for the batch: every good result, and a report and a record for each bad one.
            let deadline = Date().addingTimeInterval(300)
            var pendingGood = good
            var stored = 0
            var reported = 0
            while Date() < deadline {
                try await Task.sleep(for: .milliseconds(500))
                pendingGood = try await Self.unfinished(pendingGood, client: client)
                stored = try await FailureStore(client: client).count()
                reported = Self.reportLines(workers) - reportedBefore
                if pendingGood.isEmpty, stored >= bad.count, reported >= bad.count,
                   try await client.llen("celery") == 0 { break }
            }
            outcome.goodDone += good.count - pendingGood.count
            outcome.reported += reported
            outcome.stored += stored
            if !pendingGood.isEmpty { outcome.failures.append("\(pendingGood.count) good tasks of the batch at \(sent) did not run") }
            if reported != bad.count { outcome.failures.append("batch at \(sent): \(bad.count) bad messages, \(reported) reported") }
            if stored != bad.count { outcome.failures.append("batch at \(sent): \(bad.count) bad messages, \(stored) in the failure store") }
            let keys = Set(try await client.send(RedisCommand(["HKEYS", FailureStore.recordsKey])).array?.compactMap(\.string) ?? [])
            for case let (id?, kind) in bad where !keys.contains(id) {
                outcome.storeMisses.append("\(id) (\(kind.rawValue))")
            }
            reportedBefore += reported
            _ = try await client.send(RedisCommand(["DEL", FailureStore.recordsKey, FailureStore.indexKey]))
            let memory = workers.residentKilobytes.first ?? nil
            outcome.memory.append((sent, memory))
            say("malformed: \(sent) messages, worker RSS \(ProcessMemory.format(memory)), reported \(reported)/\(bad.count), stored \(stored)/\(bad.count), good pending \(pendingGood.count)")
            if outcome.failures.count > 20 { break }
        }
        if !outcome.storeMisses.isEmpty { outcome.failures.append("\(outcome.storeMisses.count) bad messages with an id missing from the failure store, such as \(outcome.storeMisses.prefix(5))") }
        if workers.incarnations.contains(where: { $0.unexpectedExit != nil }) || (try? workers.reviveCrashed()) ?? 0 > 0 {
            outcome.failures.append("the worker exited")
        }
        outcome.seconds = Date().timeIntervalSince(started)
        await client.close()
        await app.close()
        workers.stop()
        if outcome.failures.isEmpty { try? FileManager.default.removeItem(at: directory) } else { say("malformed: files kept in \(directory.path)") }
        return outcome
    }

    /// Lines the worker logs for a rejected message, over every log.
    static func reportLines(_ workers: ChaosWorkers) -> Int {
        var count = 0
        for incarnation in workers.incarnations {
            guard let text = try? String(contentsOf: incarnation.log, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n")
            where line.contains("Rejected a malformed task message") || line.contains("Received unregistered task")
                || line.contains("Rejected an undecodable message") { count += 1 }
        }
        return count
    }

    /// The good calls that have no right SUCCESS result yet.
    static func unfinished(_ calls: [(id: String, expected: Int64)], client: RedisClient) async throws -> [(id: String, expected: Int64)] {
        var left: [(id: String, expected: Int64)] = []
        for start in stride(from: 0, to: calls.count, by: 1_000) {
            let part = Array(calls[start..<min(calls.count, start + 1_000)])
            guard case .array(let values) = try await client.send(RedisCommand(["MGET"] + part.map { ResultMeta.key(forTaskID: $0.id) })) else { continue }
            for (call, value) in zip(part, values) {
                guard case .bulkString(let bytes) = value, let meta = try? ResultMeta.decode(bytes),
                      meta.status == .success, meta.result.intValue == call.expected else { left.append(call); continue }
            }
        }
        return left
    }

    /// A good message's bytes broken as `kind` says.
    static func broken(_ good: [UInt8], kind: Kind, index: Int) -> [UInt8] {
        guard case .object(var envelope)? = try? JSONParser.parse(good), case .object(var headers)? = envelope["headers"] else { return good }
        func base64(_ text: String) -> JSONValue { .string(Base64.encode(Array(text.utf8))) }
        switch kind {
        case .brokenBase64: envelope["body"] = .string("%%%not base64 \(index)%%%")
        case .brokenJSON: envelope["body"] = base64("[[\(index), 2], {\"broken\": ")
        case .bodyWrongType: envelope["body"] = base64("\"a string, not [args, kwargs, embed]\"")
        case .argsWrongType: envelope["body"] = base64("[\(index), {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]")
        case .headerWrongType: headers["task"] = .int(Int64(index))
        case .missingHeaders: envelope["headers"] = .object(JSONObject()); return JSONWriter.bytes(.object(envelope))
        case .unknownTask: headers["task"] = .string("chaos.no_such_task")
        case .pickle:
            envelope["content-type"] = .string("application/x-python-serialize")
            envelope["content-encoding"] = .string("binary")
            // cos\nsystem\n(S'touch /tmp/celeriac-pickle-ran'\ntR. — what an attacker would send.
            envelope["body"] = .string(Base64.encode(Array("cos\nsystem\n(S'touch /tmp/celeriac-pickle-ran'\ntR.".utf8)))
        case .yaml:
            envelope["content-type"] = .string("application/x-yaml")
            envelope["body"] = base64("!!python/object/apply:os.system ['touch /tmp/celeriac-yaml-ran']")
        case .notAnEnvelope: return Array("not an envelope \(index) {".utf8)
        case .truncated: return Array(good.prefix(good.count / 2))
        }
        envelope["headers"] = .object(headers)
        return JSONWriter.bytes(.object(envelope))
    }
}

extension MalformedRun.Kind {
    /// Whether the worker can read the message's id (the others get a made-up id).
    var keepsID: Bool {
        switch self {
        case .notAnEnvelope, .truncated, .missingHeaders: return false
        default: return true
        }
    }
}
