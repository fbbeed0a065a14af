/// A column of a `Table`: title, width rule and alignment.
public struct TableColumn: Hashable, Sendable {
    /// How wide a column is.
    public enum Width: Hashable, Sendable {
        /// Exactly this many cells.
        case fixed(Int)
        /// At least `min` cells, plus a share (by `weight`) of the width the fixed columns leave.
        case flexible(min: Int, weight: Int = 1)
    }

    public var title: String
    public var width: Width
    public var alignment: Alignment

    public init(_ title: String, width: Width, alignment: Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }

    /// The column's minimum width.
    var minimum: Int {
        switch width {
        case .fixed(let n): return max(0, n)
        case .flexible(let min, _): return max(0, min)
        }
    }
}
