import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Finds the descriptor of a connected TCP channel, which NIO does not expose: the socket in
/// `/proc/self/fd` whose local and peer addresses are the channel's (a TCP connection's two
/// addresses name it uniquely). Linux only; nil elsewhere or when no socket matches.
enum RedisSocketDescriptor {
    static func find(local: SocketAddress?, remote: SocketAddress?) -> Int32? {
        #if os(Linux)
        guard let local = local.flatMap(key), let remote = remote.flatMap(key) else { return nil }
        guard let folder = opendir("/proc/self/fd") else { return nil }
        defer { closedir(folder) }
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let descriptor = Int32(name) else { continue }
            var status = stat()
            guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK else { continue }
            if address(of: descriptor, peer: false) == local, address(of: descriptor, peer: true) == remote {
                return descriptor
            }
        }
        #endif
        return nil
    }

    /// An IP address and port as comparable bytes (family, port, address).
    private static func key(_ address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4):
            var raw = v4.address
            return bytes(family: AF_INET, port: raw.sin_port, address: &raw.sin_addr)
        case .v6(let v6):
            var raw = v6.address
            return bytes(family: AF_INET6, port: raw.sin6_port, address: &raw.sin6_addr)
        case .unixDomainSocket:
            return nil
        }
    }

    private static func bytes<A>(family: Int32, port: UInt16, address: inout A) -> [UInt8] {
        var result = [UInt8(truncatingIfNeeded: family), UInt8(truncatingIfNeeded: port), UInt8(truncatingIfNeeded: port >> 8)]
        withUnsafeBytes(of: &address) { result.append(contentsOf: $0) }
        return result
    }

    private static func address(of descriptor: Int32, peer: Bool) -> [UInt8]? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                peer ? getpeername(descriptor, $0, &length) : getsockname(descriptor, $0, &length)
            }
        }
        guard status == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    bytes(family: AF_INET, port: $0.pointee.sin_port, address: &$0.pointee.sin_addr)
                }
            }
        case AF_INET6:
            return withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    bytes(family: AF_INET6, port: $0.pointee.sin6_port, address: &$0.pointee.sin6_addr)
                }
            }
        default:
            return nil
        }
    }
}
