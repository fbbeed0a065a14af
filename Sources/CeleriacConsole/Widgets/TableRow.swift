/// A row of a `Table`: one text per column, drawn in the row's role unless a cell has its own.
public struct TableRow: Hashable, Sendable {
    public var cells: [String]
    /// The role of the row's text (a failed task's row is `.taskFailed`).
    public var role: Role
    /// Roles of single cells by column index (a state column in its state's colour).
    public var cellRoles: [Int: Role]

    public init(_ cells: [String], role: Role = .text, cellRoles: [Int: Role] = [:]) {
        self.cells = cells
        self.role = role
        self.cellRoles = cellRoles
    }
}
