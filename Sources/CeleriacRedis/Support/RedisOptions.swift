import CeleriacRESP
import Logging

/// How a client connects and how long it waits.
public struct RedisOptions: Sendable {
    /// How long a TCP or Unix-socket connect may take.
    public var connectTimeout: Duration
    /// How long any one command may wait for its reply. After a timeout the connection is
    /// closed, because the order of the replies still to come is no longer known.
    public var commandTimeout: Duration
    /// Added to a blocking command's own block time (BRPOP's timeout) to get its deadline.
    /// nil (the default) waits for a blocking pop's reply as long as the connection lives, as
    /// redis-py does: giving up on a pop the server has already served loses that element,
    /// since it goes to a connection that is then closed. Dead peers are found by TCP
    /// keepalive.
    public var blockingTimeoutMargin: Duration?
    /// How many connections ``RedisClient`` keeps for ordinary commands.
    public var poolSize: Int
    /// The delays between reconnect attempts.
    public var backoff: RedisBackoff
    /// Where connection events go: one line per failed connect attempt, reconnects, closes.
    public var logger: Logger
    /// Sent as `CLIENT SETNAME` (through `HELLO ... SETNAME`), shown by `CLIENT LIST`.
    public var clientName: String?
    /// How often a ``RedisSubscriber`` pings its otherwise silent connection, so that a dead
    /// peer is noticed (the PING times out, the connection is replaced) instead of waiting
    /// for TCP keepalive. nil turns the checks off.
    public var healthCheckInterval: Duration?
    /// The protocol to ask for. `.v3` sends `HELLO 3` and falls back to RESP2 when the server
    /// does not know HELLO; `.v2` never sends HELLO.
    public var protocolVersion: RESPVersion

    public init(
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration = .seconds(10),
        blockingTimeoutMargin: Duration? = nil,
        poolSize: Int = 4,
        backoff: RedisBackoff = RedisBackoff(),
        logger: Logger = Logger(label: "celeriac.redis"),
        clientName: String? = nil,
        protocolVersion: RESPVersion = .v3,
        healthCheckInterval: Duration? = .seconds(25)
    ) {
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.blockingTimeoutMargin = blockingTimeoutMargin
        self.poolSize = max(1, poolSize)
        self.backoff = backoff
        self.logger = logger
        self.clientName = clientName
        self.protocolVersion = protocolVersion
        self.healthCheckInterval = healthCheckInterval
    }
}
