import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns NIO's connect and I/O errors into the short phrases a user expects
/// ("connection refused"), for messages such as "cannot reach redis://host:6379/0: ...".
enum RedisConnectError {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "cannot resolve host '\(error.host)'"
            }
            if let first = error.connectionErrors.first { return describe(first.error) }
            return "no address to connect to for '\(error.host)'"
        case let error as IOError:
            return describe(errno: error.errnoCode)
        case let error as ChannelError:
            switch error {
            case .connectTimeout(let amount):
                return "no answer within \(Double(amount.nanoseconds) / 1e9) s (connect timeout)"
            case .ioOnClosedChannel, .alreadyClosed, .eof:
                return "connection closed"
            default:
                return "\(error)"
            }
        default:
            return "\(error)"
        }
    }

    static func describe(errno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset by peer"
        case EPIPE: return "broken pipe"
        case ENOENT: return "no such socket file"
        case ETIMEDOUT: return "connection timed out"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        case EACCES: return "permission denied"
        default: return String(cString: strerror(code))
        }
    }
}
