extension Screen {
    /// The grid as lines of text, one per row, with trailing spaces trimmed: what a test compares
    /// with an expected multi-line string.
    public func lines() -> [String] {
        (0..<height).map { y in
            var line = ""
            for cell in row(y) where !cell.isContinuation { line.append(cell.grapheme) }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The grid as text: `lines()` joined by newlines, with trailing blank lines dropped so that
    /// an expected string need not spell out the empty bottom of the screen.
    public func text() -> String {
        var all = lines()
        while all.last?.isEmpty == true { all.removeLast() }
        return all.joined(separator: "\n")
    }

    /// The grid's roles as text: every cell (a wide character counts once) is replaced by the
    /// symbol `legend` gives its role, or by `other`. Tests use it to check where the selection
    /// and the colours are without spelling out roles cell by cell. Trailing `other` symbols are
    /// trimmed like spaces in `text()`.
    public func roleText(_ legend: [Role: Character], other: Character = ".") -> String {
        var all = (0..<height).map { y in
            var line = ""
            for cell in row(y) where !cell.isContinuation { line.append(legend[cell.role] ?? other) }
            while line.last == other { line.removeLast() }
            return line
        }
        while all.last?.isEmpty == true { all.removeLast() }
        return all.joined(separator: "\n")
    }
}
