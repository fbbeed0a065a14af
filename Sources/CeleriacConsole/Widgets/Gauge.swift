/// A horizontal bar showing a fraction (pool usage, queue fill), with an optional label drawn
/// over its middle.
public struct Gauge: Hashable, Sendable {
    /// 0…1 (values outside are clamped).
    public var fraction: Double
    /// Drawn centred over the bar.
    public var label: String
    /// From this fraction on the bar is `.gaugeWarning`.
    public var warning: Double
    /// From this fraction on the bar is `.gaugeCritical`.
    public var critical: Double

    public init(fraction: Double, label: String = "", warning: Double = 0.75, critical: Double = 0.9) {
        self.fraction = fraction
        self.label = label
        self.warning = warning
        self.critical = critical
    }

    /// The role of the filled part.
    public var role: Role {
        let f = clamped
        return f >= critical ? .gaugeCritical : (f >= warning ? .gaugeWarning : .gauge)
    }

    private var clamped: Double { fraction.isFinite ? min(max(fraction, 0), 1) : 0 }

    /// Draws the gauge on the first row of `rect`. Unicode screens fill in eighths of a cell;
    /// ASCII screens fill whole cells with `#` on a `.` background.
    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let glyphs = screen.glyphs
        let row = rect.row(0)
        let eighths = Int((clamped * Double(row.width * 8)).rounded())
        var full = eighths / 8
        var partial = eighths % 8
        if glyphs.gaugePartials.isEmpty {
            // Whole cells only: round to the nearest cell.
            full = Int((clamped * Double(row.width)).rounded())
            partial = 0
        }
        screen.fill(row, with: glyphs.gaugeEmpty, role: .gaugeEmpty)
        screen.fill(Rect(x: row.x, y: row.y, width: full, height: 1), with: glyphs.gaugeFull, role: role)
        if partial > 0, full < row.width {
            screen.put(String(glyphs.gaugePartials[partial - 1]), x: row.x + full, y: row.y, role: role, clip: row)
        }
        guard !label.isEmpty else { return }
        let text = label.truncated(toWidth: row.width, ellipsis: glyphs.ellipsis)
        let start = row.x + (row.width - text.displayWidth) / 2
        var x = start
        // Over the filled part the label takes the bar's role, elsewhere plain text.
        for character in text {
            let filled = x < row.x + full
            x = screen.put(String(character), x: x, y: row.y, role: filled ? role : .text, clip: row)
        }
    }
}
