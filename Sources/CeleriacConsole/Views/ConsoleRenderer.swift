/// Draws a whole frame of the console: tab bar, the current view, the input or result line,
/// the status bar, and the help overlay or dialog on top. A pure function of the model.
public enum ConsoleRenderer {
    /// The smallest screen the console lays out for.
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    /// Draws `model` into `screen` (cleared first).
    public static func render(_ model: ConsoleModel, into screen: inout Screen) {
        screen.clear()
        guard screen.width >= minimumWidth, screen.height >= minimumHeight else {
            drawTooSmall(on: &screen)
            return
        }
        let rows = screen.bounds.splitRows([.fixed(1), .fill(weight: 1), .fixed(1), .fixed(1)])
        drawTabs(model, in: rows[0], on: &screen)
        let content = rows[1]
        switch model.view {
        case .overview: OverviewView.draw(model, in: content, on: &screen)
        case .tasks: TasksView.draw(model, in: content, on: &screen)
        case .taskDetail: TaskDetailView.draw(model, in: content, on: &screen)
        case .failures: FailuresView.draw(model, in: content, on: &screen)
        case .workers: WorkersView.draw(model, in: content, on: &screen)
        case .workerDetail: WorkerDetailView.draw(model, in: content, on: &screen)
        case .queues: QueuesView.draw(model, in: content, on: &screen)
        case .taskTypes: TaskTypesView.draw(model, in: content, on: &screen)
        case .events: EventsView.draw(model, in: content, on: &screen)
        case .audit: AuditView.draw(model, in: content, on: &screen)
        }
        drawLine(model, in: rows[2], on: &screen)
        statusBar(model).draw(in: rows[3], on: &screen)
        if model.showHelp { HelpOverlay.draw(model, in: content, on: &screen) }
        if let dialog = model.dialog { dialog.dialog.draw(on: &screen) }
    }

    /// One frame as text, for `celeriac console --once --view NAME --size WxH`.
    public static func renderOnce(_ model: ConsoleModel, view: ConsoleView? = nil, width: Int, height: Int,
                                  charset: Charset = .unicode) -> String {
        var copy = model
        if let view { copy.reduce(.show(view)) }
        var screen = Screen(width: width, height: height, charset: charset)
        render(copy, into: &screen)
        return screen.text()
    }

    static func drawTooSmall(on screen: inout Screen) {
        let lines = ["Terminal too small: \(screen.width)×\(screen.height)",
                     "celeriac console needs at least \(minimumWidth)×\(minimumHeight).",
                     "Enlarge the window or press q to quit."]
        let top = max(0, (screen.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            screen.put(line, in: Rect(x: 0, y: top + i, width: screen.width, height: 1), role: i == 0 ? .warning : .text,
                       alignment: .center)
        }
    }

    static func drawTabs(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        screen.fill(rect, role: .tabInactive)
        var x = rect.x
        let full = ConsoleView.tabs.map { $0.title.displayWidth + 4 }.reduce(0, +) + 10
        // Narrow terminals get short titles so that all nine tabs stay visible.
        let short = full > rect.width
        for (index, tab) in ConsoleView.tabs.enumerated() {
            let label = short ? " \(index + 1) \(tab.shortTitle)" + (model.view.tab == tab ? " " : "")
                : " \(index + 1) \(tab.title) "
            let role: Role = model.view.tab == tab ? .tabActive : .tabInactive
            x = screen.put(label, x: x, y: rect.y, role: role, clip: rect)
        }
        let name = " celeriac "
        if x + name.count < rect.maxX {
            screen.put(name, in: Rect(x: rect.maxX - name.count, y: rect.y, width: name.count, height: 1), role: .title)
        }
    }

    /// The line above the status bar: the open input, else the last result, else the filter.
    static func drawLine(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        if let line = model.input {
            let prompt = line.kind == .filter ? "/" : ":"
            let placeholder = line.kind == .filter ? "state:failure name:demo.* worker:w1 queue:slow since:10m text"
                : "revoke ID · rate TASK 10/s · purge QUEUE · theme NAME · q"
            line.input.draw(prompt: prompt, placeholder: placeholder, in: rect, on: &screen)
            if line.kind == .filter, let error = model.filterError {
                let start = rect.x + prompt.count + error.column
                screen.restyle(Rect(x: start, y: rect.y, width: error.length, height: 1), role: .error)
            }
            return
        }
        if let result = model.resultLine {
            screen.put(result.text, in: rect, role: result.isError ? .error : .success)
            return
        }
        if !model.filterText.isEmpty {
            let x = screen.put("filter: ", x: rect.x, y: rect.y, role: .dim, clip: rect)
            screen.put(model.filterText, in: Rect(x: x, y: rect.y, width: rect.maxX - x, height: 1), role: .filterMatch)
        }
    }

    /// Short status-bar labels for the views' actions.
    static let hintLabels: [String: String] = [
        "sort.next": "sort", "sort.reverse": "reverse", "task.revoke": "revoke", "task.terminate": "terminate",
        "task.retry": "retry", "task.retryMatching": "retry all", "task.editRetry": "edit", "pane.wrap": "wrap",
        "worker.grow": "grow", "worker.shrink": "shrink", "worker.shutdown": "shutdown", "queue.purge": "purge",
        "queue.pause": "pause", "queue.resume": "resume", "queue.browse": "browse", "taskType.rateLimit": "rate limit",
        "taskType.timeLimit": "time limit", "events.follow": "follow",
    ]

    static func statusBar(_ model: ConsoleModel) -> StatusBar {
        let now = model.now
        var status = ""
        switch model.state.connection {
        case .connecting: status = "connecting…"
        case .connected: status = "connected"
        case .reconnecting(let retryAt, let error):
            status = "broker lost (\(error)), retry in \(Int(max(0, retryAt - now).rounded(.up)))s"
        case .failed(let error): status = "broker: \(error)"
        }
        let online = model.state.onlineCount(now: now)
        status += " │ \(online)/\(model.state.workers.count) workers │ \(Format.clock(now)) "
        var alert: String?
        if let error = model.filterError, model.input?.kind == .filter {
            alert = "filter: \(error.description) (the filter is unchanged)"
        } else if case .reconnecting = model.state.connection {
            alert = "showing the last known state"
        } else if let first = model.state.alerts.first {
            alert = first.message + (model.state.alerts.count > 1 ? " (+\(model.state.alerts.count - 1) more)" : "")
        }
        var hints: [KeyHint] = [KeyHint("?", "help")]
        for binding in (model.keyMap.views[model.view.name] ?? []).prefix(5) where !model.readOnly {
            hints.append(KeyHint(binding.key.name, hintLabels[binding.action]
                                    ?? binding.description.split(separator: " ").first.map(String.init) ?? binding.action))
        }
        hints += [KeyHint("/", "filter"), KeyHint(":", "command"), KeyHint("q", "back")]
        var notes: [String] = []
        if !model.marks.isEmpty { notes.append("\(model.marks.count) marked") } else if model.readOnly { notes.append("read-only") }
        if !model.notices.isEmpty {
            let errors = model.notices.filter(\.isError).count
            notes.append("\(model.notices.count) notice\(model.notices.count == 1 ? "" : "s")\(errors > 0 ? " (\(errors) !)" : "") :notices")
        }
        let message = notes.joined(separator: "  ")
        return StatusBar(hints: hints, message: message, status: status, alert: alert)
    }
}
