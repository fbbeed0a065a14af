import Celeriac
import CeleriacConsole
import CeleriacProtocol
import CeleriacTestSupport
import Foundation
import Testing

/// Remote-control replies as Python Celery sends them, turned into worker snapshots, and the
/// audit records' stored form. No I/O.
@Suite("live: snapshot replies and audit records")
struct LiveSnapshotRepliesTests {
    /// The reply in a captured `pidbox-reply-N.json` (the LPUSH of the reply envelope).
    func capturedReply(_ name: String) throws -> ControlReply {
        let data = try Data(contentsOf: ProjectPaths.celeryFixtures.appendingPathComponent(name))
        let value = try JSONParser.parse([UInt8](data))
        let payload = try #require(value["command"]?.arrayValue?.last?.stringValue)
        return try ControlMessage.decodeReply(Array(payload.utf8))
    }

    @Test func activeAndStatsFromAPythonWorker() throws {
        let active = try capturedReply("pidbox-reply-0.json")
        let stats = try capturedReply("pidbox-reply-1.json")
        #expect(active.nodename == "w1@cap")
        let snapshots = SnapshotReplies.snapshots([.active: [active.nodename: active.result],
                                                   .stats: [stats.nodename: stats.result]])
        #expect(snapshots.count == 1)
        let snapshot = try #require(snapshots.first)
        #expect(snapshot.hostname == "w1@cap")
        #expect(snapshot.active == [SnapshotTask(id: "c63cddd9-d7f2-412b-a86d-f081d32a2ec8", name: "capapp.sleepy",
                                                 args: "[3]", kwargs: "{}", time: 1795559256.1826928)])
        #expect(snapshot.pid == 7559)
        #expect(snapshot.poolKind == "prefork")
        #expect(snapshot.poolSize == 2)
        #expect(snapshot.poolProcesses == [7563, 7564])
        #expect(snapshot.processed == 6)
        // The prefork children reach the worker record, and a one-process pool lists none.
        var state = ClusterState()
        state.apply(.snapshot(snapshot), now: 1795559257)
        #expect(state.workers["w1@cap"]?.poolProcesses == [7563, 7564])
        state.apply(.snapshot(NodeSnapshot(hostname: "solo@h", pid: 42, poolProcesses: [42])), now: 1795559257)
        #expect(state.workers["solo@h"]?.poolProcesses == [])
        // Methods nobody answered stay unknown rather than empty.
        #expect(snapshot.reserved == nil && snapshot.queues == nil && snapshot.registered == nil)
    }

    @Test func registeredRateLimitsQueuesScheduledAndConf() {
        let snapshot = SnapshotReplies.snapshot(hostname: "w1@h", replies: [
            .registered: ["demo.add", "demo.noop [rate_limit=2/s]", "demo.slow [rate_limit=10/m time_limit=5]"],
            .activeQueues: [["name": "celery"], ["name": "slow"]],
            .scheduled: [["eta": "2030-01-02T03:04:05+00:00", "priority": 6,
                          "request": ["id": "t1", "name": "demo.add", "args": [1, 2], "kwargs": ["k": "v"]]]],
            .conf: ["worker_prefetch_multiplier": 4, "broker_url": "redis://x/0"],
        ])
        #expect(snapshot.registered == ["demo.add", "demo.noop", "demo.slow"])
        #expect(snapshot.rateLimits == ["demo.noop": "2/s", "demo.slow": "10/m"])
        #expect(snapshot.queues == ["celery", "slow"])
        #expect(snapshot.scheduled == [SnapshotTask(id: "t1", name: "demo.add", args: "[1, 2]", kwargs: "{'k': 'v'}",
                                                    time: 1893553445)])
        #expect(snapshot.conf == ["worker_prefetch_multiplier": "4", "broker_url": "redis://x/0"])
    }

    @Test func auditRecordsRoundTripAndBadOnesSayWhy() throws {
        let record = AuditRecord(timestamp: 1795559256.5, user: "ops", host: "box", action: "revoke", target: "a b",
                                 outcome: "w1@h: ok")
        #expect(try AuditRecord(decoding: record.encoded) == record)
        #expect(record.who == "ops@box")
        let keys = try #require(JSONParser.parse(record.encoded).objectValue?.keys)
        #expect(keys == ["timestamp", "user", "host", "action", "target", "outcome"])
        #expect(throws: AuditRecordError(message: "missing \"outcome\"")) {
            try AuditRecord(decoding: Array(#"{"timestamp": 1, "user": "u", "host": "h", "action": "a", "target": "t"}"#.utf8))
        }
        #expect(throws: AuditRecordError(message: "expected a JSON object, found array")) {
            try AuditRecord(decoding: Array("[1]".utf8))
        }
    }
}
