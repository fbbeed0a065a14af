extension Screen {
    /// The runs a terminal must draw to turn `previous` into this screen: only changed cells,
    /// grouped into maximal same-role stretches per row. With no previous screen, or one of
    /// another size (after a resize), every cell is part of a run.
    public func diff(from previous: Screen?) -> [ScreenRun] {
        let sameShape = previous.map { $0.width == width && $0.height == height } ?? false
        var runs: [ScreenRun] = []
        for y in 0..<height {
            var changed = [Bool](repeating: !sameShape, count: width)
            if sameShape, let previous {
                let base = y * width
                for x in 0..<width where cells[base + x] != previous.cells[base + x] { changed[x] = true }
                // Keep wide characters whole: a changed half drags in its other half.
                for x in 0..<width where changed[x] {
                    if cells[base + x].isContinuation, x > 0 { changed[x - 1] = true }
                    if cells[base + x].width == 2, x + 1 < width { changed[x + 1] = true }
                }
            }
            appendRuns(row: y, changed: changed, to: &runs)
        }
        return runs
    }

    private func appendRuns(row y: Int, changed: [Bool], to runs: inout [ScreenRun]) {
        let base = y * width
        var x = 0
        while x < width {
            guard changed[x] else {
                x += 1
                continue
            }
            let role = cells[base + x].role
            var end = x
            while end < width, changed[end] {
                let cell = cells[base + end]
                // A continuation cell belongs to its lead's run whatever its own role says.
                if cell.role != role && !cell.isContinuation { break }
                end += 1
            }
            runs.append(ScreenRun(x: x, y: y, role: role, cells: Array(cells[(base + x)..<(base + end)])))
            x = end
        }
    }
}
