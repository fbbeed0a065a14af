/// A one-row chart of recent values in block characters (`▁▂▃▄▅▆▇█`, or `_.-=+*#@` on ASCII
/// screens), newest on the right.
public enum Sparkline {
    /// The sparkline text for `values` in `width` cells: the last `width` values, right-aligned.
    /// Each value is scaled against `maximum` (the largest value when nil): zero or less is a
    /// space, anything above zero is at least the lowest block, and the maximum is the full block.
    public static func render(_ values: [Double], width: Int, maximum: Double? = nil, glyphs: Glyphs) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        let top = maximum ?? shown.max() ?? 0
        let levels = glyphs.sparkLevels
        var text = String(repeating: " ", count: width - shown.count)
        for value in shown {
            guard value > 0, top > 0, !levels.isEmpty, value.isFinite else {
                text.append(" ")
                continue
            }
            let scaled = Int((min(value, top) / top * Double(levels.count)).rounded(.up))
            text.append(levels[min(max(scaled, 1), levels.count) - 1])
        }
        return text
    }

    /// Draws the sparkline on the first row of `rect`.
    public static func draw(_ values: [Double], maximum: Double? = nil, in rect: Rect, on screen: inout Screen,
                            role: Role = .sparkline) {
        guard !rect.isEmpty else { return }
        let text = render(values, width: rect.width, maximum: maximum, glyphs: screen.glyphs)
        screen.put(text, x: rect.x, y: rect.y, role: role, clip: rect)
    }
}
