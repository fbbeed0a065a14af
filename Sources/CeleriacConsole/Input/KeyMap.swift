/// Key bindings as data: global bindings plus one list per view. A view's binding for a key
/// wins over the global one, so a view can reuse a global key for something local.
public struct KeyMap: Hashable, Sendable {
    /// Bindings that work in every view.
    public var global: [KeyBinding]
    /// Bindings per view name (`"tasks"`, `"workers"`, …).
    public var views: [String: [KeyBinding]]

    public init(global: [KeyBinding] = [], views: [String: [KeyBinding]] = [:]) {
        self.global = global
        self.views = views
    }

    /// The binding `key` triggers in `view`, or nil when the key does nothing there.
    public func binding(for key: Key, in view: String) -> KeyBinding? {
        views[view]?.first(where: { $0.key == key }) ?? global.first(where: { $0.key == key })
    }

    /// The action name `key` triggers in `view`.
    public func action(for key: Key, in view: String) -> String? { binding(for: key, in: view)?.action }

    /// The bindings help lists for `view`: the view's own first, then the global ones the view
    /// does not override, hidden aliases left out.
    public func helpEntries(for view: String) -> [KeyBinding] {
        let local = views[view] ?? []
        let overridden = Set(local.map(\.key))
        return (local + global.filter { !overridden.contains($0.key) }).filter(\.visibleInHelp)
    }

    /// Every key bound to `action` in `view` (its own bindings first), for hints like
    /// "j/down: next".
    public func keys(for action: String, in view: String) -> [Key] {
        let local = views[view] ?? []
        let overridden = Set(local.map(\.key))
        return (local + global.filter { !overridden.contains($0.key) }).filter { $0.action == action }.map(\.key)
    }

    /// Binds `key` to `action`, replacing what the key did before (in `view`, or globally when
    /// `view` is nil). This is how user key overrides are applied.
    public mutating func bind(_ key: Key, to action: String, description: String, in view: String? = nil) {
        let binding = KeyBinding(key, action, description)
        if let view {
            var list = views[view] ?? []
            list.removeAll { $0.key == key }
            list.append(binding)
            views[view] = list
        } else {
            global.removeAll { $0.key == key }
            global.append(binding)
        }
    }
}
