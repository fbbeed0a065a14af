/// One member of a sorted set with its score.
struct ScoredMember {
    var score: Double
    var member: [UInt8]

    /// Redis's order: by score, then by member bytes (memcmp, shorter first on a tie).
    static func precedes(_ a: ScoredMember, _ b: ScoredMember) -> Bool {
        if a.score != b.score { return a.score < b.score }
        return a.member.lexicographicallyPrecedes(b.member)
    }
}

/// A sorted set: a dictionary member → score for O(1) `ZSCORE`, plus the members in order in
/// a chunked sorted array (blocks of at most ``SortedSetValue/maxBlock`` entries).
///
/// Insert and delete cost O(log n + B) (binary search, then a shift inside one block); a rank
/// or a position costs O(n/B + log B). With B = 256 and the sizes Celery produces (tens of
/// thousands of `unacked_index` entries: a few hundred blocks) every operation touches at most
/// a few hundred block headers plus one block, which keeps it fast without a skip list's
/// per-node allocations.
final class SortedSetValue {
    static let maxBlock = 256

    private(set) var scores: [[UInt8]: Double] = [:]
    private var blocks: [[ScoredMember]] = []
    private(set) var bytes = 0

    var count: Int { scores.count }

    func score(of member: [UInt8]) -> Double? { scores[member] }

    /// Adds or moves a member. Returns true when the member is new.
    @discardableResult
    func set(_ member: [UInt8], score: Double) -> Bool {
        if let old = scores[member] {
            if old == score { return false }
            removeFromBlocks(ScoredMember(score: old, member: member))
            scores[member] = score
            insertIntoBlocks(ScoredMember(score: score, member: member))
            return false
        }
        scores[member] = score
        insertIntoBlocks(ScoredMember(score: score, member: member))
        bytes += member.count + 2 * elementOverhead + 16
        return true
    }

    /// Removes a member. Returns true when it existed.
    @discardableResult
    func remove(_ member: [UInt8]) -> Bool {
        guard let old = scores.removeValue(forKey: member) else { return false }
        removeFromBlocks(ScoredMember(score: old, member: member))
        bytes -= member.count + 2 * elementOverhead + 16
        return true
    }

    /// Index of the first entry for which `isAtOrPast` holds; the predicate must be false for
    /// a prefix of the order and true for the rest. Returns `count` when it never holds.
    func firstIndex(where isAtOrPast: (ScoredMember) -> Bool) -> Int {
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = (low + high) / 2
            if let last = blocks[middle].last, isAtOrPast(last) { high = middle } else { low = middle + 1 }
        }
        var base = 0
        for index in 0..<low { base += blocks[index].count }
        guard low < blocks.count else { return base }
        let block = blocks[low]
        var inLow = 0
        var inHigh = block.count
        while inLow < inHigh {
            let middle = (inLow + inHigh) / 2
            if isAtOrPast(block[middle]) { inHigh = middle } else { inLow = middle + 1 }
        }
        return base + inLow
    }

    /// 0-based rank of a member in ascending order.
    func rank(of member: [UInt8]) -> Int? {
        guard let score = scores[member] else { return nil }
        let target = ScoredMember(score: score, member: member)
        return firstIndex { !ScoredMember.precedes($0, target) }
    }

    /// The entries at positions `range` (ascending order), clamped to the set.
    func entries(_ range: Range<Int>) -> [ScoredMember] {
        let lower = max(0, range.lowerBound)
        let upper = min(count, range.upperBound)
        guard lower < upper else { return [] }
        var result: [ScoredMember] = []
        result.reserveCapacity(upper - lower)
        var position = 0
        for block in blocks {
            let blockEnd = position + block.count
            if blockEnd > lower {
                let from = max(lower, position) - position
                let to = min(upper, blockEnd) - position
                result.append(contentsOf: block[from..<to])
                if blockEnd >= upper { break }
            }
            position = blockEnd
        }
        return result
    }

    /// Every entry in ascending order.
    var allEntries: [ScoredMember] { blocks.flatMap { $0 } }

    private func insertIntoBlocks(_ entry: ScoredMember) {
        guard !blocks.isEmpty else {
            blocks = [[entry]]
            return
        }
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = (low + high) / 2
            if let last = blocks[middle].last, !ScoredMember.precedes(last, entry) { high = middle } else { low = middle + 1 }
        }
        let blockIndex = min(low, blocks.count - 1)
        var inLow = 0
        var inHigh = blocks[blockIndex].count
        while inLow < inHigh {
            let middle = (inLow + inHigh) / 2
            if ScoredMember.precedes(blocks[blockIndex][middle], entry) { inLow = middle + 1 } else { inHigh = middle }
        }
        blocks[blockIndex].insert(entry, at: inLow)
        if blocks[blockIndex].count > 2 * Self.maxBlock {
            let block = blocks[blockIndex]
            let half = block.count / 2
            blocks[blockIndex] = Array(block[..<half])
            blocks.insert(Array(block[half...]), at: blockIndex + 1)
        }
    }

    private func removeFromBlocks(_ entry: ScoredMember) {
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = (low + high) / 2
            if let last = blocks[middle].last, !ScoredMember.precedes(last, entry) { high = middle } else { low = middle + 1 }
        }
        guard low < blocks.count else { return }
        var inLow = 0
        var inHigh = blocks[low].count
        while inLow < inHigh {
            let middle = (inLow + inHigh) / 2
            if ScoredMember.precedes(blocks[low][middle], entry) { inLow = middle + 1 } else { inHigh = middle }
        }
        guard inLow < blocks[low].count, blocks[low][inLow].member == entry.member else { return }
        blocks[low].remove(at: inLow)
        if blocks[low].isEmpty {
            blocks.remove(at: low)
        } else if blocks[low].count < Self.maxBlock / 4, low + 1 < blocks.count,
            blocks[low].count + blocks[low + 1].count <= Self.maxBlock
        {
            blocks[low].append(contentsOf: blocks[low + 1])
            blocks.remove(at: low + 1)
        }
    }
}
