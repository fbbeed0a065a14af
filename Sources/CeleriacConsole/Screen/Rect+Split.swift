extension Rect {
    /// Splits the rectangle into stacked rows of the given sizes (see `LayoutSize`).
    public func splitRows(_ sizes: [LayoutSize]) -> [Rect] {
        var top = y
        return Rect.lengths(for: sizes, total: height).map { length in
            defer { top += length }
            return Rect(x: x, y: top, width: width, height: length)
        }
    }

    /// Splits the rectangle into side-by-side columns of the given sizes (see `LayoutSize`).
    public func splitColumns(_ sizes: [LayoutSize]) -> [Rect] {
        var left = x
        return Rect.lengths(for: sizes, total: width).map { length in
            defer { left += length }
            return Rect(x: left, y: y, width: length, height: height)
        }
    }

    /// Resolves layout sizes to lengths that never add up to more than `total`.
    static func lengths(for sizes: [LayoutSize], total: Int) -> [Int] {
        var lengths = sizes.map { size -> Int in
            switch size {
            case .fixed(let n): return max(0, n)
            case .fraction(let f): return max(0, Int((Double(total) * min(max(f, 0), 1)).rounded(.down)))
            case .fill: return 0
            }
        }
        var used = lengths.reduce(0, +)
        // Shrink from the end when the fixed parts alone overflow.
        var index = lengths.count - 1
        while used > total, index >= 0 {
            let cut = min(lengths[index], used - total)
            lengths[index] -= cut
            used -= cut
            index -= 1
        }
        let weights = sizes.map { size -> Int in
            if case .fill(let weight) = size { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        let spare = total - used
        guard totalWeight > 0, spare > 0 else { return lengths }
        var given = 0
        var lastFill = 0
        for (i, weight) in weights.enumerated() where weight > 0 {
            let share = spare * weight / totalWeight
            lengths[i] = share
            given += share
            lastFill = i
        }
        // Rounding leftovers go to the last fill part, so the parts cover the whole length.
        lengths[lastFill] += spare - given
        return lengths
    }
}
