import CeleriacConsole
import Testing

@Suite("Colours and degradation")
struct ColorTests {
    @Test func parsesEveryColourForm() {
        #expect(TerminalColor(parsing: "default") == .default)
        #expect(TerminalColor(parsing: "red") == .ansi(.red))
        #expect(TerminalColor(parsing: "brightBlack") == .ansi(.brightBlack))
        #expect(TerminalColor(parsing: "bright-white") == .ansi(.brightWhite))
        #expect(TerminalColor(parsing: "grey") == .ansi(.brightBlack))
        #expect(TerminalColor(parsing: "208") == .indexed(208))
        #expect(TerminalColor(parsing: "#FF8700") == .rgb(RGB(255, 135, 0)))
        #expect(TerminalColor(parsing: "#ff87") == nil)
        #expect(TerminalColor(parsing: "#gg0000") == nil)
        #expect(TerminalColor(parsing: "256") == nil)
        #expect(TerminalColor(parsing: "purple") == nil)
        #expect(TerminalColor.rgb(RGB(1, 2, 255)).description == "#0102ff")
    }

    @Test func depthFromColourCount() {
        #expect(ColorDepth(colorCount: 0) == .mono)
        #expect(ColorDepth(colorCount: 8) == .ansi8)
        #expect(ColorDepth(colorCount: 16) == .ansi16)
        #expect(ColorDepth(colorCount: 88) == .ansi16)
        #expect(ColorDepth(colorCount: 256) == .indexed256)
        #expect(ColorDepth(colorCount: 16_777_216) == .truecolor)
    }

    /// The degradation table: each colour at each depth.
    @Test(arguments: [
        // colour, truecolor, 256, 16, 8
        ("#ff8700", "#ff8700", "208", "yellow", "yellow"),
        ("#5fafd7", "#5fafd7", "74", "cyan", "cyan"),
        ("#000000", "#000000", "16", "black", "black"),
        ("#eeeeee", "#eeeeee", "255", "white", "white"),
        ("#808080", "#808080", "244", "brightBlack", "white"),
        ("#1c1c1c", "#1c1c1c", "234", "black", "black"),
        ("#d70000", "#d70000", "160", "red", "red"),
        ("#0000ff", "#0000ff", "21", "blue", "blue"),
        ("#5fd75f", "#5fd75f", "77", "green", "green"),
        ("208", "208", "208", "yellow", "yellow"),
        ("238", "238", "238", "brightBlack", "black"),
        ("12", "12", "12", "brightBlue", "blue"),
        ("brightGreen", "brightGreen", "brightGreen", "brightGreen", "green"),
        ("brightBlack", "brightBlack", "brightBlack", "brightBlack", "white"),
        ("default", "default", "default", "default", "default"),
    ])
    func degradationTable(color: String, truecolor: String, c256: String, c16: String, c8: String) throws {
        let parsed = try #require(TerminalColor(parsing: color))
        #expect(parsed.degraded(to: .truecolor).description == truecolor)
        #expect(parsed.degraded(to: .indexed256).description == c256)
        #expect(parsed.degraded(to: .ansi16).description == c16)
        #expect(parsed.degraded(to: .ansi8).description == c8)
        #expect(parsed.degraded(to: .mono) == .default)
    }

    @Test func monoKeepsHighlightsVisibleThroughReverse() {
        let selection = Style(foreground: .ansi(.black), background: .ansi(.cyan), attributes: .bold)
        #expect(selection.degraded(to: .mono) == Style(attributes: [.bold, .reverse]))
        let failed = Style(foreground: .ansi(.red), attributes: .bold)
        #expect(failed.degraded(to: .mono) == Style(attributes: .bold))
        let theme = ThemeLoader.fallback.degraded(to: .mono)
        for role in Role.allCases {
            #expect(theme[role].foreground == .default && theme[role].background == .default)
        }
        #expect(theme[.statusBar].attributes.contains(.reverse))
        #expect(theme[.selection].attributes.contains(.reverse))
    }

    @Test func everyDegradedThemeFitsItsDepth() throws {
        for name in ThemeLoader.builtinNames {
            let theme = try #require(ThemeLoader.builtin(name))
            for depth in ColorDepth.allCases {
                let degraded = theme.degraded(to: depth)
                for role in Role.allCases {
                    for color in [degraded[role].foreground, degraded[role].background] {
                        switch (color, depth) {
                        case (.default, _): break
                        case (.rgb, .truecolor): break
                        case (.indexed, .truecolor), (.indexed, .indexed256): break
                        case (.ansi(let ansi), .ansi8): #expect(ansi.rawValue < 8)
                        case (.ansi, .ansi16), (.ansi, .indexed256), (.ansi, .truecolor): break
                        default: Issue.record("\(name).\(role) at \(depth) is \(color)")
                        }
                    }
                }
            }
        }
    }
}
