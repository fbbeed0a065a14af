@testable import CeleriacRedis
import CeleriacTestSupport
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

import Testing

/// Polling a connection's socket for a short command's reply (`RedisOptions.replyPolling`):
/// the socket found is the channel's own, replies and blocking commands are unchanged, and a
/// poll that finds nothing turns polling off for more and more commands.
@Suite("Reply polling")
struct RedisReplyPollingTests {
    @Test func theSocketFoundIsTheChannelsOwn() async throws {
        try await withServer { server async throws in
            let connection = try await RedisConnection.connect(to: try RedisURL(parsing: server.url()), options: testOptions())
            defer { Task { await connection.close() } }
            let descriptor = try #require(RedisSocketDescriptor.find(local: connection.channel.localAddress, remote: connection.channel.remoteAddress))
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let status = withUnsafeMutablePointer(to: &peer) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
            }
            #expect(status == 0)
            #expect(Int(UInt16(bigEndian: peer.sin_port)) == server.port)
            var local = sockaddr_in()
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &local) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            #expect(Int(UInt16(bigEndian: local.sin_port)) == connection.channel.localAddress?.port)
        }
    }

    @Test func byDefaultAConnectionPolls() async throws {
        try await withServer { server async throws in
            let connection = try await RedisConnection.connect(to: try RedisURL(parsing: server.url()), options: RedisOptions())
            // From a task on the connection's loop: polled for.
            let pong = try await withTaskExecutorPreference(connection.taskExecutor) { () async throws in
                try await connection.send([Array("PING".utf8)]).string
            }
            #expect(pong == "PONG")
            let polls = try #require(await connection.replyPolls())
            #expect(polls.hits + polls.misses == 1)
            // From a thread of the global pool: the reply wakes that thread anyway, no poll.
            #expect(try await connection.send([Array("PING".utf8)]).string == "PONG")
            let after = try #require(await connection.replyPolls())
            #expect(after.hits + after.misses == 1)
            await connection.close()
        }
    }

    @Test func pollingConnectionsAnswerEveryCommandAndBlockingOnesStillWait() async throws {
        try await withServer { server async throws in
            var options = testOptions()
            // Generous, so that a loaded test machine still sees replies within it.
            options.replyPolling = .milliseconds(50)
            let connection = try await RedisConnection.connect(to: try RedisURL(parsing: server.url()), options: options)
            try await withTaskExecutorPreference(connection.taskExecutor) { () async throws in
                for index in 0..<300 {
                    let reply = try await connection.send([Array("LPUSH".utf8), Array("polled".utf8), Array(String(index).utf8)])
                    #expect(reply.int == Int64(index + 1))
                }
            }
            let polls = try #require(await connection.replyPolls())
            #expect(polls.hits > 0)
            #expect(polls.hits + polls.misses <= 300)
            // A blocking pop is not polled for: it waits for its element as before.
            let popper = try await RedisConnection.connect(to: try RedisURL(parsing: server.url()), options: options)
            async let popped = popper.sendWithoutTimeout(RedisCommand(["BRPOP", "empty-list", "0"]))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await connection.send(["LPUSH", "empty-list", "late"]).int == 1)
            #expect(try await popped.array?.last?.string == "late")
            #expect(await popper.replyPolls()?.misses == 0)
            await popper.close()
            await connection.close()
        }
    }

    @Test func concurrentCommandsOnAPollingConnectionAreAllAnswered() async throws {
        try await withServer { server async throws in
            var options = testOptions()
            options.replyPolling = .milliseconds(50)
            let connection = try await RedisConnection.connect(to: try RedisURL(parsing: server.url()), options: options)
            let replies = await withTaskGroup(of: Int64?.self) { group in
                for index in 0..<200 {
                    group.addTask(executorPreference: connection.taskExecutor) { try? await connection.send([Array("INCR".utf8), Array("counter-\(index % 4)".utf8)]).int }
                }
                var all: [Int64?] = []
                for await reply in group { all.append(reply) }
                return all
            }
            #expect(replies.count == 200)
            #expect(!replies.contains(nil))
            let totals = await connection.pipeline((0..<4).map { RedisCommand(["GET", "counter-\($0)"]) })
            #expect(totals.map { try? $0.get().string } == ["50", "50", "50", "50"])
            await connection.close()
        }
    }

    @Test func withoutTheOptionNothingPolls() async throws {
        try await withServer { server async throws in
            var options = testOptions()
            options.replyPolling = nil
            let connection = try await RedisConnection.connect(to: try RedisURL(parsing: server.url()), options: options)
            let pong = try await withTaskExecutorPreference(connection.taskExecutor) { () async throws in
                try await connection.send([Array("PING".utf8)]).string
            }
            #expect(pong == "PONG")
            #expect(await connection.replyPolls() == nil)
            await connection.close()
        }
    }

    @Test func aMissTurnsPollingOffForTwiceAsManyCommandsEachTime() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]); close(pair[1]) }
        var spin = RedisReplySpin(budget: 200_000, descriptor: pair[0])
        var decisions: [Bool] = []
        func decide() { decisions.append(spin.shouldPoll()) }
        // Nothing to read: the poll gives up and the next command is not polled for.
        decide()
        decide()  // one poll at a time
        let first = spin.poll()
        decide()
        decide()
        let second = spin.poll()
        // Two skipped after the second miss.
        decide()
        decide()
        decide()
        #expect(decisions == [true, false, false, true, false, false, true])
        #expect(!first && !second)
        // A reply waiting: found, and the penalty starts over.
        #expect(write(pair[1], "+OK\r\n", 5) == 5)
        let third = spin.poll()
        decisions = []
        decide()
        let fourth = spin.poll()
        #expect(third && fourth)
        #expect(decisions == [true])
        #expect(spin.hits == 2)
        #expect(spin.misses == 2)
    }
}
