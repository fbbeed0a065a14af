import CeleriacBrokerCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// What CONFIG SET changes in the server: the log's fsync policy, switching the log on and
/// off, the connection limit (read from the engine's configuration when a client connects).
extension BrokerServer {
    static func engineConfiguration(_ configuration: BrokerConfiguration) -> BrokerEngine.Configuration {
        BrokerEngine.Configuration(
            password: configuration.password, maxMemory: configuration.maxMemory, port: configuration.port,
            bind: configuration.host, maxClients: configuration.maxClients, appendOnly: configuration.appendOnly,
            appendFsync: configuration.fsync.rawValue)
    }

    /// Opens the log file at the configured path and makes it the engine's sink (on the loop).
    /// With `awaitingFirstRewrite` the file is left alone until a compaction replaces it.
    func attachLog(policy: FsyncPolicy, awaitingFirstRewrite: Bool = false) throws(BrokerError) {
        let file = try AppendOnlyFile(
            path: configuration.appendOnlyPath, policy: policy, loop: loop, pool: pool,
            logger: logger, rewriteMinSize: configuration.rewriteMinSize, awaitingFirstRewrite: awaitingFirstRewrite)
        file.snapshot = { [unowned self] in
            let records = self.engine.rewrite()
            self.engine.appendOnlyLogDidRotate()
            return records
        }
        file.stateDidChange = { [unowned self] in self.updatePersistenceInfo() }
        appendOnlyFile = file
        engine.appendOnlySink = file
        engine.appendOnlyLogDidRotate()
        updatePersistenceInfo()
    }

    /// Applies a CONFIG SET (the engine's hook, on the loop); nil when it took effect.
    func apply(previous: BrokerEngine.Configuration) -> (parameter: String, reason: String)? {
        let current = engine.configuration
        let policy = FsyncPolicy(rawValue: current.appendFsync) ?? .everysec
        if current.appendOnly != previous.appendOnly {
            if current.appendOnly {
                if let reason = enableLog(policy: policy) { return ("appendonly", reason) }
            } else {
                disableLog()
            }
        }
        appendOnlyFile?.policy = policy
        return nil
    }

    /// `CONFIG SET appendonly yes`: as Redis does, the log starts from a snapshot of the
    /// dataset, written by a compaction that replaces whatever old file is there, and records
    /// every change from then on. Until that compaction lands the old file is left whole and
    /// the changes are kept for the new one (see ``AppendOnlyFile/awaitingFirstRewrite``);
    /// a failed compaction is retried and reported by INFO persistence.
    private func enableLog(policy: FsyncPolicy) -> String? {
        do {
            try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        } catch {
            return "cannot create the folder \(configuration.directory): \(FileErrorText.describe(error))"
        }
        do {
            try attachLog(policy: policy, awaitingFirstRewrite: true)
        } catch {
            return error.description
        }
        appendOnlyFile?.startRewrite()
        logger.info("append-only log switched on (\(configuration.appendOnlyPath))")
        return nil
    }

    /// `CONFIG SET appendonly no`: writes and syncs what is pending, then closes the log.
    private func disableLog() {
        guard let file = appendOnlyFile else { return }
        file.closeLog(keepingDataset: false)
        appendOnlyFile = nil
        engine.appendOnlySink = nil
        engine.persistenceFailure = nil
        engine.persistenceInfo = []
        logger.info("append-only log switched off")
    }
}
