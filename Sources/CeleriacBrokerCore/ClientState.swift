import CeleriacRESP
import OrderedCollections

/// Identifies a connection to the engine. Ids are assigned by ``BrokerEngine/addClient(address:)``
/// from 1 upwards and never reused, like Redis's `CLIENT ID`.
public typealias ClientID = Int64

/// Everything the engine knows about one connection. Owned by the engine; the server reads it
/// through ``BrokerEngine/client(_:)`` (for the protocol version to encode replies with).
public final class ClientState {
    public let id: ClientID
    /// `ip:port` of the peer, for `CLIENT LIST` and `MONITOR`.
    public var address: String
    /// Negotiated with `HELLO`; every connection starts in RESP2.
    public internal(set) var protocolVersion: RESPVersion = .v2
    /// Selected database (0-15).
    public internal(set) var db: Int = 0
    /// `CLIENT SETNAME`.
    public internal(set) var name: [UInt8]?
    /// False until AUTH/HELLO AUTH succeeds when the engine has a password.
    public internal(set) var authenticated: Bool
    /// `CLIENT SETINFO lib-name` / `lib-ver`.
    public internal(set) var libraryName: String = ""
    public internal(set) var libraryVersion: String = ""
    /// Microseconds since the epoch at connect time and at the last command.
    public internal(set) var createdAt: Int64
    public internal(set) var lastCommandAt: Int64
    /// Name of the last command run, for `CLIENT LIST`.
    public var lastCommand: String { lastCommandSpec?.name ?? "NULL" }
    /// The last command run. Kept as the table's entry rather than its name so that the
    /// dispatcher can skip the store (a retain and a release) when a pipeline repeats one command.
    var lastCommandSpec: CommandSpec?

    /// Channels and patterns this client is subscribed to, in subscription order.
    public internal(set) var channels: OrderedSet<[UInt8]> = []
    public internal(set) var patterns: OrderedSet<[UInt8]> = []

    /// Inside MULTI: the queued commands, and whether one was refused at queue time.
    var multiQueue: [[[UInt8]]]?
    var multiFailed = false
    /// WATCHed keys (db, key), whether each was already logically expired when watched, and
    /// whether one of them was touched since.
    var watched: [WatchedKey] = []
    var watchDirty = false

    /// Set while the client is parked in a blocking command.
    var blocked: BlockedState?
    /// `MONITOR` clients get a feed of every command.
    public internal(set) var isMonitor = false
    /// Set by a script run so nested calls know they are inside a script.
    var isScriptClient = false
    /// Set once the idle `timeout` asked the server to close this client.
    var timedOut = false
    /// False once ``BrokerEngine/removeClient(_:)`` forgot the connection.
    var isRegistered = true

    init(id: ClientID, address: String, authenticated: Bool, now: Int64) {
        self.id = id
        self.address = address
        self.authenticated = authenticated
        createdAt = now
        lastCommandAt = now
    }

    /// Number of channel and pattern subscriptions.
    public var subscriptionCount: Int { channels.count + patterns.count }

    /// Whether the client is blocked in BLPOP/BRPOP/BLMOVE/BRPOPLPUSH.
    public var isBlocked: Bool { blocked != nil }

    /// Whether the client is between MULTI and EXEC.
    public var inTransaction: Bool { multiQueue != nil }
}

/// A key a client WATCHes.
struct WatchedKey {
    var db: Int
    var key: [UInt8]
    var expiredWhenWatched: Bool
}
