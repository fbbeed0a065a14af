/// The one-row bar at the bottom: key hints (or a message) on the left, status on the right.
/// While `alert` is set the bar turns `.statusBarAlert` and shows the alert instead of hints.
public struct StatusBar: Hashable, Sendable {
    public var hints: [KeyHint]
    /// Free text after the hints (a count of marked rows, the filter).
    public var message: String
    /// Right-aligned status (connection, clock, rates).
    public var status: String
    /// An alert or error that takes over the bar.
    public var alert: String?

    public init(hints: [KeyHint] = [], message: String = "", status: String = "", alert: String? = nil) {
        self.hints = hints
        self.message = message
        self.status = status
        self.alert = alert
    }

    /// Draws the bar on the first row of `rect`. The status keeps its room first; hints that do
    /// not fit in what is left are dropped whole rather than cut.
    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let row = rect.row(0)
        let barRole: Role = alert == nil ? .statusBar : .statusBarAlert
        screen.fill(row, role: barRole)
        let statusWidth = min(status.displayWidth, row.width)
        if statusWidth > 0 { screen.put(status, in: Rect(x: row.maxX - statusWidth, y: row.y, width: statusWidth, height: 1), role: barRole) }
        let left = Rect(x: row.x, y: row.y, width: row.width - statusWidth - (statusWidth > 0 ? 1 : 0), height: 1)
        guard left.width > 0 else { return }
        if let alert {
            screen.put(" " + alert, in: left, role: barRole)
            return
        }
        var x = left.x + 1
        for hint in hints {
            let width = hint.key.displayWidth + 1 + hint.label.displayWidth
            if x + width > left.maxX { break }
            x = screen.put(hint.key, x: x, y: row.y, role: .statusBarKey, clip: left)
            x = screen.put(" " + hint.label, x: x, y: row.y, role: barRole, clip: left) + 2
        }
        if !message.isEmpty, x < left.maxX {
            screen.put(message, in: Rect(x: x, y: row.y, width: left.maxX - x, height: 1), role: barRole)
        }
    }
}
