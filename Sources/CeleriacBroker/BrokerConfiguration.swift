#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How often the append-only log is flushed to disk, as Redis's `appendfsync`.
public enum FsyncPolicy: String, Sendable, CaseIterable {
    /// Every write is on disk before its reply leaves (group commit per read batch).
    case always
    /// A background fsync once a second: at most about a second of writes lost on a crash.
    case everysec
    /// Leave flushing to the operating system.
    case no
}

/// Everything `celeriac broker` can be told at start.
public struct BrokerConfiguration: Sendable {
    /// Address to listen on; loopback by default.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 picks a free one (``BrokerServer/port`` then tells which).
    public var port: Int = 6379
    /// Folder of the append-only log (created if missing).
    public var directory: String = BrokerConfiguration.defaultDirectory
    /// Whether to keep an append-only log at all.
    public var appendOnly = true
    public var fsync: FsyncPolicy = .everysec
    /// File name of the log inside ``directory``.
    public var appendFilename = "appendonly.aof"
    /// `requirepass`: nil leaves the broker open (loopback only unless protected mode is off).
    public var password: String?
    /// Redis's protected mode: refuse a non-loopback bind without a password.
    public var protectedMode = true
    /// Connections beyond this get `-ERR max number of clients reached`.
    public var maxClients = 10_000
    /// `maxmemory` in bytes with the `noeviction` policy; 0 = no limit.
    public var maxMemory = 0
    /// Output-buffer limits of pub/sub subscribers (Redis's `client-output-buffer-limit pubsub`).
    public var pubsubHardLimit = 32 * 1024 * 1024
    public var pubsubSoftLimit = 8 * 1024 * 1024
    public var pubsubSoftSeconds = 60
    /// The log is compacted when it is larger than this and twice its size after the last
    /// compaction (Redis's `auto-aof-rewrite-min-size`, 64 MB).
    public var rewriteMinSize = 64 * 1024 * 1024
    /// Delay before answering a wrong password, to slow down guessing.
    public var wrongPasswordDelayMilliseconds = 100

    public init() {}

    /// `~/.local/share/celeriac/broker`.
    public static var defaultDirectory: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/.local/share/celeriac/broker"
    }

    /// Full path of the log file.
    public var appendOnlyPath: String { directory + "/" + appendFilename }

    /// Whether `host` names a loopback address.
    public var bindsLoopbackOnly: Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// Checks the combination of options, as Redis's protected mode does.
    public func validate() throws(BrokerError) {
        if protectedMode && password == nil && !bindsLoopbackOnly {
            throw .protectedMode(host: host)
        }
        if maxClients < 1 { throw .invalidOption("--maxclients must be at least 1") }
        if port < 0 || port > 65535 { throw .invalidOption("--port must be between 0 and 65535") }
    }
}
