import CeleriacBroker
import Foundation
import Logging

/// Starts an in-process broker on a free port with a temporary folder, runs `body`, then
/// shuts it down and removes the folder (unless `directory` was given).
func withBroker<T>(
    directory: URL? = nil, _ configure: (inout BrokerConfiguration) -> Void = { _ in },
    _ body: (BrokerServer) async throws -> T
) async throws -> T {
    let folder = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-broker-test-\(UUID().uuidString)")
    var configuration = BrokerConfiguration()
    configuration.port = 0
    configuration.directory = folder.path
    configuration.appendOnly = false
    configure(&configuration)
    var logger = Logger(label: "test.broker")
    logger.logLevel = .warning
    let server = BrokerServer(configuration: configuration, logger: logger)
    try await server.start()
    do {
        let result = try await body(server)
        server.shutdown()
        try await server.waitUntilStopped()
        if directory == nil { try? FileManager.default.removeItem(at: folder) }
        return result
    } catch {
        server.shutdown()
        try? await server.waitUntilStopped()
        if directory == nil { try? FileManager.default.removeItem(at: folder) }
        throw error
    }
}

/// A temporary folder removed at the end of `body`.
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-broker-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}
