/// Scroll arithmetic for lists, kept apart from drawing so that reducers can use it to store
/// the scroll offset in the model (views stay pure functions of the model).
public enum TableScroll {
    /// The first visible row after moving the selection: the previous offset when the selection
    /// is still on screen, otherwise the smallest change that brings it back, never scrolled past
    /// the end (no empty rows below the last one while rows are hidden above).
    public static func offset(previous: Int, selected: Int?, rowCount: Int, visibleRows: Int) -> Int {
        guard visibleRows > 0, rowCount > 0 else { return 0 }
        let maxOffset = max(0, rowCount - visibleRows)
        var offset = min(max(0, previous), maxOffset)
        if let selected {
            let s = min(max(0, selected), rowCount - 1)
            if s < offset { offset = s }
            if s >= offset + visibleRows { offset = s - visibleRows + 1 }
        }
        return min(offset, maxOffset)
    }

    /// The selection after moving by `delta` rows (clamped to the rows; nil when there are none).
    public static func move(_ selected: Int?, by delta: Int, rowCount: Int) -> Int? {
        guard rowCount > 0 else { return nil }
        return min(max(0, (selected ?? 0) + delta), rowCount - 1)
    }
}
