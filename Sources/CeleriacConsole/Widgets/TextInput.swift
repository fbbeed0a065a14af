/// A one-line text input (the `/` filter line, the `:` command line) with a cursor and
/// readline-style editing. It is a value in the model; `handle(_:)` is its reducer.
public struct TextInput: Hashable, Sendable {
    /// What happened to the input after a key.
    public enum Outcome: Hashable, Sendable {
        /// The text changed.
        case edited
        /// Only the cursor moved (or nothing changed, as Backspace at the start).
        case moved
        /// Enter: use the text.
        case submitted
        /// Escape: abandon the input.
        case cancelled
        /// The input does not use this key; the caller may handle it.
        case ignored
    }

    /// The characters typed.
    public private(set) var characters: [Character]
    /// Cursor position: 0 is before the first character, `characters.count` after the last.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        self.characters = Array(text)
        self.cursor = characters.count
    }

    /// The text.
    public var text: String { String(characters) }

    /// Applies one key: printable characters insert at the cursor; Backspace and Delete remove
    /// before and at the cursor; Left/Right, Home/End (and Ctrl-B/F, Ctrl-A/E) move; Ctrl-U
    /// deletes to the start, Ctrl-K to the end; Ctrl-W deletes the word before the cursor (and
    /// the spaces after it); Enter submits and Escape cancels.
    @discardableResult
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character(let character):
            characters.insert(character, at: cursor)
            cursor += 1
            return .edited
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return .moved }
            characters.remove(at: cursor - 1)
            cursor -= 1
            return .edited
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return .moved }
            characters.remove(at: cursor)
            return .edited
        case .left, .ctrl("b"):
            cursor = max(0, cursor - 1)
            return .moved
        case .right, .ctrl("f"):
            cursor = min(characters.count, cursor + 1)
            return .moved
        case .home, .ctrl("a"):
            cursor = 0
            return .moved
        case .end, .ctrl("e"):
            cursor = characters.count
            return .moved
        case .ctrl("u"):
            characters.removeSubrange(0..<cursor)
            cursor = 0
            return .edited
        case .ctrl("k"):
            characters.removeSubrange(cursor..<characters.count)
            return .edited
        case .ctrl("w"):
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
            return .edited
        case .enter:
            return .submitted
        case .escape:
            return .cancelled
        default:
            return .ignored
        }
    }
}
