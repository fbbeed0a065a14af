/// Why the broker could not start or stopped.
public enum BrokerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidOption(String)
    /// A non-loopback bind without a password while protected mode is on.
    case protectedMode(host: String)
    /// The address could not be bound (port busy, address not local).
    case bindFailed(host: String, port: Int, reason: String)
    /// The log folder or file could not be created, opened or read.
    case logFile(path: String, reason: String)
    /// The log is corrupt (not merely truncated): loading stops and the file is left alone.
    case corruptLog(path: String, offset: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let text): return text
        case .protectedMode(let host):
            return "refusing to listen on \(host) without a password: set --requirepass, bind 127.0.0.1, or pass --protected-mode no"
        case .bindFailed(let host, let port, let reason):
            return "cannot listen on \(host):\(port): \(reason)"
        case .logFile(let path, let reason):
            return "append-only log \(path): \(reason)"
        case .corruptLog(let path, let offset, let reason):
            return "append-only log \(path) is corrupt at byte \(offset) (\(reason)); the file was left untouched. "
                + "To keep everything before the defect, copy the file aside and truncate it to \(offset) bytes "
                + "(truncate -s \(offset) \(path)), or start with --appendonly no."
        }
    }
}
