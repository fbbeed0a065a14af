import CCeleriacCurses
import CeleriacConsole

/// Decodes what `wget_wch` returns into `Key`s.
enum CursesKeys {
    /// The key of a function-key code (`KEY_CODE_YES`), or nil for codes the console ignores.
    static func key(code: Int32) -> Key? {
        switch code {
        case celeriac_key_up(): return .up
        case celeriac_key_down(): return .down
        case celeriac_key_left(): return .left
        case celeriac_key_right(): return .right
        case celeriac_key_home(): return .home
        case celeriac_key_end(): return .end
        case celeriac_key_ppage(): return .pageUp
        case celeriac_key_npage(): return .pageDown
        case celeriac_key_enter(): return .enter
        case celeriac_key_backspace(): return .backspace
        case celeriac_key_dc(): return .delete
        case celeriac_key_ic(): return .insert
        case celeriac_key_btab(): return .backTab
        case celeriac_key_resize(): return .resize
        default:
            for n in 1...12 where code == celeriac_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }

    /// The key of a character `wget_wch` returned as text.
    static func key(character value: UInt32) -> Key? {
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return Key.from(character: Character(scalar))
    }

    /// The mouse event of a `getmouse` report, or nil for button states the console ignores.
    static func mouse(_ event: MEVENT) -> Key? {
        let state = event.bstate
        let kind: MouseEvent.Kind
        if state & celeriac_wheel_up() != 0 {
            kind = .wheelUp
        } else if celeriac_wheel_down() != 0, state & celeriac_wheel_down() != 0 {
            kind = .wheelDown
        } else if state & celeriac_button1() != 0 {
            kind = .leftClick
        } else if state & celeriac_button3() != 0 {
            kind = .rightClick
        } else {
            return nil
        }
        return .mouse(MouseEvent(kind, x: Int(event.x), y: Int(event.y)))
    }
}
