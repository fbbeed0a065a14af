import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// The `celeriac` command: a Celery-compatible task queue's broker, worker, console and admin
/// verbs in one binary. The process starts in `CeleriacEntry`, which installs the event-loop
/// executor first.
struct Celeriac: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "celeriac",
        abstract: "A Celery-compatible task queue: broker, worker, console and admin CLI.",
        discussion: """
            Celeriac speaks Celery 5's wire protocol (task protocol v2 over Redis), so Python \
            Celery clients, workers and tools share a cluster with it.
            """,
        version: CeleriacVersion.current,
        subcommands: [
            BrokerCommand.self, CallCommand.self, ResultCommand.self, InspectCommand.self, ControlVerb.self,
            EventsCommand.self, PurgeCommand.self, QueuesCommand.self, FailuresCommand.self, RetryCommand.self,
            WorkerCommand.self, ConsoleCommand.self, AuditCommand.self, DemoCommand.self, RuntimeCheckCommand.self,
        ]
    )

    /// Runs the command, mapping usage errors to exit status 2 (as Celery's CLI and the
    /// project's conventions say) instead of argument-parser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure || code.rawValue == 64 {
                FileHandleOutput.standardError(fullMessage(for: error))
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
