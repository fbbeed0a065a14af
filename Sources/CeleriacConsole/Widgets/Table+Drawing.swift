extension Table {
    /// Draws the table into `rect` and returns the scroll offset it used (the model should store
    /// it so the next frame scrolls from there).
    @discardableResult
    public func draw(in rect: Rect, on screen: inout Screen) -> Int {
        guard !rect.isEmpty else { return scrollOffset }
        let glyphs = screen.glyphs
        let widths = columnWidths(for: rect.width)
        let gutter = showsMarks ? 2 : 0
        screen.fill(rect.row(0), role: .header)
        drawCells(columns.map(\.title), widths: widths, x: rect.x + gutter, y: rect.y, rect: rect,
                  role: { _ in .header }, on: &screen, glyphs: glyphs, header: true)

        let bodyHeight = Table.visibleRows(height: rect.height)
        let offset = TableScroll.offset(previous: scrollOffset, selected: selected, rowCount: rows.count,
                                        visibleRows: bodyHeight)
        if rows.isEmpty, bodyHeight > 0, !emptyText.isEmpty {
            screen.put(emptyText, in: rect.inset(top: 1, left: gutter).row(0), role: .dim)
            return 0
        }
        for line in 0..<bodyHeight {
            let index = offset + line
            guard index < rows.count else { break }
            let row = rows[index]
            let y = rect.y + 1 + line
            let isSelected = index == selected
            let isMarked = marked.contains(index)
            let rowRole: Role = isSelected ? (isFocused ? .selection : .selectionInactive) : (isMarked ? .marked : row.role)
            if isSelected || isMarked { screen.fill(rect.row(1 + line), role: rowRole) }
            if showsMarks, isMarked { screen.put(String(glyphs.mark), x: rect.x, y: y, role: rowRole, clip: rect) }
            drawCells(row.cells, widths: widths, x: rect.x + gutter, y: y, rect: rect,
                      role: { column in isSelected || isMarked ? rowRole : (row.cellRoles[column] ?? row.role) },
                      on: &screen, glyphs: glyphs, header: false)
        }
        return offset
    }

    private func drawCells(_ texts: [String], widths: [Int], x: Int, y: Int, rect: Rect, role: (Int) -> Role,
                           on screen: inout Screen, glyphs: Glyphs, header: Bool) {
        var column = x
        var first = true
        for (i, width) in widths.enumerated() where width > 0 {
            if !first { column += 1 }
            first = false
            var text = i < texts.count ? texts[i] : ""
            if header, let sort, sort.column == i {
                let arrow = String(sort.ascending ? glyphs.sortAscending : glyphs.sortDescending)
                // The arrow must survive truncation: shorten the title, not the arrow.
                text = text.truncated(toWidth: max(0, width - 2), ellipsis: glyphs.ellipsis) + " " + arrow
            }
            let cell = Rect(x: column, y: y, width: width, height: 1).intersection(rect)
            screen.put(text, in: cell, role: role(i), alignment: columns[i].alignment)
            column += width
        }
    }
}
