import CeleriacConsole
import Testing

@Suite("Keys and key map")
struct KeyTests {
    @Test(arguments: [
        ("ctrl-l", Key.ctrl("l")), ("Ctrl+L", .ctrl("l")), ("C-x", .ctrl("x")), ("^U", .ctrl("u")),
        ("pgdn", .pageDown), ("PageUp", .pageUp), ("shift-tab", .backTab), ("G", .character("G")),
        ("g", .character("g")), ("?", .character("?")), ("space", .space), ("esc", .escape),
        ("Enter", .enter), ("tab", .tab), ("backspace", .backspace), ("del", .delete), ("f1", .function(1)),
        ("F12", .function(12)), ("home", .home), ("end", .end), ("up", .up), ("ctrl-i", .tab),
    ])
    func parsesKeyNames(name: String, key: Key) throws {
        #expect(try Key(name: name) == key)
    }

    @Test(arguments: ["ctrl-", "f13", "f0", "hyper-x", "ctrl-1", "", "pgdwn"])
    func rejectsUnknownNames(name: String) {
        #expect(throws: KeyNameError(name: name)) { try Key(name: name) }
    }

    @Test func canonicalNamesRoundTrip() throws {
        let keys: [Key] = [.ctrl("l"), .pageDown, .pageUp, .backTab, .character("G"), .space, .escape, .enter,
                           .tab, .backspace, .delete, .insert, .function(5), .home, .end, .up, .down, .left, .right]
        for key in keys { #expect(try Key(name: key.name) == key) }
        #expect(Key.ctrl("l").name == "ctrl-l")
        #expect(Key.pageDown.name == "pgdn")
    }

    @Test func controlCharactersBecomeTheirKeys() {
        #expect(Key.from(character: "\u{1}") == .ctrl("a"))
        #expect(Key.from(character: "\u{17}") == .ctrl("w"))
        #expect(Key.from(character: "\t") == .tab)
        #expect(Key.from(character: "\r") == .enter)
        #expect(Key.from(character: "\u{7f}") == .backspace)
        #expect(Key.from(character: "\u{1b}") == .escape)
        #expect(Key.from(character: "é") == .character("é"))
    }

    @Test func globalBindingsAndViewOverrides() {
        let map = KeyMap.standard
        #expect(map.action(for: .character("2"), in: "overview") == "view.tasks")
        #expect(map.action(for: .tab, in: "workers") == "view.next")
        #expect(map.action(for: .character("?"), in: "tasks") == "view.help")
        #expect(map.action(for: .character("q"), in: "tasks") == "back")
        #expect(map.action(for: .escape, in: "tasks") == "back")
        #expect(map.action(for: .character("j"), in: "tasks") == "cursor.down")
        #expect(map.action(for: .down, in: "tasks") == "cursor.down")
        #expect(map.action(for: .character("G"), in: "events") == "cursor.bottom")
        #expect(map.action(for: .character("/"), in: "tasks") == "filter")
        #expect(map.action(for: .character(":"), in: "queues") == "command")
        #expect(map.action(for: .space, in: "tasks") == "mark")
        #expect(map.action(for: .ctrl("l"), in: "help") == "redraw")
        #expect(map.action(for: .character("r"), in: "tasks") == "task.revoke")
        #expect(map.action(for: .character("r"), in: "workers") == nil)
        #expect(map.keys(for: "cursor.down", in: "tasks") == [.character("j"), .down])
    }

    @Test func helpListsViewKeysFirstWithoutHiddenAliasesOrOverriddenGlobals() {
        var map = KeyMap(global: [KeyBinding(.character("q"), "back", "back"),
                                  KeyBinding(.character("j"), "cursor.down", "next row"),
                                  KeyBinding(.down, "cursor.down", "next row", visible: false)])
        map.bind(.character("q"), to: "queue.purge", description: "purge", in: "queues")
        let queues = map.helpEntries(for: "queues").map { "\($0.key.name) \($0.action)" }
        #expect(queues == ["q queue.purge", "j cursor.down"])
        #expect(map.helpEntries(for: "tasks").map(\.action) == ["back", "cursor.down"])
        map.bind(.character("j"), to: "cursor.up", description: "up")
        #expect(map.action(for: .character("j"), in: "tasks") == "cursor.up")
        #expect(map.global.count == 3)
    }

    @Test func everyViewHelpHasEntriesAndNumberKeysCoverEveryView() {
        let map = KeyMap.standard
        for (index, view) in KeyMap.viewOrder.enumerated() {
            #expect(map.action(for: .character(Character("\(index + 1)")), in: "help") == "view.\(view)")
        }
        for view in KeyMap.viewOrder + ["taskDetail", "help"] {
            let entries = map.helpEntries(for: view)
            #expect(entries.contains { $0.action == "view.help" })
            #expect(entries.allSatisfy { $0.visibleInHelp })
            #expect(Set(entries.map(\.key)).count == entries.count)
        }
    }
}
