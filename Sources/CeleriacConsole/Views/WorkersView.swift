/// View 5: every worker with status, heartbeat age, pid, pool, active/processed, load, queues.
enum WorkersView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        let now = model.now
        let workers = model.state.workerList
        screen.box(rect, role: .borderFocused, title: "Workers (\(model.state.onlineCount(now: now)) of \(workers.count) online)")
        table(model).draw(in: rect.inset(top: 1, left: 1, bottom: 1, right: 1), on: &screen)
    }

    /// The workers table (also shown on the overview).
    static func table(_ model: ConsoleModel) -> Table {
        let now = model.now
        let workers = model.state.workerList
        return Table(
            columns: [TableColumn("Worker", width: .flexible(min: 12, weight: 2)),
                      TableColumn("Status", width: .fixed(7)),
                      TableColumn("Beat", width: .fixed(6), alignment: .right),
                      TableColumn("PID", width: .fixed(7), alignment: .right),
                      TableColumn("Pool", width: .fixed(11)),
                      TableColumn("Active", width: .fixed(6), alignment: .right),
                      TableColumn("Done", width: .fixed(7), alignment: .right),
                      TableColumn("Load", width: .fixed(14)),
                      TableColumn("Queues", width: .flexible(min: 8, weight: 2)),
                      TableColumn("Software", width: .flexible(min: 10, weight: 1))],
            rows: workers.map { w in
                let online = w.isOnline(now: now)
                let age = w.heartbeatAge(now: now)
                let lagging = online && (age ?? 0) > w.freq * 1.5
                let status = online ? (lagging ? "late" : "online") : "offline"
                let pool = [w.poolKind, w.poolSize.map { "\($0)" }].compactMap { $0 }.joined(separator: " ")
                return TableRow([w.hostname, status, Format.duration(age), w.pid.map { "\($0)" } ?? "-",
                                 pool.isEmpty ? "-" : pool, "\(w.active)", "\(w.processed)",
                                 w.loadavg.map { Format.fixed($0, 2) }.joined(separator: " "),
                                 w.queues.joined(separator: ","),
                                 [w.swIdent, w.swVersion].compactMap { $0 }.joined(separator: " ")],
                                role: online ? .text : .dim,
                                cellRoles: [1: online ? (lagging ? .workerLagging : .workerOnline) : .workerOffline])
            },
            selected: workers.isEmpty ? nil : model.selectedRow, scrollOffset: model.scroll[.workers] ?? 0,
            emptyText: "No workers seen yet (waiting for heartbeats)")
    }
}

/// Worker detail: the worker's fields, registered tasks, active tasks and configuration.
enum WorkerDetailView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        guard let name = model.detailWorker, let w = model.state.workers[name] else {
            screen.put("The worker is no longer known.", in: rect.inset(by: 1).row(0), role: .warning)
            return
        }
        let now = model.now
        let columns = rect.splitColumns([.fraction(0.5), .fill(weight: 1)])
        let left = columns[0].splitRows([.fixed(10), .fill(weight: 1)])
        screen.box(left[0], title: w.hostname)
        let info = left[0].inset(top: 1, left: 2, bottom: 1, right: 2)
        let online = w.isOnline(now: now)
        var fields: [(String, String, Role)] = [
            ("Status", online ? "online" : "offline", online ? .workerOnline : .workerOffline),
            ("Heartbeat", "\(Format.duration(w.heartbeatAge(now: now))) ago (every \(Format.duration(w.freq)))", .text),
            ("PID", w.pid.map { "\($0)" } ?? "-", .text),
            ("Pool", [w.poolKind, w.poolSize.map { "\($0) processes" }].compactMap { $0 }.joined(separator: ", "), .text),
            ("Tasks", "\(w.active) active, \(w.processed) processed", .text),
            ("Load", w.loadavg.map { Format.fixed($0, 2) }.joined(separator: " "), .text),
            ("Queues", w.queues.joined(separator: ", "), .text),
            ("Software", [w.swIdent, w.swVersion, w.swSystem].compactMap { $0 }.joined(separator: " "), .text),
        ]
        // A pool of child processes (prefork, `--pool process`) lists their pids under the pool.
        if !w.poolProcesses.isEmpty {
            fields.insert(("Processes", w.poolProcesses.map(String.init).joined(separator: " "), .text), at: 4)
        }
        for (i, field) in fields.prefix(info.height).enumerated() {
            screen.put(field.0, x: info.x, y: info.y + i, role: .header, clip: info)
            screen.put(field.1, in: Rect(x: info.x + 11, y: info.y + i, width: info.width - 11, height: 1), role: field.2)
        }
        screen.box(left[1], title: "Registered tasks (\(w.registered.count))")
        TextPane(lines: w.registered.map { TextPane.Line($0) }, scrollOffset: model.scroll[.workerDetail] ?? 0)
            .draw(in: left[1].inset(top: 1, left: 2, bottom: 1, right: 1), on: &screen)
        let right = columns[1].splitRows([.fraction(0.5), .fill(weight: 1)])
        let active = w.activeTasks + w.reservedTasks
        screen.box(right[0], title: "Active and reserved (\(active.count))")
        TextPane(lines: active.map { id in
            let task = model.state.tasks[id]
            return TextPane.Line(spans: [TextPane.Span(Format.shortID(id) + " ", role: .text),
                                         TextPane.Span((task.flatMap { model.state.name($0.name) } ?? "?") + " ", role: .text),
                                         TextPane.Span(task?.phase.celeryName ?? "", role: task?.phase.role ?? .dim)])
        }).draw(in: right[0].inset(top: 1, left: 2, bottom: 1, right: 1), on: &screen)
        screen.box(right[1], title: "Configuration")
        TextPane(lines: w.conf.map { TextPane.Line(spans: [TextPane.Span($0.key + " = ", role: .jsonKey),
                                                           TextPane.Span($0.value, role: .text)]) },
                 wraps: false)
            .draw(in: right[1].inset(top: 1, left: 2, bottom: 1, right: 1), on: &screen)
        if w.conf.isEmpty { screen.put("not read yet", in: right[1].inset(top: 1, left: 2, bottom: 1, right: 1).row(0), role: .dim) }
        if active.isEmpty { screen.put("none", in: right[0].inset(top: 1, left: 2, bottom: 1, right: 1).row(0), role: .dim) }
    }
}
