import CeleriacConsole
import Testing

@Suite("Screen diff")
struct ScreenDiffTests {
    @Test func noPreviousScreenRedrawsEverythingInRoleRuns() {
        var screen = Screen(width: 4, height: 2)
        screen.put("ab", x: 0, y: 0, role: .header)
        let runs = screen.diff(from: nil)
        #expect(runs == [
            ScreenRun(x: 0, y: 0, role: .header, cells: [Cell("a", role: .header), Cell("b", role: .header)]),
            ScreenRun(x: 2, y: 0, role: .text, cells: [Cell(), Cell()]),
            ScreenRun(x: 0, y: 1, role: .text, cells: [Cell(), Cell(), Cell(), Cell()]),
        ])
    }

    @Test func identicalScreensNeedNothing() {
        var screen = Screen(width: 20, height: 5)
        screen.box(screen.bounds, title: "x")
        #expect(screen.diff(from: screen).isEmpty)
    }

    @Test func onlyChangedCellsAreSentGroupedByRole() {
        var before = Screen(width: 20, height: 3)
        before.put("tasks: 10 ok", x: 0, y: 1)
        var after = before
        after.put("12", x: 7, y: 1)
        after.put("!", x: 19, y: 2, role: .alert)
        let runs = after.diff(from: before)
        #expect(runs.map(\.text) == ["2", "!"])
        #expect(runs.map(\.x) == [8, 19])
        #expect(runs.map(\.y) == [1, 2])
        #expect(runs.map(\.role) == [.text, .alert])

        var recoloured = after
        recoloured.restyle(Rect(x: 0, y: 1, width: 5, height: 1), role: .header)
        recoloured.restyle(Rect(x: 5, y: 1, width: 2, height: 1), role: .dim)
        let split = recoloured.diff(from: after)
        #expect(split.map(\.text) == ["tasks", ": "])
        #expect(split.map(\.role) == [.header, .dim])
    }

    @Test func wideCharactersAreSentWhole() {
        var before = Screen(width: 6, height: 1)
        before.put("a日b", x: 0, y: 0)
        var after = before
        after.put("本", x: 1, y: 0)
        let runs = after.diff(from: before)
        #expect(runs.count == 1)
        #expect(runs.first?.x == 1)
        #expect(runs.first?.width == 2)
        #expect(runs.first?.text == "本")
    }

    @Test func aResizeRedrawsTheWholeScreen() {
        let small = Screen(width: 3, height: 1)
        let large = Screen(width: 4, height: 2)
        #expect(large.diff(from: small).map(\.width).reduce(0, +) == 8)
    }

    @Test func memoryTerminalRecordsMinimalRedraws() {
        let terminal = MemoryTerminal(size: TerminalSize(width: 10, height: 2), keys: [.character("j")])
        var screen = terminal.makeScreen()
        screen.put("hello", x: 0, y: 0)
        terminal.draw(screen)
        screen.put("J", x: 0, y: 0)
        terminal.draw(screen)
        #expect(terminal.drawnRuns[1] == [ScreenRun(x: 0, y: 0, role: .text, cells: [Cell("J")])])
        terminal.invalidate()
        terminal.draw(screen)
        #expect(terminal.drawnRuns[2].map(\.width).reduce(0, +) == 20)
        #expect(terminal.readKey(timeout: .zero) == .character("j"))
        #expect(terminal.readKey(timeout: .zero) == nil)
        terminal.resize(to: TerminalSize(width: 20, height: 5))
        #expect(terminal.readKey(timeout: nil) == .resize)
        #expect(terminal.makeScreen().width == 20)
    }
}
