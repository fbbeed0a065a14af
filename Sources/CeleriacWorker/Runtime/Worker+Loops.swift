import Celeriac
import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

extension Worker {
    /// How often buffered task events are published as one `task.multi` list. Celery flushes
    /// at every loop iteration of its hub; a short interval keeps monitors just as current.
    static let eventFlushInterval: Duration = .milliseconds(100)

    /// Publishes buffered task events (size-triggered flushes happen in ``EventPublisher``).
    func flushLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.eventFlushInterval)
            await events.flush()
        }
    }

    /// Sends `worker-heartbeat` every `heartbeatInterval` seconds.
    func heartbeatLoop() async {
        let interval = Duration.milliseconds(Int64(configuration.heartbeatInterval * 1000))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard phase == .running else { return }
            await events.send(.workerHeartbeat, fields: workerFields())
        }
    }

    /// Refreshes the `unacked_index` time of every message this worker holds unacked (held
    /// for an ETA, waiting for a slot or a rate-limit token, running with a late ack), so
    /// the visibility timeout never hands a live worker's messages to another one — the
    /// long-standing Celery pitfall with ETA tasks. A crashed worker stops refreshing, and
    /// its messages come back as before.
    func keepAliveLoop() async {
        let seconds = min(max(configuration.visibilityTimeout / 4, 0.25), 60)
        let interval = Duration.milliseconds(Int64(seconds * 1000))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard phase == .running else { return }
            let tags = heldDeliveryTags()
            guard !tags.isEmpty else { continue }
            let now = KombuTransport.unackedScore(at: Self.now())
            // XX: only entries still unacked are touched; an entry acked meanwhile stays gone.
            let command = RedisCommand(["ZADD", KombuTransport.unackedIndexKey, "XX"] + tags.flatMap { [now, $0] })
            do {
                _ = try await transport.client.send(command)
            } catch {
                logger.warning("could not refresh unacked messages: \(error)")
            }
        }
    }

    /// The delivery tags of every message held unacked by this worker.
    func heldDeliveryTags() -> [String] {
        var tags = held.items.map(\.item.delivery.deliveryTag)
        tags += reserved.map(\.delivery.deliveryTag)
        tags += active.values.filter { !$0.request.acknowledged }.map(\.request.delivery.deliveryTag)
        return tags
    }

    /// The fields of `worker-online`, `worker-heartbeat` and `worker-offline`.
    func workerFields() -> JSONObject {
        EventFields.worker(freq: configuration.heartbeatInterval, active: active.count, processed: processed,
                           loadavg: Self.loadAverage(), swIdent: configuration.softwareIdentity,
                           swVer: configuration.softwareVersion, swSys: Self.systemName)
    }

    /// The 1, 5 and 15 minute load averages, rounded to 2 places as Celery sends them.
    nonisolated static func loadAverage() -> [Double] {
        var values = [Double](repeating: 0, count: 3)
        let count = getloadavg(&values, 3)
        guard count == 3 else { return [0, 0, 0] }
        return values.map { ($0 * 100).rounded() / 100 }
    }

    /// `platform.system()`.
    nonisolated static var systemName: String {
        #if os(Linux)
        return "Linux"
        #elseif os(macOS)
        return "Darwin"
        #else
        return "Unknown"
        #endif
    }

    func mergeRevokedNow(_ ids: [String]) {
        let now = Self.now()
        for id in ids where !revoked.contains(id, now: now) { revoked.insert(id, now: now) }
    }

    // MARK: State db

    /// Loads revoked ids from `--statedb` (a JSON file `{"revoked": [ids]}`); a missing file is
    /// a first start, an unreadable one is reported and ignored.
    func loadStateDB() {
        guard let path = configuration.stateDB, FileManager.default.fileExists(atPath: path) else { return }
        do {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let value = try JSONParser.parse(bytes)
            let ids = value["revoked"]?.arrayValue?.compactMap(\.stringValue) ?? []
            mergeRevokedNow(ids)
            logger.info("statedb: \(ids.count) revoked ids loaded from \(path)")
        } catch {
            logger.error("statedb \(path) cannot be read and is ignored: \(error)")
        }
    }

    /// Writes the revoked ids to `--statedb` (atomically, so a crash never leaves half a file).
    func saveStateDB() {
        guard let path = configuration.stateDB else { return }
        let document: JSONValue = ["revoked": .array(revoked.ids.map(JSONValue.string))]
        do {
            try Data(JSONWriter.bytes(document)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            logger.error("statedb \(path) cannot be written: \(error)")
        }
    }
}
