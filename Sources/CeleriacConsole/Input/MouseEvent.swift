/// A mouse event at a screen cell.
public struct MouseEvent: Hashable, Sendable {
    /// What the mouse did.
    public enum Kind: Hashable, Sendable {
        /// The left button was pressed or clicked.
        case leftClick
        /// The right button was pressed or clicked.
        case rightClick
        /// The wheel turned up (away from the user).
        case wheelUp
        /// The wheel turned down.
        case wheelDown
    }

    public var kind: Kind
    /// Column of the event.
    public var x: Int
    /// Row of the event.
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}
