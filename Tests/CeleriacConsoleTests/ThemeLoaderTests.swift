import CeleriacConsole
import Foundation
import Testing

/// A scratch folder of theme files, removed when the test ends.
final class ThemeFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("celeriac-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A loader that sees only this folder (as `$CELERIAC_THEMES_DIR` and as the current
    /// directory) and the built-in themes.
    func loader(_ environment: [String: String] = [:]) -> ThemeLoader {
        var env = environment
        env["CELERIAC_THEMES_DIR"] = url.path
        return ThemeLoader(environment: env, currentDirectory: url.path, executablePath: nil)
    }
}

@Suite("Theme loading")
struct ThemeLoaderTests {
    @Test func syntaxErrorNamesFileAndLineAndFallsBackToDefault() throws {
        let folder = try ThemeFolder()
        let path = try folder.write("broken.toml", "inherits = \"default\"\n[roles]\ntext = { fg = \"red\"\nborder = \"blue\"\n")
        let resolution = folder.loader().resolve(option: path)
        #expect(resolution.theme == ThemeLoader.fallback)
        #expect(resolution.source == "built-in default")
        let problem = try #require(resolution.problem)
        #expect(problem.code == .syntax)
        #expect(problem.file == path)
        #expect(problem.line == 3)
        #expect(problem.description.hasPrefix("\(path):3: TOML syntax error"))
    }

    @Test func unknownRoleNamesLineAndKeyWithASuggestion() throws {
        let folder = try ThemeFolder()
        try folder.write("typo.toml", """
            inherits = "default"

            [roles]
            text = "white"
            selecton = { fg = "black", bg = "cyan" }
            """)
        let resolution = folder.loader().resolve(option: "typo")
        let problem = try #require(resolution.problem)
        #expect(problem.code == .unknownRole)
        #expect(problem.line == 5)
        #expect(problem.key == "roles.selecton")
        #expect(problem.description.hasSuffix("typo.toml:5: roles.selecton: unknown role \"selecton\" (did you mean \"selection\"?)"))
        #expect(resolution.theme == ThemeLoader.fallback)
    }

