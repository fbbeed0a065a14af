import CeleriacRESP
import NIOCore
import Testing

@testable import CeleriacRedis

@Suite("Request state machine")
struct RedisRequestStateMachineTests {
    typealias Machine = RedisRequestStateMachine<Int>
    let endpoint = "redis://127.0.0.1:6379/0"

    @Test func repliesCompleteWaitersInOrder() throws {
        var machine = Machine(endpoint: endpoint)
        for waiter in 1...3 { guard case .write = machine.send(waiter, deadline: nil, timeout: nil) else { Issue.record("not written"); return } }
        var completed: [Int] = []
        for reply: RESPValue in [.simpleString("OK"), .integer(7), .bulk("x")] {
            guard case .complete(let waiter, let result) = machine.reply(reply) else { Issue.record("not completed"); return }
            completed.append(waiter)
            #expect(try result.get() == reply)
        }
        #expect(completed == [1, 2, 3])
        #expect(machine.pending.isEmpty)
    }

    @Test func errorRepliesBecomeServerErrors() {
        var machine = Machine(endpoint: endpoint)
        _ = machine.send(1, deadline: nil, timeout: nil)
        guard case .complete(1, .failure(let error)) = machine.reply(.simpleError("WRONGTYPE Operation against a key")) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error == .server("WRONGTYPE Operation against a key"))
        #expect(error.serverCode == "WRONGTYPE")
    }

    @Test func pushesDoNotConsumeWaiters() {
        var machine = Machine(endpoint: endpoint)
        _ = machine.send(1, deadline: nil, timeout: nil)
        guard case .push = machine.reply(.push([.bulk("message"), .bulk("ch"), .bulk("hi")])) else {
            Issue.record("expected a push")
            return
        }
        #expect(machine.pending.count == 1)
    }

    @Test func resp2PubSubArraysArePushesOnlyInSubscriberMode() {
        let frame: RESPValue = .array([.bulk("message"), .bulk("ch"), .bulk("hi")])
        var subscriber = Machine(endpoint: endpoint, subscriberMode: true)
        _ = subscriber.send(1, deadline: nil, timeout: nil)
        guard case .push = subscriber.reply(frame) else { Issue.record("expected a push"); return }
        // The RESP2 answer to PING on a subscribed connection is a reply, not a frame.
        guard case .complete(1, _) = subscriber.reply(.array([.bulk("pong"), .bulk("")])) else { Issue.record("expected a reply"); return }

        var plain = Machine(endpoint: endpoint)
        _ = plain.send(2, deadline: nil, timeout: nil)
        guard case .complete(2, _) = plain.reply(frame) else { Issue.record("expected a reply"); return }
    }

    @Test func unsolicitedReplyClosesTheConnection() {
        var machine = Machine(endpoint: endpoint)
        guard case .close(_, let error) = machine.reply(.simpleString("OK")) else { Issue.record("expected close"); return }
        guard case .protocolError = error else { Issue.record("expected a protocol error"); return }
        guard case .fail(.connectionClosed) = machine.send(1, deadline: nil, timeout: nil) else { Issue.record("send after close must fail"); return }
    }

    @Test func parseErrorFailsEveryWaiterAndRefusesNewOnes() {
        var machine = Machine(endpoint: endpoint)
        _ = machine.send(1, deadline: nil, timeout: nil)
        _ = machine.send(2, deadline: nil, timeout: nil)
        let (waiters, error) = machine.parseFailed(RESPParseError(.unknownType(UInt8(ascii: "?")), at: 0))
        #expect(waiters == [1, 2])
        guard case .protocolError(let message) = error else { Issue.record("expected protocol error"); return }
        #expect(message.contains(endpoint))
        #expect(message.contains("unknown type byte '?'"))
        guard case .fail = machine.send(3, deadline: nil, timeout: nil) else { Issue.record("send after close must fail"); return }
    }

    @Test func timerExpiresOnlyOverdueCommands() {
        var machine = Machine(endpoint: endpoint)
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        _ = machine.send(1, deadline: start + .seconds(1), timeout: .seconds(1))
        _ = machine.send(2, deadline: start + .seconds(10), timeout: .seconds(10))
        _ = machine.send(3, deadline: nil, timeout: nil)
        #expect(machine.earliestDeadline == start + .seconds(1))
        guard case .rearm(let next) = machine.timerFired(now: start + .milliseconds(500)) else { Issue.record("expected rearm"); return }
        #expect(next == start + .seconds(1))
        guard case .timeout(let expired, let timeoutError, let others, let closedError) = machine.timerFired(now: start + .seconds(2)) else {
            Issue.record("expected timeout")
            return
        }
        #expect(expired == [1])
        #expect(others == [2, 3])
        #expect(timeoutError == .timeout("no reply from \(endpoint) within 1 s; connection closed"))
        guard case .connectionClosed = closedError else { Issue.record("expected closed"); return }
        #expect(!machine.isOpen)
    }

    @Test func channelCloseFailsWaitersWithTheURL() {
        var machine = Machine(endpoint: endpoint)
        _ = machine.send(1, deadline: nil, timeout: nil)
        let (waiters, error) = machine.channelClosed(reason: "connection reset by peer")
        #expect(waiters == [1])
        #expect(error == .connectionClosed("connection to \(endpoint) closed before the reply arrived (connection reset by peer)"))
    }
}
