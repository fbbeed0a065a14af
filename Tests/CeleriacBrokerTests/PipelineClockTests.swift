import CeleriacBroker
import CeleriacTestSupport
import Foundation
import Testing

/// The server reads the clock once per read from a connection: the commands of one pipeline
/// run at one time, and a later read runs at a later time.
@Suite struct PipelineClockTests {
    struct Failure: Error, CustomStringConvertible { var description: String }

    @Test func keyWithOneMillisecondIsReadInItsOwnPipelineAndExpiresAfter() async throws {
        try await withBroker { server in
            let port = server.port
            try await offPool {
                let connection = try RawConnection(port: port)
                // One write, read by the server at once: SET and GET run at one clock reading,
                // however long the loaded machine takes between them.
                try connection.send(RawConnection.command(["SET", "k", "v", "PX", "1"]) + RawConnection.command(["GET", "k"]))
                let replies = try connection.receive(like: "+OK\r\n$1\r\nv\r\n")
                guard replies == "+OK\r\n$1\r\nv\r\n" else { throw Failure(description: "same pipeline: \(replies.debugDescription)") }
                // A later read runs at a later time: the key is gone once a millisecond passed.
                for _ in 0..<500 {
                    try connection.send(command: "GET", "k")
                    let reply = try connection.receive(count: 5)
                    if reply == "$-1\r\n" { return }
                    guard reply == "$1\r\nv", try connection.receive(count: 2) == "\r\n" else {
                        throw Failure(description: "later GET: \(reply.debugDescription)")
                    }
                    Thread.sleep(forTimeInterval: 0.01)
                }
                throw Failure(description: "the key never expired")
            }
        }
    }
}
