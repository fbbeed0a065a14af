/// A modal dialog box: a title, lines of text (wrapped to fit) and a row of buttons, centred
/// over whatever is behind it. Confirmations ("Revoke 3 tasks?") and outcomes use it.
public struct Dialog: Hashable, Sendable {
    public var title: String
    public var lines: [String]
    public var buttons: [String]
    /// The focused button.
    public var selectedButton: Int
    /// The role of the text (`.error` for an error report).
    public var role: Role

    public init(title: String, lines: [String], buttons: [String] = ["OK"], selectedButton: Int = 0,
                role: Role = .dialog) {
        self.title = title
        self.lines = lines
        self.buttons = buttons
        self.selectedButton = selectedButton
        self.role = role
    }

    /// The label of one button as drawn: `[ OK ]`.
    static func label(_ button: String) -> String { "[ \(button) ]" }

    /// The rectangle the dialog takes on a screen of `bounds`: as wide as its content (at most
    /// the screen less two cells each side) and as tall as its wrapped text plus title, blank
    /// line and buttons.
    public func frame(in bounds: Rect) -> Rect {
        let buttonsWidth = buttons.map { Dialog.label($0).displayWidth }.reduce(0, +) + max(0, buttons.count - 1) * 2
        let contentWidth = max(title.displayWidth + 2, buttonsWidth, lines.map(\.displayWidth).max() ?? 0)
        let width = min(contentWidth + 4, max(0, bounds.width - 4))
        let textLines = lines.flatMap { $0.wrapped(toWidth: max(1, width - 4)) }
        let height = min(textLines.count + (buttons.isEmpty ? 2 : 4), max(0, bounds.height - 2))
        return bounds.centered(width: width, height: height)
    }

    /// Draws the dialog over `screen` and returns its frame (for mouse hit-testing).
    @discardableResult
    public func draw(on screen: inout Screen) -> Rect {
        let frame = frame(in: screen.bounds)
        guard frame.width >= 4, frame.height >= 3 else { return frame }
        screen.fill(frame, role: role)
        screen.box(frame, role: .border, title: title, titleRole: .dialogTitle)
        let inner = frame.inset(top: 1, left: 2, bottom: 1, right: 2)
        let textLines = lines.flatMap { $0.wrapped(toWidth: max(1, inner.width)) }
        let textRows = buttons.isEmpty ? inner.height : max(0, inner.height - 2)
        for (index, line) in textLines.prefix(textRows).enumerated() {
            screen.put(line, in: inner.row(index), role: role)
        }
        guard !buttons.isEmpty, inner.height >= 1 else { return frame }
        let labels = buttons.map(Dialog.label)
        let total = labels.map(\.displayWidth).reduce(0, +) + (labels.count - 1) * 2
        var x = inner.x + max(0, (inner.width - total) / 2)
        let y = inner.maxY - 1
        for (index, label) in labels.enumerated() {
            let role: Role = index == selectedButton ? .buttonActive : .button
            x = screen.put(label, x: x, y: y, role: role, clip: inner) + 2
        }
        return frame
    }
}
