#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Who is acting: the operating-system user and the host, for the audit list.
public struct OperatorIdentity: Sendable, Hashable {
    /// The user name.
    public var user: String
    /// The host name.
    public var host: String

    /// An identity.
    public init(user: String, host: String) {
        self.user = user
        self.host = host
    }

    /// The user running this process (`$USER`, `$LOGNAME`, then the password database) on
    /// this host.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> OperatorIdentity {
        var user = environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["LOGNAME"].flatMap { $0.isEmpty ? nil : $0 }
        if user == nil, let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
            user = String(cString: name)
        }
        return OperatorIdentity(user: user ?? "uid\(getuid())", host: ProcessInfo.processInfo.hostName)
    }

    /// `user@host`.
    public var description: String { "\(user)@\(host)" }

    /// A record of an action this operator took at `timestamp`.
    public func record(action: String, target: String, outcome: String, at timestamp: Double) -> AuditRecord {
        AuditRecord(timestamp: timestamp, user: user, host: host, action: action, target: target, outcome: outcome)
    }
}
