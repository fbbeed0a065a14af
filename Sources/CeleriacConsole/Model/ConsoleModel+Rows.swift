import CeleriacProtocol

/// One failure row: a failure-store entry, or a live failure the store does not hold.
public struct FailureRow: Hashable, Sendable {
    public var taskID: String
    public var name: String
    public var exceptionType: String
    public var exception: String
    public var queue: String
    /// The worker the task failed on (empty when not known).
    public var worker: String
    /// Why it failed: the store's reason (`failed`, `unregistered`, `malformed`), or for a live
    /// failure `unregistered` when the exception is Celery's `NotRegistered`, else `failed`.
    public var reason: String
    public var time: Double
    /// Whether the failure store holds the original message (so retry can re-publish it).
    public var stored: Bool
}

/// One group of failures: a task name and an exception type, with how many.
public struct FailureGroup: Hashable, Sendable {
    public var name: String
    public var exceptionType: String
    public var count: Int
}

extension ConsoleModel {
    /// The Tasks view's rows: tasks matching the filter, in the chosen sort.
    public func taskRows() -> [TaskRecord] { taskRowPositions().map(state.tasks.record(at:)) }

    /// The ids of the Tasks view's rows in order.
    public func taskRowIDs() -> [String] { taskRowPositions().map { state.tasks.record(at: $0).id } }

    /// Where the Tasks view's rows are in the task table, in order (valid until the state
    /// changes). Sorting small keys rather than whole records or id texts keeps a frame at
    /// 10,000 tasks cheap; views fetch records only for the rows they show. Ties go by id:
    /// UUIDs are compared as their 128 bits (the order of their texts), other ids as text.
    func taskRowPositions() -> [Int] {
        let s = state
        let tasks = s.tasks
        var keyed: [(number: Double, text: String, key: TaskKey, position: Int)] = []
        keyed.reserveCapacity(tasks.count)
        let filtering = !filter.isEmpty
        // The id text is needed only to match free words; otherwise records are read as stored.
        let needsID = !filter.words.isEmpty
        for position in tasks.values.indices {
            let task = needsID ? tasks.record(at: position) : tasks.storedRecord(at: position)
            if filtering, !filter.matches(task, in: s, now: now) { continue }
            let key = task.key
            switch taskSort {
            case .id: keyed.append((0, "", key, position))
            case .name: keyed.append((0, s.name(task.name) ?? "", key, position))
            case .state: keyed.append((Double(task.phase.rawValue), "", key, position))
            case .worker: keyed.append((0, s.name(task.worker) ?? "", key, position))
            case .queue: keyed.append((0, s.name(task.queue) ?? "", key, position))
            case .args: keyed.append((0, task.args ?? "", key, position))
            case .received: keyed.append((task.firstSeen, "", key, position))
            case .runtime: keyed.append((task.runtime ?? -1, "", key, position))
            }
        }
        let ascending = sortAscending
        keyed.sort { a, b in
            if a.number != b.number { return ascending ? a.number < b.number : a.number > b.number }
            if a.text != b.text { return ascending ? a.text < b.text : a.text > b.text }
            if !a.key.isText, !b.key.isText { return a.key < b.key }
            return tasks.record(at: a.position).id < tasks.record(at: b.position).id
        }
        return keyed.map(\.position)
    }

    /// The Failures view's rows: store entries plus live failures, matching the filter, grouped
    /// (by name, then exception type) and newest first within a group.
    public func failureRows() -> [FailureRow] {
        var rows: [FailureRow] = []
        var seen: Set<String> = []
        for entry in state.failureStore {
            seen.insert(entry.taskID)
            rows.append(FailureRow(taskID: entry.taskID, name: entry.name, exceptionType: entry.exceptionType,
                                   exception: entry.exception, queue: entry.queue, worker: entry.worker,
                                   reason: entry.reason, time: entry.timestamp, stored: true))
        }
        // Read as stored first: only failed tasks need their id text.
        for position in state.tasks.values.indices where state.tasks.storedRecord(at: position).phase == .failure {
            let task = state.tasks.record(at: position)
            guard !seen.contains(task.id) else { continue }
            let exception = task.exception ?? ""
            rows.append(FailureRow(taskID: task.id, name: state.name(task.name) ?? "?",
                                   exceptionType: String(exception.prefix { $0 != "(" && $0 != ":" }),
                                   exception: exception, queue: state.name(task.queue) ?? "",
                                   worker: state.name(task.worker) ?? "",
                                   reason: exception.hasPrefix("NotRegistered") ? "unregistered" : "failed",
                                   time: task.finished ?? task.firstSeen, stored: false))
        }
        if !filter.isEmpty {
            rows = rows.filter { row in
                if let task = state.tasks[row.taskID] { return filter.matches(task, in: state, now: now) }
                return filter.names.allSatisfy { Glob.matches($0, row.name) }
                    && (filter.workers.isEmpty || filter.workers.contains { Glob.matches($0, row.worker) || row.worker.hasPrefix($0 + "@") })
                    && filter.words.allSatisfy { row.taskID.contains($0) || row.name.contains($0) || row.exception.contains($0) }
            }
        }
        rows.sort {
            if $0.name != $1.name { return $0.name < $1.name }
            if $0.exceptionType != $1.exceptionType { return $0.exceptionType < $1.exceptionType }
            if $0.time != $1.time { return $0.time > $1.time }
            return $0.taskID < $1.taskID
        }
        return rows
    }

    /// The failure groups with counts, largest first.
    public func failureGroups(_ rows: [FailureRow]) -> [FailureGroup] {
        var counts: [String: FailureGroup] = [:]
        for row in rows {
            let key = row.name + "\u{1F}" + row.exceptionType
            counts[key, default: FailureGroup(name: row.name, exceptionType: row.exceptionType, count: 0)].count += 1
        }
        return counts.values.sorted { $0.count != $1.count ? $0.count > $1.count : ($0.name, $0.exceptionType) < ($1.name, $1.exceptionType) }
    }

    /// The Task types view's rows, by name.
    public func taskTypeRows() -> [TaskTypeStats] { state.taskTypes.values.sorted { $0.name < $1.name } }

    /// The Events view's rows: the log, filtered by the free words of the filter (matching type,
    /// hostname or uuid), oldest first.
    public func eventRows() -> [LoggedEvent] {
        guard !filter.words.isEmpty || !filter.states.isEmpty else { return Array(state.eventLog) }
        return state.eventLog.filter { logged in
            let e = logged.event
            let text = [e.type.rawValue, e.hostname ?? "", e.uuid ?? "", e.name ?? ""].joined(separator: " ").lowercased()
            return filter.words.allSatisfy { text.contains($0.lowercased()) }
        }
    }

    /// The Audit view's rows, newest first.
    public func auditRows() -> [AuditEntry] { state.auditLog.sorted { $0.timestamp > $1.timestamp } }

    /// How many rows the view has (for selection bounds).
    public func rowCount(_ v: ConsoleView) -> Int {
        switch v {
        case .overview: state.queues.count
        case .tasks: taskRowPositions().count
        case .failures: failureRows().count
        case .workers: state.workers.count
        case .queues: state.queues.count
        case .taskTypes: state.taskTypes.count
        case .events: eventRows().count
        case .audit: state.auditLog.count
        case .taskDetail, .workerDetail: 0
        }
    }
}
