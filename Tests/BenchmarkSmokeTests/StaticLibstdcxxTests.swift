import CeleriacTestSupport
import Foundation
import Testing

/// The linker script release links of `celeriac` search first (Package.swift, issue #6): with its
/// folder on the library path, `-lstdc++` links libstdc++'s static archive, and the program no
/// longer needs libstdc++.so.6. Checked on a small C++ program linked the way the release link
/// runs (clang with lld), beside the same program linked without the folder.
@Suite("static libstdc++ linker script")
struct StaticLibstdcxxTests {
    static let folder = ProjectPaths.root.appendingPathComponent("Benchmarks/layout/static-libstdc++")

    /// Links `main.cpp` (a std::string) with clang++ and lld, runs it, and returns its NEEDED entries.
    static func link(in work: URL, extraArguments: [String]) async throws -> [String] {
        let clang = try #require(ProjectPaths.which("clang++"), "clang++ is not on PATH")
        let readelf = try #require(ProjectPaths.which("readelf"), "readelf is not on PATH")
        let source = work.appendingPathComponent("main.cpp")
        try """
        #include <cstdio>
        #include <string>
        int main(int argc, char **argv) { std::string text(argv[0]); text += "!"; std::printf("%zu\\n", text.size()); return 0; }
        """.write(to: source, atomically: true, encoding: .utf8)
        let program = work.appendingPathComponent("program-\(extraArguments.count)")
        let built = try await ProcessRunner.run(clang, ["-fuse-ld=lld"] + extraArguments + [source.path, "-o", program.path], timeout: 120)
        #expect(built.status == 0, "clang++ failed: \(built.stderr)")
        let ran = try await ProcessRunner.run(program, [], timeout: 30)
        #expect(ran.status == 0, "the linked program failed: \(ran.stderr)")
        #expect(Int(ran.stdout.split(separator: "\n").first ?? "") ?? 0 > 1, "unexpected output: \(ran.stdout)")
        let dynamic = try await ProcessRunner.run(readelf, ["-d", program.path], timeout: 30)
        return dynamic.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }.map(String.init)
    }

    @Test("with the script's folder first, a C++ program links libstdc++ statically")
    func linksTheArchive() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("static-cxx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let plain = try await Self.link(in: work, extraArguments: [])
        #expect(plain.contains { $0.contains("libstdc++") }, "the control link should need libstdc++.so: \(plain)")
        let scripted = try await Self.link(in: work, extraArguments: ["-L", Self.folder.path])
        #expect(!scripted.isEmpty)
        #expect(!scripted.contains { $0.contains("libstdc++") }, "still needs the shared library: \(scripted)")
    }
}
