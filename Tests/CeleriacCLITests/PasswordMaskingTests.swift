import CeleriacTestSupport
import Foundation
import Testing

/// `celeriac` never shows a password (issue #10): broker URLs in logs and messages are printed
/// with the password masked, by the worker and by the client verbs, whether the password was
/// right or wrong.
@Suite("Password masking")
struct PasswordMaskingTests {
    @Test func workerLogMasksTheBrokerPassword() async throws {
        let secret = "pw-\(UUID().uuidString.prefix(12))"
        let broker = try BrokerProcess(password: secret, arguments: ["--appendonly", "no"])
        defer { broker.stop() }
        let worker = try await CeleriacWorkerProcess(broker: broker.url(), arguments: ["-c", "1", "--loglevel", "DEBUG"])
        let log = worker.log
        worker.stop()
        #expect(log.contains("ready"))
        #expect(!log.contains(secret), "the worker log shows the password:\n\(log)")
    }

    @Test(arguments: [
        ["call", "demo.add", "--args", "[1, 2]"],
        ["inspect", "ping", "--timeout", "1"],
        ["purge", "-f"],
        ["queues"],
    ])
    func clientVerbsNeverPrintAWrongPassword(arguments: [String]) async throws {
        let secret = "pw-\(UUID().uuidString.prefix(12))"
        let broker = try BrokerProcess(password: "the-right-one", arguments: ["--appendonly", "no"])
        defer { broker.stop() }
        let url = "redis://:\(secret)@127.0.0.1:\(broker.port)/0"
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), arguments + ["--broker", url], timeout: 60)
        #expect(output.status != 0, "\(arguments[0]) with a wrong password succeeded")
        #expect(!(output.stdout + output.stderr).contains(secret), "\(arguments[0]) printed the password:\n\(output.stderr)")
    }
}
