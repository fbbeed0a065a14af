import Celeriac
import CeleriacProtocol
import CeleriacWorker
import Foundation
import Testing

/// Mingle: a starting worker learns the revoked ids and the clock of those already running.
@Suite("mingle at start")
struct ControlMingleTests {
    @Test func aNewcomerMergesRevokedIDsAndTheHighestClock() async throws {
        try await withControlCluster(["w1@control.test", "w2@control.test"]) { (cluster: ControlCluster) async throws in
            await cluster.targets[0].setRevoked(["m1", "m2"])
            await cluster.targets[0].setClock(500)
            await cluster.targets[1].setRevoked(["m2", "m3"])
            await cluster.targets[1].setClock(40)
            let newcomer = ControlTestTarget(nodename: "w3@control.test")
            await newcomer.setRevoked(["m0"])
            await newcomer.setClock(3)
            let server = ControlServer(transport: cluster.app.transport, target: newcomer, logger: cluster.log.logger("celeriac.mingle"),
                                       options: ControlServer.Options(mingleTimeout: 5))
            // Listening while mingling: its own hello reaches it and is left out.
            try await server.start()
            let outcome = try await server.mingle()
            await server.stop()
            #expect(Set(outcome.nodes) == ["w1@control.test", "w2@control.test"])
            #expect(outcome.maxClock == 501)
            #expect(outcome.revokedReceived == 6)
            #expect(Set(await newcomer.revoked) == ["m0", "m1", "m2", "m3"])
            #expect(await newcomer.revoked.first == "m0")
            #expect(await newcomer.clock == 502)
            // The others merged the newcomer's ids on the way.
            #expect(await cluster.targets[0].revoked == ["m1", "m2", "m0"])
            #expect(await cluster.targets[1].revoked == ["m2", "m3", "m0"])
            #expect(cluster.log.all.contains { $0.contains("mingle: sync with 2 nodes") })
        }
    }

    @Test func aWorkerAloneChangesNothing() async throws {
        try await withControlCluster { (cluster: ControlCluster) async throws in
            await cluster.target.setRevoked(["r"])
            await cluster.target.setClock(9)
            let outcome = try await cluster.servers[0].mingle()
            #expect(outcome.isAlone)
            #expect(await cluster.target.revoked == ["r"])
            #expect(await cluster.target.clock == 9)
            #expect(cluster.log.all.contains { $0.contains("mingle: all alone") })
        }
    }
}
