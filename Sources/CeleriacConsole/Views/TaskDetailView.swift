import CeleriacProtocol

/// View 3: every field of one task, its arguments (pretty JSON from the original message when
/// the failure store has it), result, traceback, state timeline and canvas tree.
enum TaskDetailView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        guard let id = model.detailTask else {
            screen.put("No task selected: open one from the Tasks or Failures view (Enter).", in: rect.inset(by: 1).row(0), role: .dim)
            return
        }
        let task = model.state.tasks[id]
        let stored = model.state.failureStore.first { $0.taskID == id }
        guard task != nil || stored != nil else {
            screen.put("Task \(id) is no longer tracked (evicted or never seen).", in: rect.inset(by: 1).row(0), role: .warning)
            return
        }
        let phase = task?.phase ?? .failure
        screen.box(rect, role: .borderFocused, title: "Task \(id)")
        let pane = TextPane(lines: lines(model, id: id, task: task, stored: stored), wraps: model.detailWraps,
                            scrollOffset: model.scroll[.taskDetail] ?? 0)
        let inner = rect.inset(top: 1, left: 2, bottom: 1, right: 1)
        pane.draw(in: inner, on: &screen)
        let badge = " \(phase.celeryName) "
        screen.put(badge, x: rect.maxX - badge.count - 2, y: rect.y, role: phase.role, clip: rect)
    }

    static func lines(_ model: ConsoleModel, id: String, task: TaskRecord?, stored: FailureEntry?) -> [TextPane.Line] {
        let state = model.state
        var out: [TextPane.Line] = []
        func field(_ label: String, _ value: String?, _ role: Role = .text) {
            guard let value, !value.isEmpty else { return }
            out.append(TextPane.Line(spans: [TextPane.Span(label.padding(14), role: .header), TextPane.Span(value, role: role)]))
        }
        func section(_ title: String) {
            out.append(TextPane.Line(""))
            out.append(TextPane.Line("── \(title)", role: .title))
        }
        let name = task.flatMap { state.name($0.name) } ?? stored?.name
        field("Name", name)
        field("State", (task?.phase ?? .failure).celeryName, (task?.phase ?? .failure).role)
        field("Worker", task.flatMap { state.name($0.worker) })
        field("Queue", task.flatMap { state.name($0.queue) } ?? stored?.queue)
        field("Retries", task.map { "\($0.retries)" })
        field("Sent", task?.sent.map(Format.dateTime), .timestamp)
        field("Received", task?.received.map(Format.dateTime), .timestamp)
        field("Started", task?.started.map(Format.dateTime), .timestamp)
        field("Finished", task?.finished.map(Format.dateTime), .timestamp)
        field("Waited", task?.waitTime.map(Format.duration))
        field("Runtime", task?.runtime.map(Format.duration))
        field("ETA", task?.eta)
        field("Expires", task?.expires)
        field("Failure store", stored.map { _ in "original message kept (y retry, e edit and retry)" }, .info)

        section("Arguments")
        if let stored, let body = FailureArguments.body(of: stored.envelope), let items = body.arrayValue, items.count >= 2 {
            out.append(TextPane.Line("args", role: .dim))
            out += PrettyJSON.lines(items[0])
            out.append(TextPane.Line("kwargs", role: .dim))
            out += PrettyJSON.lines(items[1])
        } else {
            field("args", task?.args ?? "-")
            field("kwargs", task?.kwargs ?? "-")
        }
        if let result = task?.result {
            section("Result")
            out.append(TextPane.Line(result, role: .taskSucceeded))
        }
        if let exception = task?.exception ?? stored?.exception {
            section("Exception")
            out.append(TextPane.Line(exception, role: .taskFailed))
            let traceback = task?.traceback ?? stored?.traceback ?? ""
            for line in traceback.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                out.append(TextPane.Line(String(line), role: .traceback))
            }
        }
        if let task, !task.transitions.isEmpty {
            section("Timeline")
            let start = task.transitions[0].time
            for t in task.transitions {
                out.append(TextPane.Line(spans: [
                    TextPane.Span(Format.dateTime(t.time) + "  ", role: .timestamp),
                    TextPane.Span(("+" + Format.duration(t.time - start)).padding(10), role: .dim),
                    TextPane.Span(t.phase.celeryName.padding(10), role: t.phase.role),
                    TextPane.Span(state.name(t.worker) ?? "", role: .text),
                ]))
            }
        }
        if let task, task.parentID != nil || !task.children.isEmpty || (task.rootID != nil && task.rootID != task.id) {
            section("Canvas")
            if let root = task.rootID, root != task.id { out.append(treeLine(state, root, prefix: "root    ", depth: 0)) }
            if let parent = task.parentID, parent != task.rootID { out.append(treeLine(state, parent, prefix: "parent  ", depth: 0)) }
            out.append(treeLine(state, task.id, prefix: "this    ", depth: 0))
            for child in task.children { out.append(treeLine(state, child, prefix: "", depth: 1)) }
        }
        return out
    }

    /// One node of the canvas tree: id, name, state, and wait versus run time.
    static func treeLine(_ state: ClusterState, _ id: String, prefix: String, depth: Int) -> TextPane.Line {
        let guide = depth > 0 ? "        └─ " : ""
        guard let node = state.tasks[id] else {
            return TextPane.Line(spans: [TextPane.Span(prefix + guide, role: .treeGuide), TextPane.Span("\(id) (not tracked)", role: .dim)])
        }
        return TextPane.Line(spans: [
            TextPane.Span(prefix + guide, role: .treeGuide),
            TextPane.Span(Format.shortID(id) + " ", role: .text),
            TextPane.Span((state.name(node.name) ?? "?") + " ", role: .text),
            TextPane.Span(node.phase.celeryName, role: node.phase.role),
            TextPane.Span("  waited \(Format.duration(node.waitTime)) ran \(Format.duration(node.runtime))", role: .dim),
        ])
    }
}

extension String {
    /// The text padded with spaces to `width` columns (never cut).
    func padding(_ width: Int) -> String {
        let w = displayWidth
        return w >= width ? self + " " : self + String(repeating: " ", count: width - w)
    }
}