    @Test(arguments: [
        ("text = { fg = \"#12345\" }", "roles.text.fg", ThemeError.Code.badColor),
        ("text = { bg = 300 }", "roles.text.bg", .badColor),
        ("text = \"purple\"", "roles.text", .badColor),
        ("text = { fg = \"red\", attrs = [\"blink\"] }", "roles.text.attrs", .badAttribute),
        ("text = { fg = \"red\", colour = \"blue\" }", "roles.text.colour", .unknownKey),
        ("text = [\"red\"]", "roles.text", .wrongType),
    ])
    func badValuesNameTheirLineAndKey(line: String, key: String, code: ThemeError.Code) throws {
        let folder = try ThemeFolder()
        let path = try folder.write("bad.toml", "# a comment\ninherits = \"default\"\n\n[roles]\nborder = \"blue\"\n\(line)\n")
        #expect {
            try folder.loader().load(path)
        } throws: { error in
            guard let error = error as? ThemeError else { return false }
            return error.code == code && error.line == 6 && error.key == key && error.file == path
        }
    }

    @Test func rolesInSubTablesAreLocatedToo() throws {
        let folder = try ThemeFolder()
        let path = try folder.write("sub.toml", "inherits = \"default\"\n[roles.header]\nfg = \"white\"\nbg = \"nope\"\n")
        #expect(throws: ThemeError(.badColor, file: path, line: 4, key: "roles.header.bg", message:
            "bad colour \"nope\" (use default, an ANSI name such as red or brightBlack, a palette index 0-255, or #rrggbb)"))
        {
            try folder.loader().load(path)
        }
    }

    @Test func unknownTopLevelKeyAndMissingRoles() throws {
        let folder = try ThemeFolder()
        let extra = try folder.write("extra.toml", "inherits = \"default\"\ncolour = \"red\"\n")
        #expect(throws: ThemeError(.unknownKey, file: extra, line: 2, key: "colour",
                                   message: "unknown key \"colour\" (a theme has name, inherits, description and [roles])"))
        {
            try folder.loader().load(extra)
        }
        let partial = try folder.write("partial.toml", "[roles]\ntext = \"red\"\n")
        #expect {
            try folder.loader().load(partial)
        } throws: { error in
            guard let error = error as? ThemeError else { return false }
            return error.code == .missingRoles && error.message.contains("dim, header") && error.message.contains("inherits")
        }
    }

    @Test func partialThemeInheritsTheRest() throws {
        let folder = try ThemeFolder()
        try folder.write("mine.toml", """
            name = "mine"
            inherits = "default"
            [roles]
            text = "#ff8700"
            selection = { fg = "white", bg = 24, attrs = ["bold", "underline"] }
            """)
        let theme = try folder.loader().load("mine")
        let base = ThemeLoader.fallback
        #expect(theme.name == "mine")
        #expect(theme[.text] == Style(foreground: .rgb(RGB(0xff, 0x87, 0x00))))
        #expect(theme[.selection] == Style(foreground: .ansi(.white), background: .indexed(24), attributes: [.bold, .underline]))
        for role in Role.allCases where role != .text && role != .selection { #expect(theme[role] == base[role]) }
        // A chain: a theme inheriting from a theme that inherits.
        try folder.write("child.toml", "inherits = \"mine\"\n[roles]\ndim = \"red\"\n")
        let child = try folder.loader().load("child")
        #expect(child[.text] == theme[.text])
        #expect(child[.dim] == Style(foreground: .ansi(.red)))
    }

    @Test func inheritanceLoopsAndMissingParentsAreReported() throws {
        let folder = try ThemeFolder()
        try folder.write("a.toml", "inherits = \"./b.toml\"\n")
        try folder.write("b.toml", "\n\ninherits = \"./a.toml\"\n")
        #expect {
            try folder.loader().load("a")
        } throws: { error in
            guard let error = error as? ThemeError else { return false }
            return error.code == .inheritanceCycle && error.message.contains("a.toml -> ")
        }
        // By name, a file never inherits itself: it looks past itself, here in vain.
        try folder.write("c.toml", "inherits = \"d\"\n")
        let d = try folder.write("d.toml", "\n\ninherits = \"c\"\n")
        #expect {
            try folder.loader().load("c")
        } throws: { error in
            guard let error = error as? ThemeError else { return false }
            return error.code == .notFound && error.file == d && error.line == 3
        }
        let orphan = try folder.write("orphan.toml", "name = \"x\"\ninherits = \"nosuch\"\n")
        #expect {
            try folder.loader().load(orphan)
        } throws: { error in
            guard let error = error as? ThemeError else { return false }
            return error.code == .notFound && error.file == orphan && error.line == 2 && error.key == "inherits"
        }
    }

    @Test func resolutionOrderOptionThenEnvironmentThenNoColor() throws {
        let folder = try ThemeFolder()
        let plain = folder.loader()
        #expect(plain.resolve(option: nil).theme.name == "default")
        #expect(plain.resolve(option: nil).source == "built-in default")
        #expect(folder.loader(["NO_COLOR": "1"]).resolve(option: nil).theme.name == "mono")
        #expect(folder.loader(["NO_COLOR": ""]).resolve(option: nil).theme.name == "default")
        #expect(folder.loader(["NO_COLOR": "1", "CELERIAC_THEME": "light"]).resolve(option: nil).theme.name == "light")
        let explicit = folder.loader(["NO_COLOR": "1", "CELERIAC_THEME": "light"]).resolve(option: "high-contrast")
        #expect(explicit.theme.name == "high-contrast")
        #expect(explicit.problem == nil)
        let missing = plain.resolve(option: "solarized")
        #expect(missing.theme.name == "default")
        #expect(missing.problem?.code == .notFound)
        #expect(missing.problem?.message.contains("built-in themes are default, light, high-contrast, mono") == true)
    }

    @Test func namedThemesAreSearchedInTheThemesDirectoryBeforeBuiltIns() throws {
        let folder = try ThemeFolder()
        let path = try folder.write("light.toml", "name = \"my light\"\ninherits = \"default\"\n")
        let resolution = folder.loader().resolve(option: "light")
        #expect(resolution.theme.name == "my light")
        #expect(resolution.source == path)
        // A file inheriting the name it overrides gets the built-in one rather than itself.
        try folder.write("default.toml", "name = \"my default\"\ninherits = \"default\"\n[roles]\ntext = \"red\"\n")
        let mine = try folder.loader().load("default")
        #expect(mine.name == "my default")
        #expect(mine[.text] == Style(foreground: .ansi(.red)))
        #expect(mine[.selection] == ThemeLoader.fallback[.selection])
    }

    @Test func searchDirectoriesFollowTheDocumentedOrder() {
        let loader = ThemeLoader(environment: ["CELERIAC_THEMES_DIR": "/opt/themes"], currentDirectory: "/work",
                                 executablePath: "/usr/local/bin/celeriac")
        #expect(loader.searchDirectories == ["/opt/themes", "/work/themes", "/usr/themes", "/usr/local/share/celeriac/themes"])
    }
}
