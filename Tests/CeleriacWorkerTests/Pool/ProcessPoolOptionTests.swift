import CeleriacTestSupport
import Foundation
import Testing

/// The process pool's options on the command line: what cannot work is refused with one line
/// naming the option and exit status 2, as every other worker option is.
@Suite("process pool options")
struct ProcessPoolOptionTests {
    @Test(arguments: [
        (["--pool", "process", "--max-tasks-per-child", "0"], "--max-tasks-per-child"),
        (["--pool", "process", "--max-memory-per-child", "0"], "--max-memory-per-child"),
        (["--pool", "process", "--autoscale", "1,3"], "--autoscale"),
        (["--pool", "process", "--autoscale", "four"], "--autoscale"),
        (["--max-tasks-per-child", "10"], "--max-tasks-per-child"),
        (["--autoscale", "4,1"], "--autoscale"),
        (["--pool", "gevent"], "--pool"),
        (["--pool", "threads", "--max-tasks-per-child", "5"], "--max-tasks-per-child"),
    ])
    func badPoolOptionsExitTwoWithOneLineNamingTheOption(arguments: [String], option: String) async throws {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["worker"] + arguments, timeout: 30)
        #expect(output.status == 2)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(output.stderr.contains(option), "\(output.stderr)")
    }
}
