import CeleriacBrokerCore
import CeleriacRESP
import CeleriacTestSupport
import Foundation
import Testing

/// Replays the commands of the recorded Celery 5.7 sessions (fixtures/celery-5.7) through the
/// engine, one engine client per recorded connection.
@Suite struct CeleryFixtureTests {
    struct Step {
        var connection: String
        var send: [String]?
        var reply: Any?
    }

    /// Every `[{conn, send|reply}]` list in every fixture file, by file and list name.
    static func recordedExchanges() throws -> [(name: String, steps: [Step])] {
        let folder = ProjectPaths.celeryFixtures
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        var result: [(String, [Step])] = []
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                guard let list = value as? [[String: Any]], list.first?["conn"] != nil else { continue }
                let steps = list.map { Step(connection: $0["conn"] as? String ?? "", send: $0["send"] as? [String], reply: $0["reply"]) }
                result.append(("\(file):\(key)", steps))
            }
        }
        return result
    }

    @Test func everyRecordedCommandIsAccepted() throws {
        let exchanges = try Self.recordedExchanges()
        #expect(exchanges.count >= 15)
        var commands = 0
        var problems: [String] = []
        for (name, steps) in exchanges {
            // Captures made with a password send it in HELLO/AUTH; give the engine the same one.
            var password: String?
            for step in steps {
                guard let send = step.send else { continue }
                if send.first?.uppercased() == "AUTH" { password = send.last }
                if send.first?.uppercased() == "HELLO", let index = send.firstIndex(where: { $0.uppercased() == "AUTH" }), index + 2 < send.count {
                    password = send[index + 2]
                }
            }
            let harness = EngineHarness(configuration: .init(password: password))
            var clients: [String: ClientID] = [:]
            for step in steps {
                guard let send = step.send, let verb = send.first?.uppercased() else { continue }
                // Script bodies in the captures are placeholders, so their SHA1s are unknown here.
                if verb == "EVALSHA" || verb == "SCRIPT" { continue }
                let client = clients[step.connection] ?? harness.client()
                clients[step.connection] = client
                commands += 1
                let outcome = harness.engine.execute(send, from: client)
                if outcome == .blocked {
                    harness.clock.advance(milliseconds: 5000)
                    harness.engine.runTimers()
                }
                _ = harness.engine.drainEvents()
                for value in Self.replies(outcome) {
                    guard let text = value.errorMessage else { continue }
                    let expectedByRedis = verb == "CLIENT" && send.count > 1 && send[1].uppercased() == "MAINT_NOTIFICATIONS"
                    if !expectedByRedis { problems.append("\(name): \(send.prefix(3)) → \(text)") }
                }
            }
        }
        #expect(commands > 200)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test func handshakeRepliesMatchTheCapture() throws {
        let exchanges = try Self.recordedExchanges().filter { $0.name.hasPrefix("conn-handshake.json:") && !$0.name.contains("auth") }
        #expect(!exchanges.isEmpty)
        for (name, steps) in exchanges {
            let harness = EngineHarness()
            var clients: [String: ClientID] = [:]
            var pending: [String: (send: [String], reply: RESPValue)] = [:]
            for step in steps {
                if let send = step.send {
                    let client = clients[step.connection] ?? harness.client()
                    clients[step.connection] = client
                    pending[step.connection] = Self.replies(harness.engine.execute(send, from: client)).last.map { (send, $0) }
                } else if let recorded = step.reply, let (send, ours) = pending.removeValue(forKey: step.connection) {
                    let expected = Self.decode(recorded)
                    // Redis 7.0 lacks CLIENT SETINFO (7.2 added it); redis-py accepts OK or an error.
                    let isSetInfo = send.count > 1 && send[0].uppercased() == "CLIENT" && send[1].uppercased() == "SETINFO"
                    // HELLO's id is the connection number, which differs from the capture's.
                    if case .map(let pairs) = expected, case .map(let ourPairs) = ours {
                        #expect(pairs.filter { $0.key != "id" } == ourPairs.filter { $0.key != "id" }, "\(name)")
                    } else if isSetInfo {
                        #expect(ours == .ok, "\(name)")
                    } else if expected.isError {
                        #expect(ours.isError, "\(name): expected an error, got \(ours)")
                    } else {
                        #expect(ours == expected, "\(name)")
                    }
                }
            }
        }
    }

    static func replies(_ outcome: CommandOutcome) -> [RESPValue] {
        switch outcome {
        case .reply(let value), .close(let value): return [value]
        case .replies(let values): return values
        case .blocked, .shutdown: return []
        }
    }

    /// The fixtures' JSON notation for RESP values (see the fixtures' README).
    static func decode(_ json: Any) -> RESPValue {
        if let text = json as? String { return .bulk(text) }
        if let number = json as? NSNumber { return .integer(number.int64Value) }
        if let list = json as? [Any] { return .array(list.map(decode)) }
        guard let object = json as? [String: Any], let (type, value) = object.first else { return .null }
        switch type {
        case "+": return .simpleString(value as? String ?? "")
        case "-": return .simpleError(value as? String ?? "")
        case "_": return .null
        case ",": return .double(Double(value as? String ?? "") ?? .nan)
        case "~": return .set((value as? [Any] ?? []).map(decode))
        case ">": return .push((value as? [Any] ?? []).map(decode))
        case "%":
            let flat = (value as? [Any] ?? []).map(decode)
            return .map(stride(from: 0, to: flat.count - 1, by: 2).map { RESPPair(flat[$0], flat[$0 + 1]) })
        default: return .null
        }
    }
}
