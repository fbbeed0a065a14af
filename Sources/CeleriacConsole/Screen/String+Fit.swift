extension String {
    /// The text cut to at most `width` columns; when something was cut, the last column holds
    /// `ellipsis` (`…`, or `~` on ASCII screens). A wide character that would straddle the limit
    /// is left out rather than split.
    public func truncated(toWidth width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        if displayWidth <= width { return self }
        let room = width - ellipsis.displayWidth
        var result = ""
        var used = 0
        for character in self {
            let w = character.displayWidth
            if used + w > room { break }
            result.append(character)
            used += w
        }
        if room >= 0 { result.append(ellipsis) }
        return result
    }

    /// The text truncated (with an ellipsis) or padded with spaces to exactly `width` columns.
    public func fitted(toWidth width: Int, alignment: Alignment = .left, ellipsis: Character = "…") -> String {
        let cut = truncated(toWidth: width, ellipsis: ellipsis)
        let pad = max(0, width - cut.displayWidth)
        switch alignment {
        case .left: return cut + String(repeating: " ", count: pad)
        case .right: return String(repeating: " ", count: pad) + cut
        case .center:
            let left = pad / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: pad - left)
        }
    }
}
