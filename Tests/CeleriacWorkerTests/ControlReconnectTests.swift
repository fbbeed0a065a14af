import Celeriac
import CeleriacProtocol
import CeleriacTestSupport
import CeleriacWorker
import Foundation
import Testing

/// The control server across a broker restart.
@Suite("the control server survives a broker restart")
struct ControlReconnectTests {
    static func startBackend(port: Int?) throws -> any TestServer {
        TestBackend.name == "celeriac" ? try BrokerProcess(port: port) : try RedisServer(port: port)
    }

    @Test func itSubscribesAgainAndAnswers() async throws {
        let first = try Self.startBackend(port: nil)
        defer { first.stop() }
        let log = CapturedLog()
        let app = try await App(configuration: try Configuration(broker: first.url()), logger: log.logger("celeriac.test"))
        let target = ControlTestTarget(nodename: "w1@restart.test")
        let server = ControlServer(transport: app.transport, target: target, logger: log.logger("celeriac.control"))
        try await server.start()
        var second: (any TestServer)?
        defer { second?.stop() }
        do {
            #expect(try await app.control().broadcast(.ping, destination: [target.nodename], timeout: 5).count == 1)
            first.stop()
            second = try Self.startBackend(port: first.port)
            try await eventually("the control server to subscribe again", timeout: 60) {
                log.all.contains { $0.contains("remote control subscribed again") }
            }
            #expect(log.all.contains { $0.contains("remote control lost its broker connection") })
            // The app's own connections come back too; until then a call may fail.
            var answered = false
            for _ in 0..<40 where !answered {
                let replies = try? await app.control().broadcast(.ping, destination: [target.nodename], timeout: 2)
                if replies?.first?.result == ["ok": "pong"] { answered = true } else { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(answered)
            // The pidbox binding is declared again on the new broker.
            let members = try await app.transport.client.smembers("_kombu.binding.celery.pidbox")
            #expect(members.contains { $0.hasSuffix("w1@restart.test.celery.pidbox") })
        } catch {
            await server.stop()
            await app.close()
            throw error
        }
        await server.stop()
        await app.close()
    }
}
