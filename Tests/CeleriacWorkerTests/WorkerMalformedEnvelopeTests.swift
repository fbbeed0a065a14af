import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// Envelopes that are JSON but cannot be decoded (found by the malformed-tasks run): the
/// failure record is kept under the message's own `headers.id`, not a made-up id, so the
/// sender can find it; a pickle body is refused without being read.
@Suite("worker: undecodable envelopes")
struct WorkerMalformedEnvelopeTests {
    @Test func aBrokenBase64BodyIsKeptUnderItsOwnID() async throws {
        try await WorkerHarness.with { harness in
            let message = try harness.producer.message("demo.add", args: [1, 2], options: SendOptions(taskID: "broken-b64-1"))
            guard case .object(var envelope) = try JSONParser.parse(message.encoded()) else {
                Issue.record("the envelope is not a JSON object")
                return
            }
            envelope["body"] = "%%% not base64 %%%"
            let broken = JSONWriter.bytes(.object(envelope))
            _ = try await harness.client.lpush("celery", [broken])
            let store = FailureStore(client: harness.client)
            try await eventually("one failure record") { try await store.count() == 1 }
            let record = try #require(try await store.get("broken-b64-1"))
            #expect(record.reason == .malformed)
            #expect(record.envelope == broken)
            #expect(await harness.worker.isRunning)
        }
    }

    @Test func aPickleBodyIsRefusedAndKept() async throws {
        try await WorkerHarness.with { harness in
            let message = try harness.producer.message("demo.add", args: [1, 2], options: SendOptions(taskID: "pickle-1"))
            guard case .object(var envelope) = try JSONParser.parse(message.encoded()) else {
                Issue.record("the envelope is not a JSON object")
                return
            }
            let marker = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-pickle-\(UUID().uuidString)")
            envelope["content-type"] = "application/x-python-serialize"
            envelope["content-encoding"] = "binary"
            envelope["body"] = .string(Base64.encode(Array("cos\nsystem\n(S'touch \(marker.path)'\ntR.".utf8)))
            let pickled = JSONWriter.bytes(.object(envelope))
            _ = try await harness.client.lpush("celery", [pickled])
            let store = FailureStore(client: harness.client)
            try await eventually("one failure record") { try await store.count() == 1 }
            let record = try #require(try await store.get("pickle-1"))
            #expect(record.reason == .malformed)
            #expect(record.exception.contains("application/x-python-serialize"))
            #expect(!FileManager.default.fileExists(atPath: marker.path))
            #expect(try await harness.app.result("pickle-1").state() == .pending)
        }
    }
}
