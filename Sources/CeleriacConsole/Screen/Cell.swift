/// One cell of a `Screen`: the grapheme drawn there and its style role.
///
/// A wide character (CJK, most emoji) covers two cells: the left one holds the grapheme and the
/// right one is a *continuation* cell that holds nothing of its own. Combining marks live inside
/// the grapheme of the cell they modify, so they never take a cell.
public struct Cell: Hashable, Sendable {
    /// What is drawn in the cell (a space for an empty cell, ignored for continuation cells).
    public var grapheme: Character
    /// The style role of the cell.
    public var role: Role
    /// Whether this is the right half of a wide character in the cell to its left.
    public var isContinuation: Bool

    public init(_ grapheme: Character = " ", role: Role = .text, isContinuation: Bool = false) {
        self.grapheme = grapheme
        self.role = role
        self.isContinuation = isContinuation
    }

    /// A blank cell in the `.text` role.
    public static let blank = Cell()

    /// How many columns the cell's grapheme takes (0 for a continuation cell).
    public var width: Int { isContinuation ? 0 : max(1, grapheme.displayWidth) }
}
