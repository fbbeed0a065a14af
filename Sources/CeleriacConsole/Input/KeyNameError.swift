/// A key name that `Key(name:)` cannot read.
public struct KeyNameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name as given.
    public var name: String

    public init(name: String) { self.name = name }

    public var description: String {
        "unknown key \"\(name)\" (use a character such as G or ?, ctrl-LETTER, shift-tab, "
            + "enter, esc, tab, backspace, delete, insert, up, down, left, right, home, end, "
            + "pgup, pgdn, space or f1-f12)"
    }
}
