#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CeleriacRESP
import NIOCore

/// A minimal blocking RESP client over a plain socket, for comparing the engine with a real
/// redis-server in tests. One request, one reply; no pipelining, no pushes.
final class RawRESPClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private var buffer = ByteBuffer()
    private let parser = RESPParser()

    init(port: Int) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect to port \(port) failed")
        }
    }

    deinit { close(fd) }

    /// Sends a command and reads one reply.
    func call(_ args: [[UInt8]]) throws -> RESPValue {
        var out = ByteBuffer()
        out.writeRESPCommand(args)
        let bytes = Array(out.readableBytesView)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw Failure(description: "send failed") }
            sent += written
        }
        while true {
            if let value = try parser.parse(&buffer) { return value }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard received > 0 else { throw Failure(description: "connection closed") }
            buffer.writeBytes(chunk[0..<received])
        }
    }

    func call(_ args: String...) throws -> RESPValue {
        try call(args.map { Array($0.utf8) })
    }
}
