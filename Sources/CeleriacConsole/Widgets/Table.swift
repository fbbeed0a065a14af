/// A table widget: a header row, rows, a selected row, marked rows, scrolling that keeps the
/// selection visible, and a sort indicator in the header.
///
/// Columns are separated by one space. Marked rows carry a mark in a two-cell gutter on the left
/// (present whenever `showsMarks` is on). When the columns' minimum widths do not fit, columns are
/// dropped from the right.
public struct Table: Hashable, Sendable {
    public var columns: [TableColumn]
    public var rows: [TableRow]
    /// Index of the selected row.
    public var selected: Int?
    /// Indices of marked rows.
    public var marked: Set<Int>
    /// The first row the model last showed (see `TableScroll`); drawing adjusts it so the
    /// selection is visible.
    public var scrollOffset: Int
    /// The sorted column and its direction, shown in the header.
    public var sort: TableSort?
    /// Whether to reserve the marks gutter.
    public var showsMarks: Bool
    /// Whether the pane has the focus (the selection uses `.selection`, else `.selectionInactive`).
    public var isFocused: Bool
    /// Shown dimmed when there are no rows.
    public var emptyText: String

    public init(columns: [TableColumn], rows: [TableRow], selected: Int? = nil, marked: Set<Int> = [],
                scrollOffset: Int = 0, sort: TableSort? = nil, showsMarks: Bool = false,
                isFocused: Bool = true, emptyText: String = "") {
        self.columns = columns
        self.rows = rows
        self.selected = selected
        self.marked = marked
        self.scrollOffset = scrollOffset
        self.sort = sort
        self.showsMarks = showsMarks
        self.isFocused = isFocused
        self.emptyText = emptyText
    }

    /// How many rows fit under the header in a rectangle of `height`.
    public static func visibleRows(height: Int) -> Int { max(0, height - 1) }

    /// The width of each column in `width` cells (0 for a dropped column), gutter excluded.
    public func columnWidths(for width: Int) -> [Int] {
        let available = width - (showsMarks ? 2 : 0)
        var widths = [Int](repeating: 0, count: columns.count)
        var used = 0
        var shown: [Int] = []
        for (i, column) in columns.enumerated() {
            let need = column.minimum + (shown.isEmpty ? 0 : 1)
            if used + need > available { break }
            widths[i] = column.minimum
            used += need
            shown.append(i)
        }
        let weights = shown.map { i -> Int in
            if case .flexible(_, let weight) = columns[i].width { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        let spare = available - used
        if totalWeight > 0, spare > 0 {
            var given = 0
            var last = 0
            for (k, i) in shown.enumerated() where weights[k] > 0 {
                let share = spare * weights[k] / totalWeight
                widths[i] += share
                given += share
                last = i
            }
            widths[last] += spare - given
        }
        return widths
    }
}
