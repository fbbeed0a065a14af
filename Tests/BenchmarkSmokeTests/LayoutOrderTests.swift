import CeleriacTestSupport
import Foundation
import Testing

/// The symbol order file release builds link with (Benchmarks/layout, issue #6). lld ignores
/// symbols it does not find, so a stale file only loses effect; these tests catch the file itself
/// going missing, empty or unparsable, and the release flags no longer naming it.
@Suite("release code layout order file")
struct LayoutOrderTests {
    static let script = ProjectPaths.root.appendingPathComponent("Benchmarks/layout/layout.py")
    static let order = ProjectPaths.root.appendingPathComponent("Benchmarks/layout/celeriac.order")

    static func check(_ file: URL) async throws -> ProcessOutput {
        let python = try #require(ProjectPaths.which("python3"), "python3 is not on PATH")
        return try await ProcessRunner.run(python, [script.path, "check", "--order", file.path], timeout: 60)
    }

    @Test("the committed order file parses and lists the worker's own functions")
    func committedOrderParses() async throws {
        let output = try await Self.check(Self.order)
        #expect(output.status == 0, "\(output.stderr)")
        let count = Int(output.stdout.split(separator: " ").first ?? "") ?? 0
        #expect(count > 100, "only \(count) symbols: \(output.stdout)")
        let text = try String(contentsOf: Self.order, encoding: .utf8)
        // Mangled Swift names of the worker module and of NIO's event loop, which every idle worker runs.
        #expect(text.contains("14CeleriacWorker"))
        #expect(text.contains("8NIOPosix"))
    }

    @Test("the check refuses an empty file and a line that is not one symbol")
    func checkRefusesBadFiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.order")
        try "# only a comment\n\n".write(to: empty, atomically: true, encoding: .utf8)
        let emptyRun = try await Self.check(empty)
        #expect(emptyRun.status != 0)
        let spaced = folder.appendingPathComponent("spaced.order")
        try "$s4main3fooyyF\nnot one symbol\n".write(to: spaced, atomically: true, encoding: .utf8)
        let spacedRun = try await Self.check(spaced)
        #expect(spacedRun.status != 0)
        let missingRun = try await Self.check(folder.appendingPathComponent("missing.order"))
        #expect(missingRun.status != 0)
    }

    @Test("the Makefile's release flags link with the order file")
    func releaseFlagsNameTheOrderFile() throws {
        let makefile = try String(contentsOf: ProjectPaths.root.appendingPathComponent("Makefile"), encoding: .utf8)
        let release = makefile.split(separator: "\n").filter { $0.hasPrefix("RELEASE") || $0.hasPrefix("LAYOUT") }.joined(separator: "\n")
        #expect(release.contains("Benchmarks/layout/celeriac.order"))
        #expect(release.contains("--symbol-ordering-file"))
        #expect(release.contains("-use-ld=lld"))
    }
}
