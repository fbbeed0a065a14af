import Celeriac
import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Worker {
    /// Keeps the original message of a task that failed for good, was not registered, or could
    /// not be decoded, in the broker's failure store, so an operator can retry exactly what
    /// failed. A store error is logged: the failure itself is already reported.
    nonisolated func recordFailure(raw: [UInt8], taskID: String, name: String, queue: String, reason: FailureReason,
                                   exception: String, traceback: String) async
    {
        let record = FailureRecord(taskID: taskID, name: name, queue: queue, reason: reason, exception: exception,
                                   traceback: traceback, worker: nodename, timestamp: Self.now(), envelope: raw)
        do {
            try await failures.record(record)
        } catch {
            logger.error("\(name)[\(taskID)] not kept in the failure store: \(error)")
        }
    }
}
