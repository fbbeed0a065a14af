import CeleriacProtocol

/// The record/replay format: one JSON object per line, `{"t": SECONDS, "kind": KIND, ...}`,
/// each an input to `ClusterState` with the time it arrived. Kinds:
/// `event` (`"event"`: the raw event object, or a `task.multi` list), `malformed` (`"reason"`),
/// `depths` (`"depths"`: queue → [depth per priority], optional `"waiting"`: queue → the
/// oldest message of each non-empty priority key as `{"step", "id", "name", "eta"}`, optional
/// `"oldest"`: queue → seconds),
/// `snapshot` (`"hostname"`, optional `active`/`reserved`/`scheduled` task lists, `pid`,
/// `pool`, `pool_size`, `processed`, `queues`, `registered`, `rate_limits`, `conf`),
/// `failures` (`"entries"`), `audit` (`"entries"`), `connection` (`"status"`: `connecting`,
/// `connected`, `reconnecting` with `retry_at` and `error`, `failed` with `error`), `tick`.
public struct RecordedInput: Hashable, Sendable {
    public var time: Double
    public var input: ClusterInput

    public init(time: Double, input: ClusterInput) {
        self.time = time
        self.input = input
    }

    /// The input as one line (no trailing newline).
    public func line() -> String { JSONWriter.string(.object(jsonObject())) }

    func jsonObject() -> JSONObject {
        var o: JSONObject = ["t": .double(time)]
        switch input {
        case .event(let event):
            o["kind"] = .string("event")
            o["event"] = event.jsonValue
        case .events(let events):
            o["kind"] = .string("event")
            o["event"] = .array(events.map(\.jsonValue))
        case .malformedEvent(let reason):
            o["kind"] = .string("malformed")
            o["reason"] = .string(reason)
        case .queueDepths(let poll):
            o["kind"] = .string("depths")
            o["depths"] = .object(JSONObject(poll.depths.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map(JSONValue.integer))) }))
            if !poll.waiting.isEmpty {
                o["waiting"] = .object(JSONObject(poll.waiting.sorted { $0.key < $1.key }.map { queue, messages in
                    (queue, .array(messages.map { m in
                        var item: JSONObject = ["step": .integer(m.step), "id": .string(m.id), "name": .string(m.name)]
                        if let eta = m.eta { item["eta"] = .double(eta) }
                        return .object(item)
                    }))
                }))
            }
            if !poll.oldestAge.isEmpty {
                o["oldest"] = .object(JSONObject(poll.oldestAge.sorted { $0.key < $1.key }.map { ($0.key, .double($0.value)) }))
            }
        case .snapshot(let s):
            o["kind"] = .string("snapshot")
            o["hostname"] = .string(s.hostname)
            func tasks(_ list: [SnapshotTask]) -> JSONValue {
                .array(list.map { t in
                    var item: JSONObject = ["id": .string(t.id), "name": .string(t.name), "args": .string(t.args),
                                            "kwargs": .string(t.kwargs)]
                    if let time = t.time { item["time"] = .double(time) }
                    return .object(item)
                })
            }
            if let v = s.active { o["active"] = tasks(v) }
            if let v = s.reserved { o["reserved"] = tasks(v) }
            if let v = s.scheduled { o["scheduled"] = tasks(v) }
            if let v = s.pid { o["pid"] = .integer(v) }
            if let v = s.poolKind { o["pool"] = .string(v) }
            if let v = s.poolSize { o["pool_size"] = .integer(v) }
            if let v = s.poolProcesses { o["pool_processes"] = .array(v.map { .integer($0) }) }
            if let v = s.processed { o["processed"] = .integer(v) }
            if let v = s.queues { o["queues"] = .array(v.map(JSONValue.string)) }
            if let v = s.registered { o["registered"] = .array(v.map(JSONValue.string)) }
            if let v = s.rateLimits { o["rate_limits"] = .object(JSONObject(v.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })) }
            if let v = s.conf { o["conf"] = .object(JSONObject(v.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })) }
        case .failures(let entries):
            o["kind"] = .string("failures")
            o["entries"] = .array(entries.map { e in
                .object(["task_id": .string(e.taskID), "name": .string(e.name), "queue": .string(e.queue),
                         "exception": .string(e.exception), "traceback": .string(e.traceback),
                         "timestamp": .double(e.timestamp), "envelope": .string(e.envelope),
                         "worker": .string(e.worker), "reason": .string(e.reason)])
            })
        case .audit(let entries):
            o["kind"] = .string("audit")
            o["entries"] = .array(entries.map { e in
                .object(["timestamp": .double(e.timestamp), "who": .string(e.who), "action": .string(e.action),
                         "target": .string(e.target), "outcome": .string(e.outcome)])
            })
        case .connection(let status):
            o["kind"] = .string("connection")
            switch status {
            case .connecting: o["status"] = .string("connecting")
            case .connected: o["status"] = .string("connected")
            case .reconnecting(let retryAt, let error):
                o["status"] = .string("reconnecting")
                o["retry_at"] = .double(retryAt)
                o["error"] = .string(error)
            case .failed(let error):
                o["status"] = .string("failed")
                o["error"] = .string(error)
            }
        case .tick:
            o["kind"] = .string("tick")
        }
        return o
    }
}
