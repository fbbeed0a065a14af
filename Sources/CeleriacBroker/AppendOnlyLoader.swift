import CeleriacBrokerCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Replays the log file into a fresh engine at start.
///
/// A truncated last record (a crash mid-write) is dropped with a warning: the file is first
/// copied to `<name>.truncated-<unix time>` and then truncated to its well-formed prefix, so
/// new records follow valid ones and nothing is lost for good. A corrupt log stops the start
/// with ``BrokerError/corruptLog(path:offset:reason:)`` and the file is not touched.
enum AppendOnlyLoader {
    struct Outcome {
        var records: Int
        var bytes: Int
    }

    static func load(path: String, into engine: BrokerEngine, logger: Logger) throws(BrokerError) -> Outcome {
        guard FileManager.default.fileExists(atPath: path) else { return Outcome(records: 0, bytes: 0) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .logFile(path: path, reason: "cannot read: \(FileErrorText.describe(error))")
        }
        let bytes = [UInt8](data)
        let report: ReplayReport
        do {
            report = try engine.replay(bytes)
        } catch {
            throw .corruptLog(path: path, offset: error.offset, reason: error.reason)
        }
        if report.truncatedBytes > 0 {
            let backup = path + ".truncated-\(Int(Date().timeIntervalSince1970))"
            do {
                try data.write(to: URL(fileURLWithPath: backup))
            } catch {
                throw .logFile(path: path, reason: "ends in an incomplete record and a backup copy could not be written to \(backup): \(FileErrorText.describe(error))")
            }
            guard truncate(path, off_t(report.validLength)) == 0 else {
                throw .logFile(path: path, reason: "cannot truncate the incomplete last record: \(String(cString: strerror(errno)))")
            }
            logger.warning(
                "append-only log \(path) ended in an incomplete record: dropped its last \(report.truncatedBytes) bytes (a copy of the original is \(backup)); \(report.recordsApplied) records loaded"
            )
        }
        return Outcome(records: report.recordsApplied, bytes: report.validLength)
    }
}
