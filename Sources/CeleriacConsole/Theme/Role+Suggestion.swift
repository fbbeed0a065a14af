extension Role {
    /// ` (did you mean "x"?)` for a misspelt role name, or an empty string when nothing is
    /// close enough (edit distance of at most a third of the name, and at least 2).
    static func suggestion(for name: String) -> String {
        let lowered = name.lowercased()
        var best: (role: Role, distance: Int)?
        for role in Role.allCases {
            let d = editDistance(Array(lowered), Array(role.rawValue.lowercased()))
            if d < (best?.distance ?? Int.max) { best = (role, d) }
        }
        guard let best, best.distance <= max(2, name.count / 3) else { return "" }
        return " (did you mean \"\(best.role.rawValue)\"?)"
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
