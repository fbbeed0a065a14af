extension Screen {
    /// Draws `text` on row `y` starting at column `x`, clipped to `clip` (and always to the
    /// screen). Wide characters take two cells; one cut by the clip edge leaves a space in the
    /// visible half. Combining marks join the character before them. On an ASCII screen every
    /// non-ASCII character becomes `?`. Control characters are skipped.
    ///
    /// - Returns: the column after the text as if nothing had been clipped, for chaining.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role = .text, clip: Rect? = nil) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        var column = x
        let visibleRow = y >= area.y && y < area.maxY
        for original in text {
            let character: Character = (charset == .ascii && !original.isASCII) ? "?" : original
            let w = character.displayWidth
            guard visibleRow else {
                column += w
                continue
            }
            if w == 0 {
                attachZeroWidth(character, x: column - 1, y: y, area: area)
                continue
            }
            if w == 2 {
                let leadVisible = column >= area.x && column < area.maxX
                let trailVisible = column + 1 >= area.x && column + 1 < area.maxX
                if leadVisible && trailVisible {
                    set(Cell(character, role: role), x: column, y: y)
                    set(Cell(" ", role: role, isContinuation: true), x: column + 1, y: y)
                } else if leadVisible {
                    set(Cell(" ", role: role), x: column, y: y)
                } else if trailVisible {
                    set(Cell(" ", role: role), x: column + 1, y: y)
                }
            } else if column >= area.x && column < area.maxX {
                set(Cell(character, role: role), x: column, y: y)
            }
            column += w
        }
        return column
    }

    /// Adds a lone combining mark to the character drawn just before it, when that cell is ours
    /// to change; anything that does not combine (a control character) is dropped.
    private mutating func attachZeroWidth(_ mark: Character, x: Int, y: Int, area: Rect) {
        guard area.contains(x: x, y: y), var target = cell(x: x, y: y) else { return }
        if target.isContinuation, let lead = cell(x: x - 1, y: y) {
            target = lead
            let combined = String(target.grapheme) + String(mark)
            if combined.count == 1, let joined = combined.first {
                cells[y * width + x - 1].grapheme = joined
            }
            return
        }
        let combined = String(target.grapheme) + String(mark)
        if combined.count == 1, let joined = combined.first {
            cells[y * width + x].grapheme = joined
        }
    }

    /// Draws `text` on the first row of `rect`, aligned, truncated with an ellipsis when it is
    /// wider than the rectangle. Cells of the row the text does not cover are left alone.
    @discardableResult
    public mutating func put(_ text: String, in rect: Rect, role: Role = .text, alignment: Alignment = .left) -> Int {
        guard !rect.isEmpty else { return rect.x }
        let cut = text.truncated(toWidth: rect.width, ellipsis: glyphs.ellipsis)
        let pad = rect.width - cut.displayWidth
        let start: Int
        switch alignment {
        case .left: start = rect.x
        case .right: start = rect.x + pad
        case .center: start = rect.x + pad / 2
        }
        return put(cut, x: start, y: rect.y, role: role, clip: rect)
    }

    /// Fills every cell of `rect` with `character` in `role`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: Role = .text) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let line = String(repeating: String(character), count: area.width)
        for y in area.y..<area.maxY { put(line, x: area.x, y: y, role: role, clip: area) }
    }

    /// Changes the role of every cell of `rect`, keeping what is drawn there (highlighting).
    public mutating func restyle(_ rect: Rect, role: Role) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { cells[y * width + x].role = role }
        }
    }

    /// A horizontal line of `length` cells starting at (`x`, `y`).
    public mutating func horizontalLine(x: Int, y: Int, length: Int, role: Role = .border, clip: Rect? = nil) {
        guard length > 0 else { return }
        put(String(repeating: String(glyphs.horizontal), count: length), x: x, y: y, role: role, clip: clip)
    }

    /// A vertical line of `length` cells starting at (`x`, `y`).
    public mutating func verticalLine(x: Int, y: Int, length: Int, role: Role = .border, clip: Rect? = nil) {
        guard length > 0 else { return }
        for row in y..<(y + length) { put(String(glyphs.vertical), x: x, y: row, role: role, clip: clip) }
    }

    /// A horizontal rule across a box drawn on `rect`, on row `y`, joined to the box's sides
    /// (`├────┤`, or `+----+` on ASCII screens): it splits one boxed pane into two.
    public mutating func separator(across rect: Rect, y: Int, role: Role = .border) {
        guard rect.width >= 2, y > rect.y, y < rect.maxY - 1 else { return }
        put(String(glyphs.teeLeft), x: rect.x, y: y, role: role)
        horizontalLine(x: rect.x + 1, y: y, length: rect.width - 2, role: role)
        put(String(glyphs.teeRight), x: rect.maxX - 1, y: y, role: role)
    }

    /// A box around the edge of `rect`, with an optional title in its top edge
    /// (`┌ Title ──┐`, or `+ Title --+` on ASCII screens), truncated to fit. Boxes smaller than
    /// 2×2 are not drawn.
    public mutating func box(_ rect: Rect, role: Role = .border, title: String? = nil, titleRole: Role = .title) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let g = glyphs
        let inner = rect.width - 2
        put(String(g.topLeft), x: rect.x, y: rect.y, role: role)
        horizontalLine(x: rect.x + 1, y: rect.y, length: inner, role: role)
        put(String(g.topRight), x: rect.maxX - 1, y: rect.y, role: role)
        verticalLine(x: rect.x, y: rect.y + 1, length: rect.height - 2, role: role)
        verticalLine(x: rect.maxX - 1, y: rect.y + 1, length: rect.height - 2, role: role)
        put(String(g.bottomLeft), x: rect.x, y: rect.maxY - 1, role: role)
        horizontalLine(x: rect.x + 1, y: rect.maxY - 1, length: inner, role: role)
        put(String(g.bottomRight), x: rect.maxX - 1, y: rect.maxY - 1, role: role)
        if let title, !title.isEmpty, inner >= 3 {
            put(" " + title.truncated(toWidth: inner - 2, ellipsis: g.ellipsis) + " ",
                x: rect.x + 1, y: rect.y, role: titleRole)
        }
    }
}
