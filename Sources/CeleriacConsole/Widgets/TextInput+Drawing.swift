extension TextInput {
    /// Draws `prompt` and the text on the first row of `rect` and puts the screen's cursor at
    /// the input cursor. When the text is wider than the room, it scrolls horizontally so the
    /// cursor stays visible. An empty input shows `placeholder` dimmed.
    public func draw(prompt: String, placeholder: String = "", in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let row = rect.row(0)
        screen.fill(row, role: .input)
        let textX = screen.put(prompt, x: row.x, y: row.y, role: .input, clip: row)
        let room = row.maxX - textX
        guard room > 0 else { return }
        if characters.isEmpty, !placeholder.isEmpty {
            screen.put(placeholder, in: Rect(x: textX, y: row.y, width: room, height: 1), role: .placeholder)
        }
        // Scroll so that the cursor cell (one past the text at the end) fits.
        let widths = characters.map(\.displayWidth)
        var first = 0
        var cursorColumn = widths[0..<cursor].reduce(0, +)
        while cursorColumn >= room, first < cursor {
            cursorColumn -= widths[first]
            first += 1
        }
        var x = textX
        for index in first..<characters.count {
            if x + widths[index] > row.maxX { break }
            x = screen.put(String(characters[index]), x: x, y: row.y, role: .input, clip: row)
        }
        let cursorX = textX + cursorColumn
        if cursorX < row.maxX {
            screen.restyle(Rect(x: cursorX, y: row.y, width: 1, height: 1), role: .cursor)
            screen.cursor = Point(x: cursorX, y: row.y)
        }
    }
}
