/// One input event from the terminal: a key press, a mouse event or a resize.
///
/// Letters typed with Ctrl are `.ctrl("l")` (always lower case); Tab, Enter, Backspace and
/// Escape have their own cases even though terminals send them as control characters, so a key
/// map never needs to know that Tab is Ctrl-I.
public enum Key: Hashable, Sendable {
    /// A printable character, as typed (`"G"` is shift-g).
    case character(Character)
    /// Ctrl plus a letter (`"a"`…`"z"`), lower case.
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete, insert
    /// F1…F12.
    case function(Int)
    /// A mouse click or wheel turn.
    case mouse(MouseEvent)
    /// The terminal changed size; redraw at the new size.
    case resize

    /// `.character(" ")`.
    public static let space = Key.character(" ")
}
