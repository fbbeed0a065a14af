/// View 6: every queue (depth per priority, consumers, rates, drain time, history) and a
/// browser over the messages waiting in the selected one.
enum QueuesView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        let state = model.state
        let now = model.now
        let queues = state.queueList
        let parts = rect.splitRows([.fraction(0.5), .fill(weight: 1)])
        screen.box(parts[0], role: .borderFocused,
                   title: "Queues (\(queues.count))" + (queues.isEmpty ? "" : " · \(Format.inflowNote(queues))"))
        let table = Table(
            columns: [TableColumn("Queue", width: .flexible(min: 10, weight: 2)),
                      TableColumn("Depth", width: .fixed(7), alignment: .right),
                      TableColumn("By priority", width: .flexible(min: 11, weight: 1)),
                      TableColumn("Consumers", width: .fixed(9), alignment: .right),
                      TableColumn("In/s", width: .fixed(6), alignment: .right),
                      TableColumn("Out/s", width: .fixed(6), alignment: .right),
                      TableColumn("Drain", width: .fixed(7), alignment: .right),
                      TableColumn("Oldest", width: .fixed(7), alignment: .right),
                      TableColumn("History", width: .flexible(min: 8, weight: 2))],
            rows: queues.map { q in
                let consumers = state.workers.values.filter { $0.queues.contains(q.name) && $0.isOnline(now: now) }
                return TableRow([q.name, "\(q.depth)", OverviewView.priorityText(q.depths), "\(consumers.count)",
                                 Format.rate(q.inRate(now: now)), q.outRate(now: now).map(Format.rate) ?? "-",
                                 Format.drain(q, now: now), Format.latency(q.latency),
                                 ""],
                                cellRoles: [8: .sparkline, 3: consumers.isEmpty ? .warning : .text])
            },
            selected: queues.isEmpty ? nil : model.selectedRow, scrollOffset: model.scroll[.queues] ?? 0,
            emptyText: "No queues seen yet")
        let area = parts[0].inset(top: 1, left: 1, bottom: 1, right: 1)
        OverviewView.withHistory(table, queues, column: 8, width: area.width, glyphs: screen.glyphs).draw(in: area, on: &screen)

        let browser = parts[1]
        let inner = browser.inset(top: 1, left: 1, bottom: 1, right: 1)
        guard let queue = model.browsedQueue else {
            screen.box(browser, title: "Messages")
            screen.put("Select a queue and press b to browse its waiting messages ([ and ] page).", in: inner.row(0), role: .dim)
            return
        }
        guard let page = model.queuePage, page.queue == queue else {
            screen.box(browser, title: "Messages in \(queue)")
            screen.put("Reading…", in: inner.row(0), role: .dim)
            return
        }
        screen.box(browser, title: "Messages in \(queue): page \(page.page + 1), \(page.total) waiting")
        Table(columns: [TableColumn("ID", width: .fixed(36)), TableColumn("Task", width: .flexible(min: 12, weight: 1)),
                        TableColumn("Pri", width: .fixed(3), alignment: .right),
                        TableColumn("Args", width: .flexible(min: 10, weight: 3))],
              rows: page.messages.map { TableRow([$0.id, $0.name, "\($0.priority)", $0.argsPreview]) },
              emptyText: "No messages on this page")
            .draw(in: inner, on: &screen)
    }
}
