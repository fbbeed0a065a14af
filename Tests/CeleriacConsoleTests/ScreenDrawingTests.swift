import CeleriacConsole
import Testing

@Suite("Screen drawing")
struct ScreenDrawingTests {
    @Test func putClipsToTheScreenAndToAClipRect() {
        var screen = Screen(width: 10, height: 3)
        let end = screen.put("hello world", x: 3, y: 0)
        screen.put("abcdef", x: -2, y: 1)
        screen.put("clipped", x: 0, y: 2, clip: Rect(x: 2, y: 2, width: 3, height: 1))
        screen.put("off", x: 0, y: 7)
        #expect(end == 14)
        #expect(screen.lines() == ["   hello w", "cdef", "  ipp"])
    }

    @Test func wideCharactersTakeTwoCells() {
        var screen = Screen(width: 8, height: 2)
        let end = screen.put("日本a", x: 0, y: 0)
        #expect(end == 5)
        #expect(screen.text() == "日本a")
        #expect(screen.cell(x: 1, y: 0)?.isContinuation == true)
        #expect(screen.cell(x: 4, y: 0)?.grapheme == "a")
        // A wide character cut by the right edge leaves a space, never half a glyph.
        screen.put("ab日", x: 5, y: 1)
        #expect(screen.lines()[1] == "     ab")
        #expect(screen.cell(x: 7, y: 1)?.isContinuation == false)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var screen = Screen(width: 6, height: 1)
        screen.put("日本", x: 0, y: 0)
        screen.put("x", x: 1, y: 0)
        #expect(screen.text() == " x本")
        screen.put("y", x: 2, y: 0)
        #expect(screen.text() == " xy")
        #expect(screen.cell(x: 3, y: 0)?.isContinuation == false)
    }

    @Test func combiningMarksJoinTheirBaseCharacter() {
        var screen = Screen(width: 6, height: 1)
        // "e" + COMBINING ACUTE ACCENT is one Character of width 1.
        let end = screen.put("e\u{301}x", x: 0, y: 0)
        #expect(end == 2)
        #expect(screen.cell(x: 0, y: 0)?.grapheme == "e\u{301}")
        #expect(screen.cell(x: 1, y: 0)?.grapheme == "x")
        // A lone mark (the start of a string) joins what is already in the cell before it.
        screen.put("\u{301}", x: 2, y: 0)
        #expect(screen.cell(x: 1, y: 0)?.grapheme == "x\u{301}")
    }

    @Test func displayWidths() {
        #expect("abc".displayWidth == 3)
        #expect("日本".displayWidth == 4)
        #expect("é".displayWidth == 1)
        #expect("✓".displayWidth == 1)
        #expect("🚀".displayWidth == 2)
        #expect("한".displayWidth == 2)
        #expect("ｱ".displayWidth == 1)
        #expect("Ａ".displayWidth == 2)
        #expect("\u{7}".displayWidth == 0)
    }

    @Test func asciiScreensReplaceNonASCIIText() {
        var screen = Screen(width: 10, height: 1, charset: .ascii)
        screen.put("a✓日é", x: 0, y: 0)
        #expect(screen.text() == "a???")
    }

    @Test func boxInUnicodeAndASCII() {
        var unicode = Screen(width: 14, height: 4)
        unicode.box(Rect(x: 0, y: 0, width: 14, height: 4), title: "Workers")
        #expect(unicode.text() == """
            ┌ Workers ───┐
            │            │
            │            │
            └────────────┘
            """)
        #expect(unicode.role(x: 0, y: 0) == .border)
        #expect(unicode.role(x: 2, y: 0) == .title)

        var ascii = Screen(width: 8, height: 3, charset: .ascii)
        ascii.box(Rect(x: 0, y: 0, width: 8, height: 3), title: "A long title")
        #expect(ascii.text() == """
            + A l~ +
            |      |
            +------+
            """)
    }

    @Test func separatorJoinsTheBoxSides() {
        var screen = Screen(width: 6, height: 5)
        screen.box(screen.bounds)
        screen.separator(across: screen.bounds, y: 2)
        screen.separator(across: screen.bounds, y: 4)
        #expect(screen.text() == """
            ┌────┐
            │    │
            ├────┤
            │    │
            └────┘
            """)
        var ascii = Screen(width: 4, height: 3, charset: .ascii)
        ascii.box(ascii.bounds)
        ascii.separator(across: ascii.bounds, y: 1)
        #expect(ascii.text() == "+--+\n+--+\n+--+")
    }

    @Test func linesFillAndRestyle() {
        var screen = Screen(width: 6, height: 4)
        screen.horizontalLine(x: 0, y: 0, length: 6)
        screen.verticalLine(x: 2, y: 1, length: 5)
        screen.fill(Rect(x: 4, y: 1, width: 2, height: 2), with: "#", role: .gauge)
        screen.restyle(Rect(x: 0, y: 3, width: 6, height: 1), role: .selection)
        #expect(screen.text() == """
            ──────
              │ ##
              │ ##
              │
            """)
        #expect(screen.roleText([.gauge: "g", .selection: "s", .border: "b"]) == """
            bbbbbb
            ..b.gg
            ..b.gg
            ssssss
            """)
    }

    @Test func putInRectAlignsAndTruncatesWithAnEllipsis() {
        var screen = Screen(width: 12, height: 3)
        screen.put("right", in: Rect(x: 0, y: 0, width: 12, height: 1), alignment: .right)
        screen.put("mid", in: Rect(x: 0, y: 1, width: 11, height: 1), alignment: .center)
        screen.put("much too long", in: Rect(x: 2, y: 2, width: 8, height: 1))
        #expect(screen.lines() == ["       right", "    mid", "  much to…"])
        #expect("日本語".truncated(toWidth: 4) == "日…")
        #expect("abc".fitted(toWidth: 5, alignment: .right) == "  abc")
        #expect("abc".truncated(toWidth: 0) == "")
    }

    @Test func textTrimsTrailingBlankLinesButLinesKeepEveryRow() {
        var screen = Screen(width: 5, height: 4)
        screen.put("a  ", x: 0, y: 1)
        #expect(screen.lines() == ["", "a", "", ""])
        #expect(screen.text() == "\na")
    }
}
