#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds and loads themes.
///
/// `resolve(option:)` picks the theme the console starts with, first match wins:
/// 1. `--theme NAME|PATH` (the `option` argument),
/// 2. `CELERIAC_THEME=NAME|PATH`,
/// 3. `NO_COLOR` set to anything but the empty string (see no-color.org): `mono`,
/// 4. `default`.
/// An explicit choice beats `NO_COLOR`, as no-color.org asks of user-level configuration.
///
/// A value with a `/` or ending in `.toml` is a path (relative to the current directory).
/// Anything else is a name, looked up as `NAME.toml` in `searchDirectories` in order, then among
/// the built-in copies of the shipped themes. A theme that cannot be loaded falls back to the
/// built-in `default`, and the error (file, line, key) is returned for the status bar.
public struct ThemeLoader: Sendable {
    /// The environment (`CELERIAC_THEME`, `CELERIAC_THEMES_DIR`, `NO_COLOR`).
    public var environment: [String: String]
    /// Where relative paths and `./themes` are resolved.
    public var currentDirectory: String
    /// The running executable, whose install layout gives two more search directories.
    public var executablePath: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                currentDirectory: String = FileManager.default.currentDirectoryPath,
                executablePath: String? = ExecutablePath.current) {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.executablePath = executablePath
    }

    /// Where theme names are looked up, in order: `$CELERIAC_THEMES_DIR`, `./themes`, then
    /// `<executable dir>/../../themes` (a SwiftPM build in a checkout: `.build/debug/celeriac`)
    /// and `<executable dir>/../share/celeriac/themes` (an install under a prefix).
    public var searchDirectories: [String] {
        var directories: [String] = []
        if let custom = environment["CELERIAC_THEMES_DIR"], !custom.isEmpty { directories.append(custom) }
        directories.append(absolute("themes"))
        if let executablePath {
            let folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            directories.append(folder.appendingPathComponent("../../themes").standardizedFileURL.path)
            directories.append(folder.appendingPathComponent("../share/celeriac/themes").standardizedFileURL.path)
        }
        return directories
    }

    /// The names of the themes compiled into the binary.
    public static var builtinNames: [String] { BuiltinThemes.sources.map(\.name) }

    /// The built-in copy of a shipped theme, or nil for an unknown name.
    public static func builtin(_ name: String) -> Theme? {
        guard let source = BuiltinThemes.sources.first(where: { $0.name == name }) else { return nil }
        return try? ThemeLoader(environment: [:], currentDirectory: "/", executablePath: nil)
            .parse(source.text, file: "built-in \(name)", defaultName: name, chain: [])
    }

    /// The built-in `default` theme (the fallback for every failure).
    public static var fallback: Theme { builtin("default") ?? .emergency }

    /// Picks the start-up theme (see the type's documentation); never fails.
    public func resolve(option: String?) -> ThemeResolution {
        let requested: String
        if let option, !option.isEmpty {
            requested = option
        } else if let fromEnvironment = environment["CELERIAC_THEME"], !fromEnvironment.isEmpty {
            requested = fromEnvironment
        } else if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            requested = "mono"
        } else {
            requested = "default"
        }
        do {
            let (theme, source) = try locateAndLoad(requested, relativeTo: currentDirectory, chain: [])
            return ThemeResolution(theme: theme, source: source)
        } catch {
            return ThemeResolution(theme: ThemeLoader.fallback, source: "built-in default", problem: error)
        }
    }

    /// Loads one theme by name or path, or throws what is wrong with it.
    public func load(_ nameOrPath: String) throws(ThemeError) -> Theme {
        try locateAndLoad(nameOrPath, relativeTo: currentDirectory, chain: []).theme
    }

    /// Parses theme text as if it came from `file` (its `inherits` are resolved by this loader).
    public func load(text: String, file: String) throws(ThemeError) -> Theme {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return try parse(text, file: file, defaultName: name, chain: [file])
    }

    private func absolute(_ path: String, relativeTo base: String? = nil) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: base ?? currentDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    private func locateAndLoad(_ reference: String, relativeTo base: String,
                               chain: [String]) throws(ThemeError) -> (theme: Theme, source: String) {
        if reference.contains("/") || reference.hasSuffix(".toml") {
            let path = absolute(reference, relativeTo: base)
            return (try loadFile(path, chain: chain), path)
        }
        for directory in searchDirectories {
            let path = absolute("\(reference).toml", relativeTo: directory)
            // A file already being loaded is skipped, so `light.toml` may say `inherits = "light"`
            // to restyle the built-in light theme instead of looping.
            if chain.contains(path) { continue }
            if FileManager.default.fileExists(atPath: path) { return (try loadFile(path, chain: chain), path) }
        }
        if let source = BuiltinThemes.sources.first(where: { $0.name == reference }) {
            let file = "built-in \(reference)"
            return (try parse(source.text, file: file, defaultName: reference, chain: chain + [file]), file)
        }
        throw ThemeError(.notFound, file: reference, message: "no theme named \"\(reference)\" (looked for "
                         + "\(reference).toml in \(searchDirectories.joined(separator: ", ")); built-in themes are "
                         + ThemeLoader.builtinNames.joined(separator: ", ") + ")")
    }

    private func loadFile(_ path: String, chain: [String]) throws(ThemeError) -> Theme {
        guard !chain.contains(path) else {
            throw ThemeError(.inheritanceCycle, file: path, key: "inherits",
                             message: "themes inherit in a loop: \((chain + [path]).joined(separator: " -> "))")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ThemeError(.notFound, file: path, message: "no such theme file")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(.unreadable, file: path, message: "cannot read the file as UTF-8 text")
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, file: path, defaultName: name, chain: chain + [path])
    }

    fileprivate func parse(_ text: String, file: String, defaultName: String,
                           chain: [String]) throws(ThemeError) -> Theme {
        let folder = file.hasPrefix("/") ? URL(fileURLWithPath: file).deletingLastPathComponent().path : currentDirectory
        let parser = ThemeParser(file: file) { (parent: String) throws(ThemeError) -> Theme in
            if chain.count > 16 {
                throw ThemeError(.inheritanceCycle, file: file, key: "inherits", message: "themes inherit too deeply")
            }
            if chain.contains("built-in \(parent)") {
                throw ThemeError(.inheritanceCycle, file: file, key: "inherits",
                                 message: "themes inherit in a loop: \((chain + ["built-in \(parent)"]).joined(separator: " -> "))")
            }
            do throws(ThemeError) {
                return try self.locateAndLoad(parent, relativeTo: folder, chain: chain).theme
            } catch where error.code == .notFound && error.file == parent {
                throw ThemeError(.notFound, file: file, key: "inherits", message: error.message)
            }
        }
        return try parser.parse(text, defaultName: defaultName)
    }
}
