import CeleriacBroker
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The demo's broker: the bundled one, in this process, on a free loopback port with a fresh
/// temporary data folder — never a Redis the user already runs on 6379.
final class DemoBroker: Sendable {
    let server: BrokerServer
    let directory: String

    /// Starts the broker; throws with a clear message when it cannot listen.
    static func start(logger: Logger) async throws -> DemoBroker {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("celeriac-demo-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = BrokerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.directory = directory
        configuration.fsync = .everysec
        let server = BrokerServer(configuration: configuration, logger: logger)
        do {
            try await server.start()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw CLIFailure("the bundled broker could not start: \(server.startFailure?.description ?? "\(error)")")
        }
        return DemoBroker(server: server, directory: directory)
    }

    private init(server: BrokerServer, directory: String) {
        self.server = server
        self.directory = directory
    }

    /// Where clients reach it.
    var url: String { "redis://127.0.0.1:\(server.port)/0" }

    /// Stops it and removes its data folder.
    func stop() async {
        server.shutdown()
        try? await server.waitUntilStopped()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
