/// One entry of a key map: a key, the action it triggers, and how help describes it.
public struct KeyBinding: Hashable, Sendable {
    /// The key.
    public var key: Key
    /// The action's name (`"view.tasks"`, `"cursor.down"`); the console's action layer turns
    /// names into actions, so key maps stay plain data.
    public var action: String
    /// What help says the key does.
    public var description: String
    /// Whether the help view and key hints list it (aliases such as `down` for `j` are hidden).
    public var visibleInHelp: Bool

    public init(_ key: Key, _ action: String, _ description: String, visible: Bool = true) {
        self.key = key
        self.action = action
        self.description = description
        self.visibleInHelp = visible
    }
}
