/// A parsed filter query: `state:failure name:demo.* worker:w1 queue:slow args:foo
/// kwargs:user=42 since:10m` plus free words matching id, name and args. Terms combine with AND;
/// a term may repeat (`state:failure state:retry`) and then matches either.
public struct TaskQuery: Hashable, Sendable {
    public var states: Set<TaskPhase> = []
    /// Glob patterns (`*` and `?`) on the task name.
    public var names: [String] = []
    public var workers: [String] = []
    public var queues: [String] = []
    /// Substrings of the args repr.
    public var args: [String] = []
    /// `key=value` pairs that must appear in the kwargs repr.
    public var kwargs: [(key: String, value: String)] = []
    /// Only tasks seen within this many seconds.
    public var since: Double?
    /// Words matched against id, name and args.
    public var words: [String] = []

    public init() {}

    /// Whether the query matches everything.
    public var isEmpty: Bool {
        states.isEmpty && names.isEmpty && workers.isEmpty && queues.isEmpty && args.isEmpty && kwargs.isEmpty
            && since == nil && words.isEmpty
    }

    public static func == (lhs: TaskQuery, rhs: TaskQuery) -> Bool {
        lhs.states == rhs.states && lhs.names == rhs.names && lhs.workers == rhs.workers && lhs.queues == rhs.queues
            && lhs.args == rhs.args && lhs.kwargs.map(\.key) == rhs.kwargs.map(\.key)
            && lhs.kwargs.map(\.value) == rhs.kwargs.map(\.value) && lhs.since == rhs.since && lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
        hasher.combine(words)
    }

    /// Whether `task` matches, with names resolved through `state` and `now` for `since:`.
    public func matches(_ task: TaskRecord, in state: ClusterState, now: Double) -> Bool {
        if !states.isEmpty, !states.contains(task.phase) { return false }
        let name = state.name(task.name) ?? ""
        if !names.isEmpty, !names.contains(where: { Glob.matches($0, name) }) { return false }
        if !workers.isEmpty {
            let worker = state.name(task.worker) ?? ""
            if !workers.contains(where: { Glob.matches($0, worker) || worker.hasPrefix($0 + "@") }) { return false }
        }
        if !queues.isEmpty, !queues.contains(where: { Glob.matches($0, state.name(task.queue) ?? "") }) { return false }
        let argsText = task.args ?? ""
        for needle in args where !argsText.lowercased().contains(needle.lowercased()) { return false }
        let kwargsText = task.kwargs ?? ""
        for pair in kwargs where !Self.kwargs(kwargsText, contain: pair) { return false }
        if let since, task.firstSeen < now - since { return false }
        for word in words {
            let w = word.lowercased()
            if !task.id.lowercased().contains(w), !name.lowercased().contains(w), !argsText.lowercased().contains(w) {
                return false
            }
        }
        return true
    }

    /// `user=42` matches a kwargs repr holding `'user': 42` or `'user': '42'`.
    static func kwargs(_ repr: String, contain pair: (key: String, value: String)) -> Bool {
        let forms = ["'\(pair.key)': \(pair.value)", "'\(pair.key)': '\(pair.value)'", "\"\(pair.key)\": \(pair.value)",
                     "\"\(pair.key)\": \"\(pair.value)\""]
        return forms.contains { repr.contains($0) }
    }
}

/// Shell-style globs on names: `*` any run, `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        if !pattern.contains("*") && !pattern.contains("?") { return pattern == text }
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
