/// A stretch of changed cells on one row that share one role: what a terminal backend draws in
/// one call. Runs never start on the right half of a wide character and always include both
/// halves, so the backend can draw `text` at (`x`, `y`) as is.
public struct ScreenRun: Hashable, Sendable {
    /// Column of the first cell.
    public var x: Int
    /// Row.
    public var y: Int
    /// The role of every cell in the run.
    public var role: Role
    /// The cells, continuation cells included (so `cells.count` is the width in columns).
    public var cells: [Cell]

    public init(x: Int, y: Int, role: Role, cells: [Cell]) {
        self.x = x
        self.y = y
        self.role = role
        self.cells = cells
    }

    /// The run's text, one grapheme per drawn character (continuation cells add nothing).
    public var text: String {
        var result = ""
        for cell in cells where !cell.isContinuation { result.append(cell.grapheme) }
        return result
    }

    /// Width in columns.
    public var width: Int { cells.count }
}
