/// A virtual terminal screen: a grid of `Cell`s that views draw into.
///
/// Views are pure functions that draw into a `Screen`; only the terminal backend turns it into
/// output (by `diff(from:)`), and tests read it back with `text()`. Drawing outside the grid is
/// clipped silently, so a view never has to check the terminal size before drawing.
public struct Screen: Hashable, Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// What characters the screen draws with.
    public let charset: Charset
    /// Where the terminal should show its text cursor (an input line sets it), or nil to hide it.
    public var cursor: Point?
    /// Row-major cells.
    var cells: [Cell]

    /// A blank screen of `width` × `height` cells (negative sizes become zero).
    public init(width: Int, height: Int, charset: Charset = .unicode) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.charset = charset
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole screen as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The glyph set for this screen's charset.
    public var glyphs: Glyphs { Glyphs.of(charset) }

    /// The cell at (`x`, `y`), or nil outside the grid.
    public func cell(x: Int, y: Int) -> Cell? {
        guard x >= 0, x < width, y >= 0, y < height else { return nil }
        return cells[y * width + x]
    }

    /// The role of the cell at (`x`, `y`), or nil outside the grid.
    public func role(x: Int, y: Int) -> Role? { cell(x: x, y: y)?.role }

    /// Blanks every cell and hides the cursor.
    public mutating func clear() {
        cells = Array(repeating: .blank, count: width * height)
        cursor = nil
    }

    /// Writes one cell, keeping wide characters whole: overwriting either half of a wide
    /// character blanks the other half, so no orphan half is ever left on the grid.
    mutating func set(_ cell: Cell, x: Int, y: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation, x > 0 {
            cells[index - 1] = Cell(" ", role: cells[index - 1].role)
        }
        if !old.isContinuation, old.width == 2, x + 1 < width {
            cells[index + 1] = Cell(" ", role: cells[index + 1].role)
        }
        cells[index] = cell
    }

    /// One row of cells (empty outside the grid).
    public func row(_ y: Int) -> ArraySlice<Cell> {
        guard y >= 0, y < height else { return [] }
        return cells[(y * width)..<(y * width + width)]
    }
}
