import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// `celeriac failures` and `celeriac retry` on a real redis-server holding failure-store entries.
@Suite("failure-store commands")
struct FailureCommandTests {
    func celeriac(_ arguments: [String]) async throws -> ProcessOutput {
        try await ProcessRunner.run(ProjectPaths.executable("celeriac"), arguments, timeout: 60)
    }

    @Test func listRetryAndDelete() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let broker = ["--broker", server.url()]
        let app = try await App(configuration: try Configuration(broker: server.url()))
        let store = FailureStore(client: app.transport.client)
        let now = Date().timeIntervalSince1970
        let add = try app.producer.message("demo.add", args: [1, "x"], options: SendOptions(queue: "slow"))
        let mul = try app.producer.message("demo.mul", args: [2, "y"])
        for (index, (message, queue)) in [(add, "slow"), (mul, "celery")].enumerated() {
            try await store.record(FailureRecord(taskID: message.id, name: message.task, queue: queue,
                                                 reason: .failed, exception: "TypeError('bad operand')", worker: "w1@host",
                                                 timestamp: now + Double(index), envelope: message.encoded()))
        }
        try await store.record(FailureRecord(taskID: "broken-1", name: "", queue: "celery", reason: .malformed,
                                             exception: "ProtocolError('not JSON')", worker: "w1@host",
                                             timestamp: now + 2, envelope: Array("{oops".utf8)))
        await app.close()

        let listed = try await celeriac(["failures"] + broker)
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("broken-1\t"))
        #expect(lines[3].hasPrefix(add.id + "\t"))
        #expect(lines[3].contains("\tdemo.add\tslow\tfailed\tw1@host\tTypeError('bad operand')"))
        #expect(listed.stderr.contains("3 shown of 3"))

        let json = try await celeriac(["failures", "--json", "--name", "demo.m*"] + broker)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["id"] as? String == mul.id)
        #expect(rows.first?["envelope"] as? String == String(decoding: mul.encoded(), as: UTF8.self))

        let retried = try await celeriac(["retry", add.id, "broken-1"] + broker)
        #expect(retried.status == 1)
        #expect(retried.stdout == "\(add.id)\tretried\tslow\n")
        #expect(retried.stderr.contains("broken-1: cannot retry broken-1"))
        let depth = try await ProcessRunner.run(try #require(ProjectPaths.which("redis-cli")), ["-p", String(server.port), "LLEN", "slow"])
        #expect(depth.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        let all = try await celeriac(["retry", "--all", "--name", "demo.*"] + broker)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout == "\(mul.id)\tretried\tcelery\n")

        let deleted = try await celeriac(["failures", "--delete", "broken-1", "gone"] + broker)
        #expect(deleted.stdout == "Deleted 1 of 2 failures.\n")
        let empty = try await celeriac(["failures"] + broker)
        #expect(empty.stdout == "ID\tTIME\tTASK\tQUEUE\tREASON\tWORKER\tEXCEPTION\n")

        let usage = try await celeriac(["retry"] + broker)
        #expect(usage.status == 2)
        #expect(usage.stderr == "Error: give task ids or --all, not both and not neither\n")
    }
}
