/// View 4: failures grouped by task name and exception type, then each failure (store entries
/// and live ones), with marks for bulk retry.
enum FailuresView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        let rows = model.failureRows()
        let groups = model.failureGroups(rows)
        let groupHeight = min(groups.count + 3, max(4, rect.height / 3))
        let parts = rect.splitRows([.fixed(groupHeight), .fill(weight: 1)])
        screen.box(parts[0], title: "Groups (\(groups.count))")
        let groupTable = Table(
            columns: [TableColumn("Count", width: .fixed(6), alignment: .right),
                      TableColumn("Task", width: .flexible(min: 12, weight: 1)),
                      TableColumn("Exception", width: .flexible(min: 12, weight: 1))],
            rows: groups.map { TableRow(["\($0.count)", $0.name, $0.exceptionType], cellRoles: [2: .taskFailed]) },
            emptyText: "No failures")
        groupTable.draw(in: parts[0].inset(top: 1, left: 1, bottom: 1, right: 1), on: &screen)

        let stored = rows.filter(\.stored).count
        screen.box(parts[1], role: .borderFocused, title: "Failures (\(rows.count), \(stored) retriable from the store)")
        let body = parts[1].inset(top: 1, left: 1, bottom: 1, right: 1)
        // Only the rows on screen become table rows (formatting 1,000 failures per frame is waste).
        let visible = Table.visibleRows(height: body.height)
        let selected = min(model.selectedRow, max(0, rows.count - 1))
        let offset = TableScroll.offset(previous: model.scroll[.failures] ?? 0, selected: selected, rowCount: rows.count,
                                        visibleRows: visible)
        let window = Array(rows.dropFirst(offset).prefix(visible))
        var marked: Set<Int> = []
        for (i, row) in window.enumerated() where model.marks.contains(row.taskID) { marked.insert(i) }
        // The reason (failed, unregistered, malformed) only where there is room: the exception
        // text says more at 80 columns.
        let wide = body.width >= 120
        var columns = [TableColumn("ID", width: body.width >= 160 ? .fixed(36) : .flexible(min: 8, weight: 1)),
                       TableColumn("Task", width: .flexible(min: 12, weight: 1)),
                       TableColumn("Exception", width: .flexible(min: 14, weight: 4))]
        if wide { columns.append(TableColumn("Reason", width: .fixed(12))) }
        columns += [TableColumn("Worker", width: .flexible(min: 8, weight: 1)),
                    TableColumn("Queue", width: .flexible(min: 6, weight: 1)),
                    TableColumn("Failed at", width: .fixed(9)),
                    TableColumn("Kept", width: .fixed(4))]
        let table = Table(
            columns: columns,
            rows: window.map { row in
                var cells = [Format.shortID(row.taskID, body.width >= 160 ? 36 : 8), row.name, row.exception]
                var roles: [Int: Role] = [2: .taskFailed]
                if wide {
                    roles[cells.count] = row.reason == "failed" ? .text : .warning
                    cells.append(row.reason)
                }
                cells.append(row.worker.isEmpty ? "-" : row.worker)
                cells.append(row.queue)
                roles[cells.count] = .timestamp
                cells.append(Format.clock(row.time))
                roles[cells.count] = row.stored ? .success : .dim
                cells.append(row.stored ? "yes" : "no")
                return TableRow(cells, cellRoles: roles)
            },
            selected: rows.isEmpty ? nil : selected - offset, marked: marked, scrollOffset: 0,
            showsMarks: true, emptyText: "No failures: nothing in the failure store, no live task-failed event")
        table.draw(in: body, on: &screen)
    }
}
