import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP connection for byte-exact protocol tests (what is sent and received,
/// not what a client library makes of it). Reads give up after 20 s so a broken server fails
/// the test instead of hanging it.
final class RawConnection {
    struct Failure: Error, CustomStringConvertible { var description: String }

    private let fd: Int32
    private var received: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to \(port): \(errno)")
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed: \(errno)") }
            offset += n
        }
    }

    /// One RESP command as an array of bulk strings.
    static func command(_ args: [String]) -> String {
        "*\(args.count)\r\n" + args.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }

    func send(command args: String...) throws { try send(Self.command(args)) }

    /// Reads until `count` bytes have arrived (or the peer closed); returns them as text.
    func receive(count: Int) throws -> String {
        while received.count < count {
            guard try fill() else { break }
        }
        let take = min(count, received.count)
        let text = String(decoding: received[..<take], as: UTF8.self)
        received.removeFirst(take)
        return text
    }

    /// Reads exactly as many bytes as `expected` has, to compare them with it.
    func receive(like expected: String) throws -> String { try receive(count: expected.utf8.count) }

    /// Reads until `marker` has arrived; returns everything up to and including it.
    func receive(until marker: String) throws -> String {
        let needle = Array(marker.utf8)
        while true {
            if let range = firstRange(of: needle) {
                let text = String(decoding: received[..<range], as: UTF8.self)
                received.removeFirst(range)
                return text
            }
            guard try fill() else { return String(decoding: received, as: UTF8.self) }
        }
    }

    private func firstRange(of needle: [UInt8]) -> Int? {
        guard received.count >= needle.count else { return nil }
        for start in 0...(received.count - needle.count) where received[start] == needle[0] {
            if Array(received[start..<(start + needle.count)]) == needle { return start + needle.count }
        }
        return nil
    }

    /// Reads everything until the server closes the connection.
    func receiveUntilClosed() throws -> String {
        while try fill() {}
        defer { received.removeAll() }
        return String(decoding: received, as: UTF8.self)
    }

    /// Reads one chunk; false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 {
            if errno == ECONNRESET { return false }
            throw Failure(description: "recv failed or timed out: \(errno)")
        }
        if n == 0 { return false }
        received.append(contentsOf: chunk[..<n])
        return true
    }
}
