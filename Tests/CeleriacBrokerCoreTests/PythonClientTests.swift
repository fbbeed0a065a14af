import CeleriacBrokerCore
import CeleriacTestSupport
import Foundation
import Testing

/// Runs redis-py 8 (RESP3, the client Celery uses) against the engine behind a test server.
@Suite(.serialized) struct PythonClientTests {
    static var python: URL? {
        let url = ProjectPaths.venv.appendingPathComponent("bin/python")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    @Test func redisPyWorksAgainstTheEngine() async throws {
        guard let python = Self.python else { return }
        let server = try EngineTestServer()
        defer { server.stop() }
        let script = """
            import redis, threading, time
            r = redis.Redis(port=\(server.port), protocol=3, health_check_interval=25)
            assert r.ping() is True
            assert r.set('k', 'v', nx=True, px=300000) is True
            assert r.get('k') == b'v'
            p = r.pipeline(transaction=True)
            p.zadd('unacked_index', {'tag': 1795588804.680123}); p.hset('unacked', 'tag', 'payload')
            assert p.execute() == [1, 1]
            assert r.zrange('unacked_index', 1795588805, 0, byscore=True, desc=True, withscores=True) == [[b'tag', 1795588804.680123]]
            assert r.smembers('nothing') == set()
            lock = r.lock('mutex', timeout=300)
            assert lock.acquire(blocking=False)
            lock.release()
            assert r.exists('mutex') == 0
            script = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
            assert script(keys=['n'], args=[5]) == 5
            got = []
            def consume():
                c = redis.Redis(port=\(server.port), protocol=3)
                got.append(c.brpop(['celery', 'other'], timeout=5))
            t = threading.Thread(target=consume); t.start(); time.sleep(0.3)
            with r.pipeline(transaction=True) as p:
                p.lpush('other', 'msg'); p.execute()
            t.join()
            assert got == [[b'other', b'msg']], got
            ps = r.pubsub()
            ps.psubscribe('/0.celeryev/*')
            assert ps.get_message(timeout=1)['type'] == 'psubscribe'
            assert r.publish('/0.celeryev/worker.heartbeat', 'hb') == 1
            m = ps.get_message(timeout=1)
            assert m['type'] == 'pmessage' and m['data'] == b'hb', m
            ps.check_health()
            assert r.brpop(['empty'], timeout=0.2) is None
            print('ok')
            """
        let result = try await ProcessRunner.run(python, ["-c", script], timeout: 60)
        #expect(result.stdout.contains("ok"), "\(result.stdout)\n\(result.stderr)")
    }
}

/// A real Celery 5.7 worker and client on the engine: task round trip, result backend,
/// remote control (pidbox fanout, reply queues, kombu's Lua scripts).
@Suite(.serialized) struct CeleryOnEngineTests {
    @Test func celeryWorkerAndClientRoundTrip() async throws {
        guard let python = PythonClientTests.python else { return }
        let server = try EngineTestServer()
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = "redis://127.0.0.1:\(server.port)/0"
        try """
            from celery import Celery
            app = Celery('demo', broker='\(url)', backend='\(url)')
            @app.task(name='demo.add')
            def add(x, y):
                return x + y
            @app.task(name='demo.xsum')
            def xsum(numbers):
                return sum(numbers)
            """.write(to: folder.appendingPathComponent("demo.py"), atomically: true, encoding: .utf8)
        let worker = Process()
        worker.executableURL = python
        worker.arguments = ["-m", "celery", "-A", "demo", "worker", "--pool", "solo", "-n", "w1@engine", "--without-mingle", "--without-gossip", "-l", "warning"]
        worker.currentDirectoryURL = folder
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        defer {
            // SIGKILL: the worker may have inherited a signal mask that blocks SIGTERM.
            kill(worker.processIdentifier, SIGKILL)
            worker.waitUntilExit()
        }
        let client = """
            import sys
            sys.path.insert(0, '.')
            from celery import chord
            from demo import add, xsum, app
            results = [add.delay(i, 1) for i in range(5)]
            print([r.get(timeout=30) for r in results])
            print('chord', chord([add.s(i, i) for i in range(4)])(xsum.s()).get(timeout=30))
            print('countdown', add.apply_async((20, 22), countdown=1).get(timeout=30))
            print(app.control.inspect(timeout=5).ping())
            """
        let result = try await ProcessRunner.run(python, ["-c", client], environment: ["PYTHONPATH": folder.path], timeout: 90)
        #expect(result.stdout.contains("[1, 2, 3, 4, 5]"), "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("'w1@engine': {'ok': 'pong'}"), "\(result.stdout)\n\(result.stderr)")
        // The chord runs Celery's CHORD_PART_RETURN / CLAIM / CLEANUP scripts on the engine.
        #expect(result.stdout.contains("chord 12"), "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("countdown 42"), "\(result.stdout)\n\(result.stderr)")
    }
}
