import CeleriacProtocol
/// View 8: the raw event stream as `celery events --dump` prints it, filterable by free words,
/// with the counters of malformed input.
enum EventsView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        let state = model.state
        let rows = model.eventRows()
        let parts = rect.splitRows([.fixed(1), .fill(weight: 1)])
        var x = screen.put("\(state.totalEvents) events, showing \(rows.count) (last \(state.maxEvents) kept)   ",
                           x: parts[0].x, y: parts[0].y, role: .title, clip: parts[0])
        x = screen.put("malformed \(state.malformedCount)", x: x, y: parts[0].y,
                       role: state.malformedCount > 0 ? .warning : .dim, clip: parts[0])
        x = screen.put("   unknown types \(state.unknownEventCount)", x: x, y: parts[0].y, role: .dim, clip: parts[0])
        if let top = state.malformedReasons.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) {
            screen.put("   most: \(top.key) (\(top.value))", x: x, y: parts[0].y, role: .warning, clip: parts[0])
        }
        let body = parts[1]
        screen.box(body, role: .borderFocused, title: model.eventsFollow ? "Events (following)" : "Events")
        let inner = body.inset(top: 1, left: 1, bottom: 1, right: 1)
        guard !rows.isEmpty else {
            screen.put("No events yet", in: inner.row(0), role: .dim)
            return
        }
        let selected = model.eventsFollow ? rows.count - 1 : min(model.selectedRow, rows.count - 1)
        let offset = TableScroll.offset(previous: model.eventsFollow ? rows.count : (model.scroll[.events] ?? 0),
                                        selected: selected, rowCount: rows.count, visibleRows: inner.height)
        for line in 0..<inner.height {
            let index = offset + line
            guard index < rows.count else { break }
            let event = rows[index].event
            let name = event.uuid.flatMap { state.tasks[$0] }.flatMap { state.name($0.name) }
            let text = EventDump.line(event, taskName: name)
            let role = role(of: event.type.rawValue)
            let y = inner.y + line
            if index == selected, !model.eventsFollow {
                screen.fill(inner.row(line), role: .selection)
                screen.put(text, in: inner.row(line), role: .selection)
            } else {
                screen.put(text, in: inner.row(line), role: role)
            }
            _ = y
        }
    }

    static func role(of type: String) -> Role {
        switch type {
        case "task-succeeded": .taskSucceeded
        case "task-failed": .taskFailed
        case "task-retried": .taskRetry
        case "task-revoked", "task-cancelled": .taskRevoked
        case "task-rejected": .taskRejected
        case "task-started": .taskStarted
        case "task-received": .taskReceived
        case "worker-offline": .workerOffline
        case "worker-online": .workerOnline
        case "worker-heartbeat": .dim
        default: .text
        }
    }
}
