import CeleriacConsole
import Testing

@Suite("Status bar, dialog and text pane")
struct ChromeWidgetTests {
    @Test func statusBarShowsHintsMessageAndStatus() {
        var screen = Screen(width: 50, height: 1)
        StatusBar(hints: [KeyHint("?", "help"), KeyHint("/", "filter")], message: "3 marked", status: "redis ok")
            .draw(in: screen.bounds, on: &screen)
        #expect(screen.text() == " ? help  / filter  3 marked               redis ok")
        #expect(screen.role(x: 1, y: 0) == .statusBarKey)
        #expect(screen.role(x: 3, y: 0) == .statusBar)
        #expect(screen.role(x: 49, y: 0) == .statusBar)
    }

    @Test func statusBarDropsHintsThatDoNotFitAndShowsAlerts() {
        var screen = Screen(width: 20, height: 2)
        StatusBar(hints: [KeyHint("q", "quit"), KeyHint("enter", "open the task")], status: "12:00")
            .draw(in: screen.bounds.row(0), on: &screen)
        StatusBar(hints: [KeyHint("q", "quit")], status: "12:00", alert: "broker unreachable")
            .draw(in: screen.bounds.row(1), on: &screen)
        #expect(screen.lines() == [" q quit        12:00", " broker unrea… 12:00"])
        #expect(screen.role(x: 0, y: 1) == .statusBarAlert)
    }

    @Test func dialogIsCentredWithWrappedTextAndButtons() {
        var screen = Screen(width: 40, height: 10)
        screen.fill(screen.bounds, with: ".")
        let dialog = Dialog(title: "Revoke", lines: ["Revoke 3 tasks and terminate them?"], buttons: ["Yes", "No"],
                            selectedButton: 1)
        let frame = dialog.draw(on: &screen)
        #expect(frame == Rect(x: 2, y: 2, width: 36, height: 6))
        #expect(screen.text() == """
            ........................................
            ........................................
            ..┌ Revoke ──────────────────────────┐..
            ..│ Revoke 3 tasks and terminate     │..
            ..│ them?                            │..
            ..│                                  │..
            ..│         [ Yes ]  [ No ]          │..
            ..└──────────────────────────────────┘..
            ........................................
            ........................................
            """)
        #expect(screen.role(x: 21, y: 6) == .buttonActive)
        #expect(screen.role(x: 12, y: 6) == .button)
        #expect(screen.role(x: 4, y: 3) == .dialog)
        #expect(screen.role(x: 4, y: 2) == .dialogTitle)
    }

    @Test func wrapBreaksAtSpacesKeepsIndentationAndSplitsLongWords() {
        #expect("the quick brown fox".wrapped(toWidth: 10) == ["the quick", "brown fox"])
        #expect("    {\"key\": 1}".wrapped(toWidth: 20) == ["    {\"key\": 1}"])
        #expect("abcdefghij".wrapped(toWidth: 4) == ["abcd", "efgh", "ij"])
        #expect("a\n\nb".wrapped(toWidth: 4) == ["a", "", "b"])
        #expect("日本語テキスト".wrapped(toWidth: 5) == ["日本", "語テ", "キス", "ト"])
        #expect("".wrapped(toWidth: 3) == [""])
    }

    @Test func textPaneWrapsScrollsAndKeepsSpanRoles() {
        let pane = TextPane(lines: [
            TextPane.Line(spans: [TextPane.Span("\"args\"", role: .jsonKey), TextPane.Span(": ", role: .jsonPunctuation),
                                  TextPane.Span("[1, 2, 3, 4]", role: .jsonNumber)]),
            TextPane.Line("Traceback (most recent call last):", role: .traceback),
            TextPane.Line("  File \"tasks.py\", line 3", role: .traceback),
        ])
        var screen = Screen(width: 12, height: 4)
        let offset = pane.draw(in: screen.bounds, on: &screen)
        #expect(offset == 0)
        #expect(screen.text() == """
            "args": [1,
            2, 3, 4]
            Traceback
            (most recen↓
            """)
        #expect(screen.role(x: 0, y: 0) == .jsonKey)
        #expect(screen.role(x: 6, y: 0) == .jsonPunctuation)
        #expect(screen.role(x: 0, y: 1) == .jsonNumber)
        #expect(pane.maxScroll(width: 12, height: 4) == 4)

        var scrolled = pane
        scrolled.scrollOffset = 99
        var bottom = Screen(width: 12, height: 4)
        #expect(scrolled.draw(in: bottom.bounds, on: &bottom) == 4)
        #expect(bottom.lines().first == "call last):↑")
    }

    @Test func unwrappedPaneScrollsSideways() {
        var pane = TextPane(text: "0123456789abcdef\nxy", wraps: false)
        pane.horizontalOffset = 10
        var screen = Screen(width: 4, height: 2, charset: .ascii)
        pane.draw(in: screen.bounds, on: &screen)
        #expect(screen.text() == "abcd")
    }
}
