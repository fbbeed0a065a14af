import Celeriac
import CeleriacProtocol
import CeleriacRedis
import CeleriacTestSupport
import Foundation
import Testing

/// The visibility-restore lock (`unacked_mutex`) when its release fails.
@Suite("restore lock")
struct RestoreLockTests {
    /// A round whose release failed (here: the user may not run scripts; in the chaos run: the
    /// broker was killed mid-round) must not leave the lock for kombu's 300 s expiry: the next
    /// round releases it and restores what is due. Needs ACLs, so it runs on redis-server.
    @Test func aLockWhoseReleaseFailedIsReleasedByTheNextRound() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let admin = try RedisClient(url: server.url())
        _ = try await admin.send(RedisCommand(["ACL", "SETUSER", "restorer", "on", ">secret", "~*", "&*", "+@all", "-evalsha", "-eval"]))
        let client = try RedisClient(url: "redis://restorer:secret@127.0.0.1:\(server.port)/0")
        let transport = KombuTransport(client: client, visibilityTimeout: 60)
        let entry = try UnackedEntry(envelope: KombuEnvelope.decode(taskEnvelope("late")), exchange: "", routingKey: "celery")
        _ = try await admin.send(RedisCommand(["HSET", KombuTransport.unackedKey, "tag-late", String(decoding: entry.encoded(), as: UTF8.self)]))
        _ = try await admin.send(RedisCommand(["ZADD", KombuTransport.unackedIndexKey, "1000", "tag-late"]))

        // Nothing is due yet at 1,000; the round takes the lock and cannot release it.
        await #expect(throws: RedisError.self) { try await transport.restoreVisible(now: 1_000) }
        #expect(try await admin.get(KombuTransport.unackedMutexKey) != nil)

        _ = try await admin.send(RedisCommand(["ACL", "SETUSER", "restorer", "+evalsha", "+eval"]))
        #expect(try await transport.restoreVisible(now: 2_000) == ["tag-late"])
        #expect(try await admin.get(KombuTransport.unackedMutexKey) == nil)
        #expect(try await admin.llen("celery") == 1)
        await client.close()
        await admin.close()
    }
}
