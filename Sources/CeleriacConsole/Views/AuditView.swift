/// View 9: every action operators took, newest first.
enum AuditView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        let rows = model.auditRows()
        screen.box(rect, role: .borderFocused, title: "Audit (\(rows.count))")
        Table(columns: [TableColumn("Time", width: .fixed(23)), TableColumn("Who", width: .flexible(min: 10, weight: 1)),
                        TableColumn("Action", width: .fixed(10)), TableColumn("Target", width: .flexible(min: 10, weight: 2)),
                        TableColumn("Outcome", width: .flexible(min: 10, weight: 3))],
              rows: rows.map { TableRow([Format.dateTime($0.timestamp), $0.who, $0.action, $0.target, $0.outcome],
                                        cellRoles: [0: .timestamp]) },
              selected: rows.isEmpty ? nil : model.selectedRow, scrollOffset: model.scroll[.audit] ?? 0,
              emptyText: "No operator actions recorded")
            .draw(in: rect.inset(top: 1, left: 1, bottom: 1, right: 1), on: &screen)
    }
}

/// The `?` overlay: every key of the current view, from the key map.
enum HelpOverlay {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        var entries = model.keyMap.helpEntries(for: model.view.name)
        if model.readOnly {
            let local = Set((model.keyMap.views[model.view.name] ?? []).map(\.key))
            entries = entries.filter { !local.contains($0.key) }
        }
        let columns = rect.width >= 120 ? 2 : 1
        let perColumn = (entries.count + columns - 1) / columns
        let width = min(rect.width - 4, columns * 48)
        let frame = rect.centered(width: width, height: min(rect.height, perColumn + 4))
        screen.fill(frame, role: .dialog)
        screen.box(frame, title: "Keys: \(model.view.title)\(model.readOnly ? " (read-only)" : "")", titleRole: .dialogTitle)
        let inner = frame.inset(top: 1, left: 2, bottom: 2, right: 2)
        let columnWidth = inner.width / columns
        for (i, entry) in entries.enumerated() {
            let column = i / max(1, perColumn)
            let row = i % max(1, perColumn)
            guard row < inner.height else { continue }
            let x = inner.x + column * columnWidth
            let keyText = entry.key.name
            screen.put(keyText, x: x, y: inner.y + row, role: .key, clip: inner)
            screen.put(entry.description, in: Rect(x: x + 11, y: inner.y + row, width: columnWidth - 12, height: 1), role: .dialog)
        }
        screen.put("Esc, q or ? closes", in: Rect(x: inner.x, y: frame.maxY - 2, width: inner.width, height: 1), role: .dim)
    }
}
