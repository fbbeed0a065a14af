import CeleriacConsole
import CeleriacWorker
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs an alert rule's `run` command when the alert starts firing: `/bin/sh -c COMMAND` with
/// the alert in its environment and its output discarded (it must not draw over the console).
/// Commands still running when the console quits are stopped with it.
final class AlertCommandRunner {
    private var running: [SpawnedProcess] = []

    /// Starts the rule's command; returns why it could not start, for the console's notices.
    func run(_ rule: AlertRule, _ alert: FiringAlert) -> String? {
        guard let command = rule.command else { return nil }
        running.removeAll { !$0.isRunning }
        let environment = ["CELERIAC_ALERT": rule.name, "CELERIAC_ALERT_SUBJECT": alert.subject,
                           "CELERIAC_ALERT_MESSAGE": alert.message]
        do {
            running.append(try SpawnedProcess("/bin/sh", ["-c", command], environment: environment))
            return nil
        } catch {
            return "alert \(rule.name): cannot run its command: \(error)"
        }
    }
}
