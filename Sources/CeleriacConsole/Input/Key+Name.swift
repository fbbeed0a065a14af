extension Key {
    private static let named: [String: Key] = [
        "up": .up, "down": .down, "left": .left, "right": .right,
        "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pgdown": .pageDown, "pagedown": .pageDown,
        "home": .home, "end": .end,
        "enter": .enter, "return": .enter, "ret": .enter,
        "esc": .escape, "escape": .escape,
        "tab": .tab, "shift-tab": .backTab, "backtab": .backTab, "s-tab": .backTab,
        "backspace": .backspace, "bs": .backspace,
        "delete": .delete, "del": .delete, "insert": .insert, "ins": .insert,
        "space": .space, "spc": .space,
    ]

    /// Reads a key name as users write it in key maps and help: a single character stands for
    /// itself and is case-sensitive (`G` is shift-g, `?` is a question mark); other names are
    /// case-insensitive: `ctrl-l` (also `ctrl+l`, `c-l`, `^L`), `shift-tab`, `pgdn`, `pgup`,
    /// `home`, `end`, `up`, `down`, `left`, `right`, `enter`, `esc`, `tab`, `backspace`,
    /// `delete`, `insert`, `space`, `f1`…`f12`. Terminals send Ctrl-I, Ctrl-M and Ctrl-H as Tab,
    /// Enter and Backspace, so those names read as the latter keys.
    public init(name: String) throws(KeyNameError) {
        if name.count == 1, let character = name.first {
            self = Key.from(character: character)
            return
        }
        let lowered = name.lowercased()
        if let key = Key.named[lowered] {
            self = key
            return
        }
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lowered.hasPrefix(prefix) {
            let rest = lowered.dropFirst(prefix.count)
            if rest.count == 1, let letter = rest.first, letter.isASCII, letter.isLetter {
                self = Key.from(character: Character(Unicode.Scalar(UInt8(letter.asciiValue ?? 0) & 0x1F)))
                return
            }
        }
        if lowered.hasPrefix("f"), let number = Int(lowered.dropFirst()), (1...12).contains(number) {
            self = .function(number)
            return
        }
        throw KeyNameError(name: name)
    }

    /// The key a terminal's character stands for: control characters become `.ctrl`, `.tab`,
    /// `.enter`, `.escape` or `.backspace`; everything else is `.character`.
    public static func from(character: Character) -> Key {
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else {
            return .character(character)
        }
        switch scalar.value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(scalar.value) + 96)))
        default: return .character(character)
        }
    }

    /// The key's canonical name, which `Key(name:)` reads back: `ctrl-l`, `pgdn`, `G`, `space`.
    /// Mouse events and resizes have descriptive names that do not parse.
    public var name: String {
        switch self {
        case .character(" "): return "space"
        case .character(let c): return String(c)
        case .ctrl(let c): return "ctrl-\(c)"
        case .up: return "up"
        case .down: return "down"
        case .left: return "left"
        case .right: return "right"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .home: return "home"
        case .end: return "end"
        case .enter: return "enter"
        case .escape: return "esc"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .backspace: return "backspace"
        case .delete: return "delete"
        case .insert: return "insert"
        case .function(let n): return "f\(n)"
        case .mouse(let event): return "mouse \(event.kind) at \(event.x),\(event.y)"
        case .resize: return "resize"
        }
    }
}
