/// Redis's glob matcher (`stringmatchlen` in util.c), byte for byte: `*` matches any run of
/// bytes including `.` and `/`, `?` one byte, `[abc]`, `[^abc]`, `[a-z]` (reversed ranges
/// are swapped), and `\` escapes the next byte. Used by PSUBSCRIBE, KEYS, SCAN MATCH and
/// PUBSUB CHANNELS.
public enum GlobMatch {
    /// Whether `string` matches `pattern` (case-sensitive).
    public static func matches(pattern: [UInt8], string: [UInt8]) -> Bool {
        var skipLongerMatches = false
        return match(pattern[...], string[...], skipLongerMatches: &skipLongerMatches, depth: 0)
    }

    private static func match(
        _ patternSlice: ArraySlice<UInt8>, _ stringSlice: ArraySlice<UInt8>, skipLongerMatches: inout Bool, depth: Int
    ) -> Bool {
        // Deep recursion from many stars is cut off, as Redis 7 does; such patterns fail.
        if depth > 1000 { return false }
        var pattern = patternSlice
        var string = stringSlice
        // Like the C loop, nothing is matched against an empty string: `*` does not match "".
        while let p = pattern.first, !string.isEmpty {
            switch p {
            case UInt8(ascii: "*"):
                while pattern.count > 1, pattern[pattern.startIndex + 1] == UInt8(ascii: "*") {
                    pattern = pattern.dropFirst()
                }
                if pattern.count == 1 { return true }
                while !string.isEmpty {
                    if match(pattern.dropFirst(), string, skipLongerMatches: &skipLongerMatches, depth: depth + 1) {
                        return true
                    }
                    if skipLongerMatches { return false }
                    string = string.dropFirst()
                }
                // No match for the rest of the pattern at any position: a longer run for this
                // star cannot help either.
                skipLongerMatches = true
                return false
            case UInt8(ascii: "?"):
                guard !string.isEmpty else { return false }
                string = string.dropFirst()
            case UInt8(ascii: "["):
                guard let s = string.first else { return false }
                pattern = pattern.dropFirst()
                let negate = pattern.first == UInt8(ascii: "^")
                if negate { pattern = pattern.dropFirst() }
                var matched = false
                while true {
                    guard let c = pattern.first else {
                        // Unterminated class: Redis steps back so the loop ends on the last byte.
                        break
                    }
                    if c == UInt8(ascii: "\\") && pattern.count >= 2 {
                        pattern = pattern.dropFirst()
                        if pattern.first == s { matched = true }
                    } else if c == UInt8(ascii: "]") {
                        break
                    } else if pattern.count >= 3 && pattern[pattern.startIndex + 1] == UInt8(ascii: "-") {
                        var start = c
                        var end = pattern[pattern.startIndex + 2]
                        if start > end { swap(&start, &end) }
                        pattern = pattern.dropFirst(2)
                        if s >= start && s <= end { matched = true }
                    } else if c == s {
                        matched = true
                    }
                    pattern = pattern.dropFirst()
                }
                if negate { matched.toggle() }
                guard matched else { return false }
                string = string.dropFirst()
                if pattern.isEmpty { return string.isEmpty }
            case UInt8(ascii: "\\"):
                if pattern.count >= 2 {
                    pattern = pattern.dropFirst()
                }
                guard let s = string.first, let q = pattern.first, q == s else { return false }
                string = string.dropFirst()
            default:
                guard let s = string.first, s == p else { return false }
                string = string.dropFirst()
            }
            pattern = pattern.dropFirst()
            if string.isEmpty {
                while pattern.first == UInt8(ascii: "*") { pattern = pattern.dropFirst() }
                break
            }
        }
        return pattern.isEmpty && string.isEmpty
    }
}
