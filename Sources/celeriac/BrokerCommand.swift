import ArgumentParser
import CeleriacBroker
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// `celeriac broker`: the bundled Redis-protocol broker.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the bundled Redis-protocol broker (Celery, redis-cli and redis-benchmark work against it).",
        discussion: """
            The log is Redis's append-only format: to move to a real Redis, copy appendonly.aof \
            into redis-server's appendonlydir/ as appendonly.aof.1.incr.aof with a manifest (see the README).
            """
    )

    @Option(help: "TCP port.") var port: Int = 6379
    @Option(help: "Address to listen on. A non-loopback address needs --requirepass or --protected-mode no.")
    var bind: String = "127.0.0.1"
    @Option(help: "Folder of the append-only log (created if missing).") var dir: String = BrokerConfiguration.defaultDirectory
    @Option(help: "fsync policy of the log: always, everysec or no.") var appendfsync: String = "everysec"
    @Option(help: "Keep an append-only log: yes or no.") var appendonly: String = "yes"
    @Option(help: "Password clients must send with AUTH.") var requirepass: String?
    @Option(name: .customLong("protected-mode"), help: "Refuse a non-loopback bind without a password: yes or no.")
    var protectedMode: String = "yes"
    @Option(help: "Most simultaneous clients.") var maxclients: Int = 10_000
    @Option(help: "Memory limit for writes (noeviction), e.g. 100mb, 1gb; 0 = none.") var maxmemory: String = "0"
    @Option(help: "Compact the log once it is this large and twice its last compacted size (e.g. 64mb).")
    var rewriteMinSize: String = "64mb"
    @Option(help: "Pub/sub output-buffer hard limit per subscriber (e.g. 32mb).")
    var pubsubOutputLimit: String = "32mb"
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var loglevel: String = "info"

    func makeConfiguration() throws -> BrokerConfiguration {
        var configuration = BrokerConfiguration()
        configuration.port = port
        configuration.host = bind
        configuration.directory = dir
        guard let policy = FsyncPolicy(rawValue: appendfsync) else {
            throw ValidationError("--appendfsync must be always, everysec or no (got '\(appendfsync)')")
        }
        configuration.fsync = policy
        configuration.appendOnly = try Self.yesNo(appendonly, option: "--appendonly")
        configuration.password = requirepass
        configuration.protectedMode = try Self.yesNo(protectedMode, option: "--protected-mode")
        configuration.maxClients = maxclients
        guard let memory = ByteSize.parse(maxmemory) else {
            throw ValidationError("--maxmemory must be a size such as 1048576, 100mb or 1gb (got '\(maxmemory)')")
        }
        configuration.maxMemory = memory
        guard let rewrite = ByteSize.parse(rewriteMinSize) else {
            throw ValidationError("--rewrite-min-size must be a size such as 64mb (got '\(rewriteMinSize)')")
        }
        configuration.rewriteMinSize = rewrite
        guard let hard = ByteSize.parse(pubsubOutputLimit), hard > 0 else {
            throw ValidationError("--pubsub-output-limit must be a size such as 32mb (got '\(pubsubOutputLimit)')")
        }
        configuration.pubsubHardLimit = hard
        configuration.pubsubSoftLimit = min(configuration.pubsubSoftLimit, hard)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return configuration
    }

    static func yesNo(_ text: String, option: String) throws -> Bool {
        switch text.lowercased() {
        case "yes": return true
        case "no": return false
        default: throw ValidationError("\(option) must be yes or no (got '\(text)')")
        }
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        guard let level = Logger.Level(rawValue: loglevel.lowercased()) else {
            throw ValidationError("--loglevel must be one of trace, debug, info, notice, warning, error, critical (got '\(loglevel)')")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "celeriac.broker")
        let server = BrokerServer(configuration: configuration, logger: logger)
        // The group starts the server itself, after it has set up its signal handling: a
        // SIGTERM that arrives as soon as the port is open is then a graceful shutdown too.
        // SHUTDOWN ends the server's run() normally: that ends the group too, without an error.
        let service = ServiceGroupConfiguration.ServiceConfiguration(
            service: server, successTerminationBehavior: .gracefullyShutdownGroup)
        var groupLogger = logger
        groupLogger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(
            services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: groupLogger))
        do {
            try await group.run()
        } catch {
            if let failure = server.startFailure {
                FileHandleOutput.standardError("celeriac broker: \(failure.description)")
                throw ExitCode(1)
            }
            throw error
        }
    }
}
