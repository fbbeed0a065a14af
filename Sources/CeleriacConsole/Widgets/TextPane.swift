/// A scrollable pane of text (pretty JSON, a traceback), wrapped or scrolled sideways.
public struct TextPane: Hashable, Sendable {
    /// A line of the pane: text in one role, or styled spans.
    public struct Line: Hashable, Sendable {
        public var spans: [Span]

        public init(_ text: String, role: Role = .text) { self.spans = [Span(text, role: role)] }
        public init(spans: [Span]) { self.spans = spans }

        /// The line's plain text.
        public var text: String { spans.map(\.text).joined() }
    }

    /// A run of text in one role within a line.
    public struct Span: Hashable, Sendable {
        public var text: String
        public var role: Role

        public init(_ text: String, role: Role = .text) {
            self.text = text
            self.role = role
        }
    }

    public var lines: [Line]
    /// Whether long lines wrap (else they are cut and `horizontalOffset` scrolls them).
    public var wraps: Bool
    /// The first visible (wrapped) line.
    public var scrollOffset: Int
    /// Columns scrolled to the right when not wrapping.
    public var horizontalOffset: Int

    public init(lines: [Line], wraps: Bool = true, scrollOffset: Int = 0, horizontalOffset: Int = 0) {
        self.lines = lines
        self.wraps = wraps
        self.scrollOffset = scrollOffset
        self.horizontalOffset = horizontalOffset
    }

    /// A pane of plain text, one `Line` per text line.
    public init(text: String, role: Role = .text, wraps: Bool = true) {
        self.init(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map { Line(String($0), role: role) },
                  wraps: wraps)
    }

    /// The lines as displayed at `width`: wrapped lines split into several, spans kept.
    public func displayLines(width: Int) -> [Line] {
        guard wraps, width > 0 else { return lines }
        var result: [Line] = []
        for line in lines {
            let pieces = line.text.wrapped(toWidth: width)
            guard pieces.count > 1 else {
                result.append(line)
                continue
            }
            result += TextPane.restyle(pieces: pieces, of: line)
        }
        return result
    }

    /// The largest useful scroll offset in a pane of `height` × `width`.
    public func maxScroll(width: Int, height: Int) -> Int {
        max(0, displayLines(width: width).count - height)
    }

    /// Draws the pane into `rect`; returns the scroll offset used (clamped to the content).
    /// When there is more text below or above, the last column shows `↓`/`↑`.
    @discardableResult
    public func draw(in rect: Rect, on screen: inout Screen) -> Int {
        guard !rect.isEmpty else { return 0 }
        let display = displayLines(width: rect.width)
        let offset = min(max(0, scrollOffset), max(0, display.count - rect.height))
        for row in 0..<rect.height {
            let index = offset + row
            guard index < display.count else { break }
            var x = rect.x - (wraps ? 0 : horizontalOffset)
            for span in display[index].spans {
                x = screen.put(span.text.replacingTabs(), x: x, y: rect.y + row, role: span.role, clip: rect)
            }
        }
        let glyphs = screen.glyphs
        if offset > 0 { screen.put(String(glyphs.moreAbove), x: rect.maxX - 1, y: rect.y, role: .dim) }
        if offset + rect.height < display.count {
            screen.put(String(glyphs.moreBelow), x: rect.maxX - 1, y: rect.maxY - 1, role: .dim)
        }
        return offset
    }

    /// Cuts a styled line into the wrapped pieces of its text, keeping each span's role.
    private static func restyle(pieces: [String], of line: Line) -> [Line] {
        var roles: [Role] = []
        for span in line.spans { roles += Array(repeating: span.role, count: span.text.replacingTabs().count) }
        let characters = Array(line.text.replacingTabs())
        var position = 0
        var result: [Line] = []
        for (number, piece) in pieces.enumerated() {
            // A line broken at a space lost exactly that space; a word broken in two lost nothing.
            if number > 0, position < characters.count, characters[position] == " " { position += 1 }
            var spans: [Span] = []
            for character in piece {
                let role = position < roles.count ? roles[position] : .text
                if let last = spans.last, last.role == role {
                    spans[spans.count - 1].text.append(character)
                } else {
                    spans.append(Span(String(character), role: role))
                }
                position += 1
            }
            result.append(Line(spans: spans))
        }
        return result
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        contains("\t") ? split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    ") : self
    }
}
