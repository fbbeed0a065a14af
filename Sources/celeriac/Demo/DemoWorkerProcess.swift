import CeleriacWorker
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// A `celeriac worker` child of the demo: the same binary, its own process (group), pid and
/// log file, and a lifeline — the read end of a pipe whose only write end the demo holds. When
/// the demo ends in any way, even `kill -9`, the pipe closes and the worker shuts down, so no
/// orphan is left. (`PR_SET_PDEATHSIG` is tied to the thread that forked, and Swift's pool
/// threads come and go; a pipe is tied to the process.)
final class DemoWorkerProcess: Sendable {
    /// The file descriptor the child finds its lifeline on.
    static let lifelineDescriptor: Int32 = 3

    let name: String
    let logFile: String
    let process: SpawnedProcess

    /// Starts `executable worker <arguments>` with the lifeline `lifeline` (a pipe's read end)
    /// on descriptor 3.
    init(name: String, executable: String, arguments: [String], lifeline: Int32, logFile: String) throws {
        self.name = name
        self.logFile = logFile
        do {
            process = try SpawnedProcess(executable, ["worker"] + arguments, output: logFile,
                                         descriptors: [Self.lifelineDescriptor: lifeline])
        } catch {
            throw CLIFailure("cannot start worker \(name): \(error)")
        }
    }

    /// The exit status once the child has ended, or nil while it runs.
    var exitStatus: Int32? { process.exitStatus }

    /// Warm shutdown (SIGTERM), then SIGKILL if it has not ended within `grace` seconds.
    func stop(grace: Double) async {
        process.signal(SIGTERM)
        if await process.waitAsync(timeout: grace) == nil {
            process.signalGroup(SIGKILL)
            await process.waitAsync(timeout: 5)
        }
    }
}
