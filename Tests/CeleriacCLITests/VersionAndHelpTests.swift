import Foundation
import CeleriacTestSupport
import Testing

@Suite("celeriac binary")
struct VersionAndHelpTests {
    @Test func printsVersion() async throws {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["--version"])
        #expect(output.status == 0)
        #expect(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test func helpNamesTheProduct() async throws {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("USAGE: celeriac"))
        #expect(output.stdout.contains("Celery-compatible task queue"))
    }

    @Test func unknownCommandIsAUsageError() async throws {
        let output = try await ProcessRunner.run(ProjectPaths.executable("celeriac"), ["frobnicate"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("Error"))
    }
}
