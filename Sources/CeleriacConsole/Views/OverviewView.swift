/// View 1: cluster counters, throughput, queues with depth and drain time, and active alerts.
enum OverviewView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        let state = model.state
        let now = model.now
        let alertsHeight = min(max(3, state.alerts.count + 2), max(3, rect.height / 4))
        let queuesHeight = min(max(5, state.queues.count + 3), max(5, (rect.height - 5 - alertsHeight) / 2))
        let parts = rect.splitRows([.fixed(5), .fixed(queuesHeight), .fixed(alertsHeight), .fill(weight: 1)])
        // Counters.
        let box = parts[0]
        screen.box(box, title: "Cluster")
        let inner = box.inset(top: 1, left: 2, bottom: 1, right: 2)
        let online = state.onlineCount(now: now)
        let down = state.workers.count - online
        var x = screen.put("Workers ", x: inner.x, y: inner.y, role: .dim, clip: inner)
        x = screen.put("\(online) up", x: x, y: inner.y, role: online > 0 ? .workerOnline : .dim, clip: inner)
        x = screen.put("  ", x: x, y: inner.y, clip: inner)
        x = screen.put("\(down) down", x: x, y: inner.y, role: down > 0 ? .workerOffline : .dim, clip: inner)
        x = screen.put("   Tasks/s ", x: x, y: inner.y, role: .dim, clip: inner)
        x = screen.put("in \(Format.rate(state.received.rate(now: now)))", x: x, y: inner.y, clip: inner)
        let doneRate = state.succeeded.rate(now: now) + state.failed.rate(now: now)
        x = screen.put("  done \(Format.rate(doneRate))", x: x, y: inner.y, clip: inner)
        x = screen.put("   Tracked ", x: x, y: inner.y, role: .dim, clip: inner)
        screen.put("\(state.tasks.count)", x: x, y: inner.y, clip: inner)

        let row2 = inner.y + 1
        x = screen.put("Last minute ", x: inner.x, y: row2, role: .dim, clip: inner)
        let counts: [(String, Int, Role)] = [
            ("succeeded", state.succeeded.total(now: now), .taskSucceeded),
            ("failed", state.failed.total(now: now), .taskFailed),
            ("retried", state.retried.total(now: now), .taskRetry),
            ("revoked", state.revoked.total(now: now), .taskRevoked),
        ]
        for (label, count, role) in counts {
            x = screen.put("\(count) ", x: x, y: row2, role: role, clip: inner)
            x = screen.put(label + "  ", x: x, y: row2, role: .dim, clip: inner)
        }
        let finished = counts[0].1 + counts[1].1
        x = screen.put("failure rate ", x: x + 1, y: row2, role: .dim, clip: inner)
        screen.put(Format.percent(finished > 0 ? Double(counts[1].1) / Double(finished) : nil), x: x, y: row2,
                   role: counts[1].1 > 0 ? .taskFailed : .text, clip: inner)

        let row3 = inner.y + 2
        x = screen.put("Throughput ", x: inner.x, y: row3, role: .dim, clip: inner)
        let done = zip(state.succeeded.series(now: now), state.failed.series(now: now)).map { $0 + $1 }
        let caption = " done/s, last 60 s"
        let sparkWidth = max(0, min(60, inner.maxX - x - caption.count))
        Sparkline.draw(done, in: Rect(x: x, y: row3, width: sparkWidth, height: 1), on: &screen)
        screen.put(caption, x: x + sparkWidth, y: row3, role: .dim, clip: inner)

        // Queues.
        let queues = state.queueList
        let table = Table(
            columns: [TableColumn("Queue", width: .flexible(min: 10, weight: 2)),
                      TableColumn("Depth", width: .fixed(7), alignment: .right),
                      TableColumn("By priority", width: .flexible(min: 11, weight: 1)),
                      TableColumn("Cons", width: .fixed(4), alignment: .right),
                      TableColumn("In/s", width: .fixed(6), alignment: .right),
                      TableColumn("Out/s", width: .fixed(6), alignment: .right),
                      TableColumn("Drain", width: .fixed(7), alignment: .right),
                      TableColumn("Depth history", width: .flexible(min: 8, weight: 2))],
            rows: queues.map { queue in
                let consumers = state.workers.values.filter { $0.queues.contains(queue.name) && $0.isOnline(now: now) }.count
                return TableRow([queue.name, "\(queue.depth)", priorityText(queue.depths), "\(consumers)",
                                 Format.rate(queue.inRate(now: now)), queue.outRate(now: now).map(Format.rate) ?? "-",
                                 Format.drain(queue, now: now),
                                 ""],
                                cellRoles: [7: .sparkline, 1: queue.depth > 0 ? .text : .dim])
            },
            selected: model.view == .overview ? nil : nil, emptyText: "No queues seen yet (polls show them)")
        let queueBox = parts[1]
        screen.box(queueBox, title: queues.isEmpty ? "Queues" : "Queues · \(Format.inflowNote(queues))")
        let area = queueBox.inset(top: 1, left: 1, bottom: 1, right: 1)
        withHistory(table, queues, column: 7, width: area.width, glyphs: screen.glyphs).draw(in: area, on: &screen)

        // Alerts.
        let alertBox = parts[2]
        screen.box(alertBox, role: state.alerts.isEmpty ? .border : .alert, title: "Alerts (\(state.alerts.count))")
        let alertArea = alertBox.inset(top: 1, left: 2, bottom: 1, right: 2)
        if state.alerts.isEmpty {
            screen.put(state.alertRules.isEmpty ? "No alert rules loaded" : "No active alerts", in: alertArea.row(0), role: .dim)
        }
        for (i, alert) in state.alerts.prefix(alertArea.height).enumerated() {
            let since = "since \(Format.clock(alert.since))  "
            let sx = screen.put(since, x: alertArea.x, y: alertArea.y + i, role: .timestamp, clip: alertArea)
            screen.put(alert.message, in: Rect(x: sx, y: alertArea.y + i, width: alertArea.maxX - sx, height: 1), role: .alert)
        }

        // Workers, when there is room.
        if parts[3].height >= 4 {
            screen.box(parts[3], title: "Workers (\(online) of \(state.workers.count) online)")
            var workers = WorkersView.table(model)
            workers.selected = nil
            workers.draw(in: parts[3].inset(top: 1, left: 1, bottom: 1, right: 1), on: &screen)
        }
    }

    /// The table with each queue's depth sparkline drawn at the width its column gets.
    static func withHistory(_ table: Table, _ queues: [QueueRecord], column: Int, width: Int, glyphs: Glyphs) -> Table {
        var table = table
        let cellWidth = table.columnWidths(for: width)[column]
        for (i, queue) in queues.enumerated() where i < table.rows.count {
            table.rows[i].cells[column] = Sparkline.render(Array(queue.history), width: cellWidth, glyphs: glyphs)
        }
        return table
    }

    /// `5 · 0 · 2` (depth per priority step); the base key alone prints just its count.
    static func priorityText(_ depths: [Int]) -> String {
        depths.count <= 1 ? (depths.first.map { "\($0)" } ?? "-") : depths.map(String.init).joined(separator: "·")
    }
}
