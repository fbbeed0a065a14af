import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// What an application holds: its configuration, the broker transport, the result backend,
/// and the producer. Create one per process and share it.
public final class App: Sendable {
    /// The settings.
    public let configuration: Configuration
    /// The broker transport (producer side, ack and restore).
    public let transport: KombuTransport
    /// The result backend.
    public let results: ResultBackend
    /// Where diagnostics go.
    public let logger: Logger
    /// The event publisher (used for `task-sent` when `task_send_sent_event` is on).
    public let events: EventPublisher
    /// `gen<pid>@<host>`, sent as `origin`.
    public let origin: String
    /// The host name events and origins use.
    public let hostname: String
    /// The mailbox clock of this app's remote-control clients.
    public let mailboxClock = MailboxClock()
    /// This process's reply oid, sent as `reply_to` (Celery's `app.thread_oid`).
    public let replyOID: String

    /// An app for `configuration`. With a failover list, the first broker that answers PING
    /// is used (each is tried in turn), and a broker lost later is failed over from in the
    /// same order; nothing connects when there is only one.
    public init(configuration: Configuration, logger: Logger = Logger(label: "celeriac")) async throws(RedisError) {
        self.configuration = configuration
        self.logger = logger
        let timeout = Duration.milliseconds(Int64(max(0.05, configuration.brokerTimeout) * 1000))
        // The client logs every failed connect attempt; the producer already logs one line per
        // send retry, so the client's lines are kept for debugging only.
        var redisLogger = logger
        if logger.logLevel > .debug { redisLogger.logLevel = .error }
        let options = RedisOptions(connectTimeout: min(timeout, .seconds(5)), commandTimeout: timeout, logger: redisLogger)
        var chosen = configuration.brokerURL
        if configuration.brokerURLs.count > 1 {
            var lastError: RedisError?
            var found = false
            for url in configuration.brokerURLs {
                let probe = RedisClient(url: url, options: RedisOptions(connectTimeout: .seconds(2), logger: logger))
                do {
                    _ = try await probe.ping()
                    chosen = url
                    found = true
                } catch {
                    logger.warning("broker \(url) is unreachable: \(error); trying the next one")
                    lastError = error
                }
                await probe.close()
                if found { break }
            }
            if !found, let lastError { throw lastError }
        }
        // Later connection losses fail over too, on to the next URL after the chosen one.
        let urls = configuration.brokerURLs
        let start = urls.firstIndex(of: chosen) ?? 0
        let endpoints = RedisEndpoints(chosen, alternates: Array(urls[(start + 1)...] + urls[..<start]))
        let broker = RedisClient(endpoints: endpoints, options: options)
        transport = KombuTransport(client: broker, visibilityTimeout: configuration.visibilityTimeout, logger: logger)
        let backendURL = configuration.resultBackendURL ?? chosen
        let backendClient = backendURL == chosen ? broker : RedisClient(url: backendURL, options: options)
        results = ResultBackend(client: backendClient, expires: configuration.resultExpires, transport: transport, logger: logger)
        hostname = ProcessInfo.processInfo.hostName
        replyOID = UUID().uuidString.lowercased()
        let pid = ProcessInfo.processInfo.processIdentifier
        origin = TaskMessageBuilder.anonymousNodename(pid: pid, host: hostname)
        events = EventPublisher(transport: transport,
                                source: CeleryEvent.Source(hostname: origin, utcoffset: LocalUTCOffset.celeryHours(),
                                                           pid: Int(pid)),
                                logger: logger)
    }

    /// The producer that sends tasks through this app.
    public var producer: Producer { Producer(app: self) }

    /// The result of a task id.
    public func result(_ id: String) -> AsyncResult { AsyncResult(id: id, backend: results) }

    /// A remote-control client.
    public func control() -> ControlClient { ControlClient(transport: transport, clock: mailboxClock, logger: logger) }

    /// Closes every connection.
    public func close() async {
        await results.close()
        await transport.client.close()
    }
}
