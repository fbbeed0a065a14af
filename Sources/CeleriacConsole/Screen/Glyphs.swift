/// The drawing characters for one `Charset`, kept in one place so that views never hard-code a
/// box-drawing or block character and the ASCII fallback stays complete.
public struct Glyphs: Sendable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var teeLeft: Character
    public var teeRight: Character
    /// Truncation marker.
    public var ellipsis: Character
    /// Sort indicators in table headers.
    public var sortAscending: Character
    public var sortDescending: Character
    /// The gutter mark of a marked table row.
    public var mark: Character
    /// Sparkline levels from lowest to highest (eight of them).
    public var sparkLevels: [Character]
    /// A full gauge cell and the partial cells from one eighth up to seven eighths.
    public var gaugeFull: Character
    public var gaugePartials: [Character]
    /// The empty part of a gauge.
    public var gaugeEmpty: Character
    /// Scroll hints shown when more content is above or below.
    public var moreAbove: Character
    public var moreBelow: Character

    /// The glyphs of `charset`.
    public static func of(_ charset: Charset) -> Glyphs {
        charset == .unicode ? .unicode : .ascii
    }

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeLeft: "├", teeRight: "┤", ellipsis: "…", sortAscending: "▲", sortDescending: "▼", mark: "●",
        sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        gaugeFull: "█", gaugePartials: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], gaugeEmpty: " ",
        moreAbove: "↑", moreBelow: "↓"
    )

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeLeft: "+", teeRight: "+", ellipsis: "~", sortAscending: "^", sortDescending: "v", mark: "*",
        sparkLevels: ["_", ".", "-", "=", "+", "*", "#", "@"],
        gaugeFull: "#", gaugePartials: [], gaugeEmpty: ".",
        moreAbove: "^", moreBelow: "v"
    )
}
