import CeleriacRESP
@testable import CeleriacRedis
import Testing

/// Pub/sub commands hold their place in the reply order: confirmations (out of band) retire
/// them, and a refusal (one error reply in band) is theirs, never the next command's.
@Suite("Pub/sub commands in the reply order")
struct RedisPubSubPlaceTests {
    typealias Machine = RedisRequestStateMachine<Int>
    let endpoint = "redis://127.0.0.1:6379/0"

    func confirmation(_ kind: String, _ name: String, _ count: Int64) -> RESPValue {
        .push([.bulk(kind), .bulk(name), .integer(count)])
    }

    @Test func aRefusedSubscribeTakesTheErrorAndTheNextCommandItsOwnReply() throws {
        var machine = Machine(endpoint: endpoint, subscriberMode: true)
        _ = machine.sendPubSub(1, kind: "subscribe", count: 2, deadline: nil, timeout: nil)
        _ = machine.send(2, deadline: nil, timeout: nil)
        guard case .refused(1, .server(let message)) = machine.reply(.simpleError("NOPERM no access to a channel")) else {
            Issue.record("the refusal must go to the SUBSCRIBE")
            return
        }
        #expect(message.hasPrefix("NOPERM"))
        guard case .complete(2, let result) = machine.reply(.bulk("value")) else {
            Issue.record("the GET must get its own reply")
            return
        }
        #expect(try result.get() == .bulk("value"))
        #expect(machine.pending.isEmpty)
        #expect(machine.isOpen)
    }

    @Test func confirmationsRetireTheCommandAfterTheLastName() {
        var machine = Machine(endpoint: endpoint, subscriberMode: true)
        _ = machine.sendPubSub(1, kind: "subscribe", count: 2, deadline: nil, timeout: nil)
        _ = machine.send(2, deadline: nil, timeout: nil)
        // A message on an earlier subscription is no confirmation.
        guard case .push(_, confirmed: nil) = machine.reply(.push([.bulk("message"), .bulk("old"), .bulk("hi")])) else {
            Issue.record("expected a push confirming nothing")
            return
        }
        guard case .push(_, confirmed: nil) = machine.reply(confirmation("subscribe", "a", 1)) else {
            Issue.record("the first of two confirmations completes nothing")
            return
        }
        guard case .push(_, confirmed: 1?) = machine.reply(confirmation("subscribe", "b", 2)) else {
            Issue.record("the second confirmation completes the SUBSCRIBE")
            return
        }
        // Now an error is the GET's own.
        guard case .complete(2, .failure(let error)) = machine.reply(.simpleError("WRONGTYPE wrong kind")) else {
            Issue.record("the GET's error must go to the GET")
            return
        }
        #expect(error == .server("WRONGTYPE wrong kind"))
        #expect(machine.pending.isEmpty)
    }

    @Test func resp2ConfirmationFramesCountToo() {
        var machine = Machine(endpoint: endpoint, subscriberMode: true)
        _ = machine.sendPubSub(1, kind: "psubscribe", count: 1, deadline: nil, timeout: nil)
        _ = machine.send(2, deadline: nil, timeout: nil)
        guard case .push(_, confirmed: 1?) = machine.reply(.array([.bulk("PSUBSCRIBE"), .bulk("a*"), .integer(1)])) else {
            Issue.record("a RESP2 confirmation array must complete the PSUBSCRIBE")
            return
        }
        guard case .complete(2, _) = machine.reply(.array([.bulk("pong"), .bulk("")])) else {
            Issue.record("the PING gets its reply")
            return
        }
    }

    @Test func aConfirmationOfAnotherKindLeavesTheCommandWaiting() {
        var machine = Machine(endpoint: endpoint, subscriberMode: true)
        _ = machine.sendPubSub(1, kind: "subscribe", count: 1, deadline: nil, timeout: nil)
        guard case .push(_, confirmed: nil) = machine.reply(confirmation("unsubscribe", "x", 0)) else {
            Issue.record("an unsubscribe confirmation does not confirm a SUBSCRIBE")
            return
        }
        #expect(machine.pending.count == 1)
    }

    @Test func anInBandReplyWhereAConfirmationIsDueClosesTheConnection() {
        var machine = Machine(endpoint: endpoint, subscriberMode: true)
        _ = machine.sendPubSub(1, kind: "subscribe", count: 1, deadline: nil, timeout: nil)
        _ = machine.send(2, deadline: nil, timeout: nil)
        guard case .close(let waiters, .protocolError) = machine.reply(.bulk("value")) else {
            Issue.record("the order is unknown: the connection must close")
            return
        }
        #expect(waiters == [1, 2])
        #expect(!machine.isOpen)
    }

    @Test func aClosedConnectionFailsThePubSubCommand() {
        var machine = Machine(endpoint: endpoint, subscriberMode: true)
        _ = machine.channelClosed()
        guard case .fail(.connectionClosed) = machine.sendPubSub(1, kind: "subscribe", count: 1, deadline: nil, timeout: nil) else {
            Issue.record("a pub/sub command after close must fail")
            return
        }
    }
}
