import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Worker {
    /// How long the body's dispatch claim lasts (Celery: `max(5, join_timeout × 2)`, 10 s).
    static let chordClaimSeconds = 10
    /// How long the `done` marker keeps late duplicates out (Celery: `max(claim × 2, 300)`).
    static let chordDoneSeconds = 300

    /// Celery's `on_chord_part_return` for the Redis backend, after a header part stored its
    /// final state: CHORD_PART_RETURN records the part and, when it is the last one, claims the
    /// body's dispatch; the claimant reads the parts in header order, extends its claim,
    /// publishes the body with the list of results (or fails it with `ChordError` when a part
    /// failed) and runs CHORD_CLEANUP. Python and Celeriac workers can share one chord.
    /// A header made of nested groups (a saved group record) is not supported.
    nonisolated func chordPartReturned(_ request: TaskRequest, state: TaskState, result: JSONValue) async {
        let message = request.message
        guard let body = message.body.embed.chord, let group = message.headers.group else { return }
        let keys = ChordPart.Keys(groupID: group)
        let part = String(decoding: ChordPart(taskID: request.id, state: state, result: result).encoded(), as: UTF8.self)
        let index = message.headers.groupIndex.map(String.init) ?? "+inf"
        let expires = String(Int(results.expires ?? 0))
        let token = String(UUID().uuidString.lowercased().filter { $0 != "-" })
        let client = results.client
        do {
            let reply = try await client.evalSHA(
                ChordScripts.partReturn, keys: [keys.results, keys.sizeAdjustment, keys.size, keys.dedup, keys.group, keys.claim],
                arguments: [request.id, part, "1", index, expires, expires, String(Self.chordClaimSeconds), token])
            guard let items = reply.array, items.count == 4, let ready = items[0].int, ready >= 0,
                  let size = items[2].string.flatMap({ Int64($0) }), items[3].int == 1
            else { return }
            let adjustment = items[1].string.flatMap { Int64($0) } ?? 0
            guard ready == size + adjustment else { return }
            let stored = try await client.send(RedisCommand(["ZRANGE", keys.results, "0", "-1"]))
            var values: [JSONValue] = []
            var failure: ChordPart?
            for item in stored.array ?? [] {
                guard let bytes = item.bytes else { continue }
                let decoded = try ChordPart.decode(bytes)
                if decoded.state.isException, failure == nil { failure = decoded }
                values.append(decoded.result)
            }
            let extended = try await client.evalSHA(ChordScripts.claimExtend, keys: [keys.claim, keys.size],
                                                    arguments: [token, String(Self.chordClaimSeconds)])
            guard extended.int == 1 else {
                logger.warning("Chord callback for '\(group)' not published: dispatch claim is no longer owned by this worker")
                return
            }
            if let failure {
                await failChordBody(body, group: group, because: failure, request: request)
            } else {
                let builder = TaskMessageBuilder.chordBody(body, results: values, completedBy: message, origin: nodename,
                                                           deliveryTag: UUID().uuidString.lowercased())
                _ = await publishFollower(builder, of: request, what: "chord body")
            }
            _ = try await client.evalSHA(ChordScripts.cleanup, keys: [keys.claim, keys.results, keys.sizeAdjustment, keys.size, keys.dedup],
                                         arguments: [token, String(Self.chordDoneSeconds)])
        } catch {
            logger.error("Chord '\(group)': part \(request.name)[\(request.id)] could not be recorded: \(error)")
        }
    }

    /// A failed header part fails the body with `ChordError('Dependency <id> raised <exc>')`
    /// (stored under the body's id) and publishes the body's errbacks, as Celery's
    /// `chord_error_from_stack` does.
    nonisolated func failChordBody(_ body: Signature, group: String, because part: ChordPart, request: TaskRequest) async {
        let cause = (try? ExceptionInfo(jsonValue: part.result))?.pythonRepr ?? PythonRepr.repr(part.result)
        let error = ExceptionInfo(type: "ChordError", arguments: [.string("Dependency \(part.taskID) raised \(cause)")],
                                  module: "celery.exceptions")
        logger.error("Chord '\(group)' raised: \(error.pythonRepr)")
        guard let bodyID = body.taskID else { return }
        let meta = ResultMeta(taskID: bodyID, exception: error, traceback: error.pythonTraceback(task: body.task),
                              dateDone: CeleryDateTime(timeIntervalSince1970: Self.now()), groupID: group)
        do {
            try await results.store(meta, taskID: bodyID)
        } catch {
            logger.error("Chord '\(group)': the body's failure was not stored: \(error)")
        }
        for errback in body.raw["options"]?["link_error"]?.arrayValue ?? [] {
            guard let object = errback.objectValue, let signature = try? Signature(raw: object) else { continue }
            let args = signature.immutable ? signature.args : [.string(bodyID)] + signature.args
            let builder = TaskMessageBuilder.calling(signature, args: args, rootID: request.message.headers.rootID, parentID: bodyID,
                                                     origin: nodename, deliveryTag: UUID().uuidString.lowercased())
            _ = await publishFollower(builder, of: request, what: "chord errback")
        }
    }
}
