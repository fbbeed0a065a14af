import CeleriacConsole
import Testing

@Suite("Text input")
struct TextInputTests {
    func typed(_ text: String) -> TextInput {
        var input = TextInput()
        for character in text { input.handle(.character(character)) }
        return input
    }

    @Test func insertsAtTheCursorAndMoves() {
        var input = typed("state:FAILURE")
        #expect(input.cursor == 13)
        #expect(input.handle(.home) == .moved)
        input.handle(.character("!"))
        #expect(input.text == "!state:FAILURE")
        input.handle(.end)
        input.handle(.left)
        input.handle(.left)
        input.handle(.character("_"))
        #expect(input.text == "!state:FAILU_RE")
        input.handle(.right)
        input.handle(.right)
        #expect(input.handle(.right) == .moved)
        #expect(input.cursor == input.characters.count)
    }

    @Test func deleteAndBackspace() {
        var input = typed("abc")
        #expect(input.handle(.backspace) == .edited)
        #expect(input.text == "ab")
        input.handle(.home)
        #expect(input.handle(.backspace) == .moved)
        #expect(input.handle(.delete) == .edited)
        #expect(input.text == "b")
        input.handle(.end)
        #expect(input.handle(.delete) == .moved)
    }

    @Test func ctrlUKillsToTheStartAndCtrlWKillsAWord() {
        var input = typed("retry task  abc")
        input.handle(.left)
        input.handle(.left)
        input.handle(.ctrl("w"))
        #expect(input.text == "retry task  bc")
        // Again: the spaces before the cursor and the word before them.
        input.handle(.ctrl("w"))
        #expect(input.text == "retry bc")
        #expect(input.cursor == 6)
        input.handle(.ctrl("e"))
        input.handle(.ctrl("w"))
        #expect(input.text == "retry ")
        input.handle(.ctrl("a"))
        input.handle(.character(":"))
        input.handle(.ctrl("u"))
        #expect(input.text == "retry ")
        #expect(input.cursor == 0)
        input.handle(.end)
        input.handle(.ctrl("u"))
        #expect(input.text.isEmpty)
    }

    @Test func enterEscapeAndOtherKeys() {
        var input = typed("x")
        #expect(input.handle(.enter) == .submitted)
        #expect(input.handle(.escape) == .cancelled)
        #expect(input.handle(.pageDown) == .ignored)
        #expect(input.text == "x")
    }

    @Test func drawsPromptTextAndCursorScrollingToKeepItVisible() {
        var screen = Screen(width: 12, height: 2)
        TextInput("").draw(prompt: "/", placeholder: "filter", in: screen.bounds.row(0), on: &screen)
        #expect(screen.lines()[0] == "/filter")
        #expect(screen.cursor == Point(x: 1, y: 0))
        #expect(screen.role(x: 1, y: 0) == .cursor)
        #expect(screen.role(x: 2, y: 0) == .placeholder)

        var long = typed("name:demo.sleep state:STARTED")
        long.draw(prompt: ":", in: screen.bounds.row(1), on: &screen)
        #expect(screen.lines()[1] == ":te:STARTED")
        #expect(screen.cursor == Point(x: 11, y: 1))
        long.handle(.home)
        long.draw(prompt: ":", in: screen.bounds.row(1), on: &screen)
        #expect(screen.lines()[1] == ":name:demo.s")
        #expect(screen.cursor == Point(x: 1, y: 1))
    }
}
