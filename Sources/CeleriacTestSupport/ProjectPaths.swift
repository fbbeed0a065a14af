import Foundation

/// Where the project's files and built tools are, found from the test binary's location so
/// that any `--scratch-path` works.
public enum ProjectPaths {
    /// The package root (the folder holding `Package.swift`).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The build products folder of the running test binary (for example `.build/debug`).
    public static let products: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("celeriac").path) { return url }
        }
        return root.appendingPathComponent(".build/debug")
    }()

    /// A built executable of this package, such as `celeriac`.
    public static func executable(_ name: String) -> URL { products.appendingPathComponent(name) }

    /// The shared fixtures of real Celery traffic (`../shared/fixtures/celery-5.7`).
    public static var celeryFixtures: URL {
        if let custom = ProcessInfo.processInfo.environment["CELERIAC_FIXTURES"] { return URL(fileURLWithPath: custom) }
        return root.deletingLastPathComponent().appendingPathComponent("shared/fixtures/celery-5.7")
    }

    /// The Python virtualenv with Celery that `scripts/bootstrap.sh --test` creates.
    public static var venv: URL {
        if let custom = ProcessInfo.processInfo.environment["CELERIAC_VENV"] { return URL(fileURLWithPath: custom) }
        return root.appendingPathComponent(".build/venv")
    }

    /// A program of the virtualenv (`python`, `celery`), or nil when the venv is missing.
    public static func venvProgram(_ name: String) -> URL? {
        let url = venv.appendingPathComponent("bin/\(name)")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// The full path of a program on `PATH`, or nil.
    public static func which(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
