import Foundation

/// Median and friends over a handful of repetitions.
enum Statistics {
    /// The middle value (the mean of the two middle ones for an even count); nil when empty.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Pairwise ratios of two equally long series (repetition i of one over repetition i of
    /// the other), so that a ratio's spread shows how steady the comparison was.
    static func ratios(_ numerators: [Double], _ denominators: [Double]) -> [Double] {
        zip(numerators, denominators).compactMap { $1 > 0 ? $0 / $1 : nil }
    }

    /// The geometric mean (for one figure over several tests of different scales).
    static func geometricMean(_ values: [Double]) -> Double? {
        let positive = values.filter { $0 > 0 }
        guard !positive.isEmpty, positive.count == values.count else { return nil }
        return exp(positive.map { log($0) }.reduce(0, +) / Double(positive.count))
    }
}
