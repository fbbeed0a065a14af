import CeleriacTestSupport
import Foundation
import Testing

@testable import CeleriacConsole

@Suite("Shipped themes")
struct ThemeFileTests {
    static let themesFolder = ProjectPaths.root.appendingPathComponent("themes")

    @Test(arguments: ["default", "light", "high-contrast", "mono"])
    func shippedFileMapsEveryRoleItself(name: String) throws {
        let path = ThemeFileTests.themesFolder.appendingPathComponent("\(name).toml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Every role is spelt out in the file (none comes from inheritance)...
        let keys = Set(text.split(separator: "\n").compactMap { line -> String? in
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { return nil }
            return line[..<equals].trimmingCharacters(in: .whitespaces)
        })
        #expect(!keys.contains("inherits"))
        for role in Role.allCases { #expect(keys.contains(role.rawValue), "\(name).toml lacks \(role.rawValue)") }
        // ...and the file loads (a file without `inherits` that missed a role would not).
        let theme = try ThemeLoader(environment: [:], currentDirectory: "/", executablePath: nil).load(path)
        #expect(theme.name == name)
        #expect(theme.styles.count == Role.allCases.count)
        // The file documents how to inherit.
        #expect(text.contains("inherits = \"default\""))
    }

    @Test func builtinCopiesEqualTheFiles() throws {
        #expect(BuiltinThemes.sources.map(\.name) == ["default", "light", "high-contrast", "mono"])
        for source in BuiltinThemes.sources {
            let path = ThemeFileTests.themesFolder.appendingPathComponent("\(source.name).toml").path
            let file = try String(contentsOfFile: path, encoding: .utf8)
            #expect(source.text + "\n" == file, "BuiltinThemes.swift differs from themes/\(source.name).toml")
            let builtin = try #require(ThemeLoader.builtin(source.name))
            let loaded = try ThemeLoader(environment: [:], currentDirectory: "/", executablePath: nil).load(path)
            #expect(builtin == loaded)
        }
    }

    @Test func themesDifferWhereTheyShould() throws {
        let dark = try #require(ThemeLoader.builtin("default"))
        let light = try #require(ThemeLoader.builtin("light"))
        let mono = try #require(ThemeLoader.builtin("mono"))
        #expect(dark[.selection] == Style(foreground: .ansi(.black), background: .ansi(.cyan), attributes: .bold))
        #expect(dark[.taskFailed].foreground == .ansi(.brightRed))
        #expect(dark[.sparkline].foreground == .rgb(RGB(0x5f, 0xaf, 0xd7)))
        #expect(light[.selection] != dark[.selection])
        for role in Role.allCases {
            #expect(mono[role].foreground == .default && mono[role].background == .default)
        }
        #expect(mono[.selection].attributes.contains(.reverse))
        #expect(ThemeLoader.fallback == dark)
    }
}
