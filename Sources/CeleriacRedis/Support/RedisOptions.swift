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
    /// How long the event loop may poll a TCP socket for the reply to a command sent by a
    /// caller running on that loop (the event-loop executor, a pinned connection,
    /// `withSendLoop`, a worker's batch runner), alone in flight when it was written (or written
    /// in the same loop tick as such a one), before it sleeps until the reply wakes it. Blocking
    /// commands, pipelines, pub/sub and callers on other threads never poll; nil turns it off.
    ///
    /// An awaited send loop otherwise sleeps and is woken once per reply; on an idle machine
    /// (a virtual one above all) a sleeping CPU halts, and waking it costs tens of
    /// microseconds. Polling keeps it awake for the reply: client CPU traded for that wake-up.
    /// A poll that finds nothing within the budget (a remote or loaded server, or a server
    /// that shares this CPU) turns polling off for the next command, then 2, 4, ... up to
    /// 1,024, until a poll finds its reply again.
    public var replyPolling: Duration?

    public init(
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration = .seconds(10),
        blockingTimeoutMargin: Duration? = nil,
        poolSize: Int = 4,
        backoff: RedisBackoff = RedisBackoff(),
        logger: Logger = Logger(label: "celeriac.redis"),
        clientName: String? = nil,
        protocolVersion: RESPVersion = .v3,
        healthCheckInterval: Duration? = .seconds(25),
        replyPolling: Duration? = .microseconds(50)
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
        self.replyPolling = replyPolling
    }
}
