import CCeleriacCurses
import CeleriacConsole
import Testing

@testable import CeleriacConsoleCurses

/// The pure parts of the ncurses backend: key codes, mouse reports and attributes.
@Suite("Curses mappings")
struct CursesMappingTests {
    @Test func functionKeyCodesBecomeKeys() {
        #expect(CursesKeys.key(code: celeriac_key_up()) == .up)
        #expect(CursesKeys.key(code: celeriac_key_npage()) == .pageDown)
        #expect(CursesKeys.key(code: celeriac_key_ppage()) == .pageUp)
        #expect(CursesKeys.key(code: celeriac_key_btab()) == .backTab)
        #expect(CursesKeys.key(code: celeriac_key_dc()) == .delete)
        #expect(CursesKeys.key(code: celeriac_key_backspace()) == .backspace)
        #expect(CursesKeys.key(code: celeriac_key_resize()) == .resize)
        #expect(CursesKeys.key(code: celeriac_key_f(1)) == .function(1))
        #expect(CursesKeys.key(code: celeriac_key_f(12)) == .function(12))
        #expect(CursesKeys.key(code: celeriac_key_f(13)) == nil)
    }

    @Test func charactersBecomeKeys() {
        #expect(CursesKeys.key(character: 0x0C) == .ctrl("l"))
        #expect(CursesKeys.key(character: 0x1B) == .escape)
        #expect(CursesKeys.key(character: 0x0D) == .enter)
        #expect(CursesKeys.key(character: 0x7F) == .backspace)
        #expect(CursesKeys.key(character: 0x47) == .character("G"))
        #expect(CursesKeys.key(character: 0x65E5) == .character("日"))
        #expect(CursesKeys.key(character: 0xD800) == nil)
    }

    @Test func mouseReportsBecomeMouseKeys() {
        var event = MEVENT()
        event.x = 12
        event.y = 3
        event.bstate = celeriac_wheel_up()
        #expect(CursesKeys.mouse(event) == .mouse(MouseEvent(.wheelUp, x: 12, y: 3)))
        event.bstate = celeriac_wheel_down()
        #expect(CursesKeys.mouse(event) == .mouse(MouseEvent(.wheelDown, x: 12, y: 3)))
        event.bstate = celeriac_button1()
        #expect(CursesKeys.mouse(event) == .mouse(MouseEvent(.leftClick, x: 12, y: 3)))
        event.bstate = celeriac_button3()
        #expect(CursesKeys.mouse(event) == .mouse(MouseEvent(.rightClick, x: 12, y: 3)))
        event.bstate = 0
        #expect(CursesKeys.mouse(event) == nil)
    }

    @Test func attributesMapToCursesBitsAndNoColoursMeansPairZero() {
        let styles = CursesStyles(colorsEnabled: false, pairLimit: 256)
        let bold = styles.attributes(for: Style(foreground: .ansi(.red), attributes: [.bold, .reverse]))
        #expect(bold.attributes == celeriac_a_bold() | celeriac_a_reverse())
        #expect(bold.pair == 0)
        let plain = styles.attributes(for: .plain)
        #expect(plain.attributes == celeriac_a_normal())
    }
}
