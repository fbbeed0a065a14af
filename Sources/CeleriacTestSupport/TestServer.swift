import Foundation

/// A Redis-protocol server a test runs against: a real `redis-server` or the bundled broker.
/// Client suites are written against this so the same tests prove both.
public protocol TestServer: AnyObject, Sendable {
    var port: Int { get }
    /// `redis://127.0.0.1:port/db` (with the password when there is one).
    func url(db: Int) -> String
    /// Stops the server and removes its folder.
    func stop()
}

extension TestServer {
    public func url() -> String { url(db: 0) }
}

extension RedisServer: TestServer {}
extension BrokerProcess: TestServer {}

/// Which server the client suites start: `redis-server` by default, the bundled broker when
/// `CELERIAC_TEST_SERVER=celeriac` (`scripts/test.sh` runs the client suites both ways).
public enum TestBackend {
    public static var name: String {
        ProcessInfo.processInfo.environment["CELERIAC_TEST_SERVER"] == "celeriac" ? "celeriac" : "redis"
    }

    /// Starts the selected server on a free port.
    public static func start() throws -> any TestServer {
        name == "celeriac" ? try BrokerProcess() : try RedisServer()
    }
}
