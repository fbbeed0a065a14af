/// View 2: every tracked task matching the filter, sortable by any column, with marks.
enum TasksView {
    static let columns = [
        TableColumn("ID", width: .flexible(min: 8, weight: 1)),
        TableColumn("Name", width: .flexible(min: 12, weight: 3)),
        TableColumn("State", width: .fixed(8)),
        TableColumn("Worker", width: .flexible(min: 8, weight: 2)),
        TableColumn("Queue", width: .flexible(min: 6, weight: 1)),
        TableColumn("Args", width: .flexible(min: 6, weight: 4)),
        TableColumn("Received", width: .fixed(10)),
        TableColumn("Runtime", width: .fixed(7), alignment: .right),
    ]

    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        let state = model.state
        let rows = model.taskRowPositions()
        let parts = rect.splitRows([.fixed(1), .fill(weight: 1)])
        var summary = "\(rows.count) of \(state.tasks.count) tasks"
        if state.evictedCount > 0 { summary += " (\(state.evictedCount) older evicted)" }
        screen.put(summary, in: parts[0], role: .title)
        let body = parts[1]
        let visible = Table.visibleRows(height: body.height)
        let selected = model.selectedRow
        // Build only the rows that can be seen: a frame at 100,000 tasks stays cheap.
        let offset = TableScroll.offset(previous: model.scroll[.tasks] ?? 0, selected: selected, rowCount: rows.count,
                                        visibleRows: visible)
        let window = rows.dropFirst(offset).prefix(visible).map(state.tasks.record(at:))
        let idWidth = rect.width >= 160 ? 36 : 8
        let tableRows = window.map { task -> TableRow in
            TableRow([Format.shortID(task.id, idWidth), state.name(task.name) ?? "?", task.phase.celeryName,
                      state.name(task.worker) ?? "", state.name(task.queue) ?? "", task.args ?? "",
                      Format.clock(task.firstSeen), Format.duration(task.runtime)],
                     cellRoles: [2: task.phase.role, 6: .timestamp])
        }
        var marked: Set<Int> = []
        for (i, task) in window.enumerated() where model.marks.contains(task.id) { marked.insert(i) }
        var cols = columns
        if rect.width >= 160 { cols[0] = TableColumn("ID", width: .fixed(36)) }
        let table = Table(columns: cols, rows: tableRows, selected: rows.isEmpty ? nil : selected - offset, marked: marked,
                          sort: TableSort(column: model.taskSort.rawValue, ascending: model.sortAscending),
                          showsMarks: true, emptyText: model.filter.isEmpty ? "No tasks yet" : "No task matches the filter")
        table.draw(in: body, on: &screen)
    }
}
