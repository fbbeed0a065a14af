import CeleriacWorker
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests, started as a shell would start it (see `SpawnedProcess`): test
/// threads block SIGTERM, and a child started with Foundation's `Process` would inherit that
/// and ignore SIGTERM; a tmux server would keep any pipe it inherited open forever.
public final class ChildProcess: SpawnedProcess, @unchecked Sendable {
    /// Starts `executable` (a path, or a name looked up on `PATH`).
    /// - Parameters:
    ///   - environment: variables added to (or replacing) the current environment.
    ///   - output: a file that receives stdout and stderr; `/dev/null` when nil.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: String? = nil, output: String? = nil, input: String? = nil
    ) throws {
        let path = executable.contains("/") ? executable : (ProjectPaths.which(executable)?.path ?? executable)
        try super.init(path, arguments, environment: environment, directory: directory, input: input, output: output)
    }
}
