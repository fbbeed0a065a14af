/// Matches a worker's nodename against a control request's `pattern`, as kombu's matcher
/// registry does: `glob` is Python's `fnmatch` (whole name, case-sensitive on POSIX), `pcre`
/// is Python's `re.match` (anchored at the start only).
///
/// The `pcre` side is a subset of Python's regular expressions, enough for node-name
/// patterns: literals, `.`, classes `[a-z0-9_]` / `[^…]`, escapes `\d \w \s \D \W \S` and
/// escaped punctuation, anchors `^` `$` (and `\A` `\Z`), groups `(…)` / `(?:…)` with `|`, and
/// the greedy quantifiers `* + ?` `{m}` `{m,}` `{m,n}` (lazy `*?` forms are accepted and
/// behave greedily, which gives the same yes/no answer for `re.match`). Backreferences,
/// lookarounds and flags are refused with an error.
public enum DestinationMatcher {
    /// Whether `nodename` matches `pattern` under `matcher` (`glob` when nil).
    public static func matches(_ nodename: String, pattern: String, matcher: String?) throws(ProtocolError) -> Bool {
        switch matcher ?? "glob" {
        case "glob":
            return glob(nodename, pattern: pattern)
        case "pcre":
            return try SimpleRegex(pattern).matchesPrefix(of: nodename)
        case let other:
            throw ProtocolError(.invalidValue, field: "matcher", "no matcher installed for '\(other)' (use glob or pcre)")
        }
    }

    /// Python's `fnmatch.fnmatchcase`: `*`, `?`, `[seq]`, `[!seq]` over the whole name.
    public static func glob(_ name: String, pattern: String) -> Bool {
        let text = Array(name.unicodeScalars)
        let pattern = Array(pattern.unicodeScalars)
        var t = 0
        var p = 0
        var starPattern = -1
        var starText = 0
        while t < text.count {
            if p < pattern.count {
                switch pattern[p] {
                case "*":
                    starPattern = p
                    starText = t
                    p += 1
                    continue
                case "?":
                    p += 1
                    t += 1
                    continue
                case "[":
                    if let (matched, next) = matchClass(pattern, at: p, text[t]) {
                        if matched {
                            p = next
                            t += 1
                            continue
                        }
                    } else if text[t] == "[" {
                        // An unclosed bracket is a literal "[", as in fnmatch.translate.
                        p += 1
                        t += 1
                        continue
                    }
                default:
                    if pattern[p] == text[t] {
                        p += 1
                        t += 1
                        continue
                    }
                }
            }
            guard starPattern >= 0 else { return false }
            p = starPattern + 1
            starText += 1
            t = starText
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Matches one character against the `[...]` class starting at `start`; nil when the
    /// bracket is not closed. Returns whether it matched and the index after the class.
    private static func matchClass(_ pattern: [Unicode.Scalar], at start: Int, _ character: Unicode.Scalar) -> (Bool, Int)? {
        var index = start + 1
        var negate = false
        if index < pattern.count && pattern[index] == "!" {
            negate = true
            index += 1
        }
        var first = true
        var matched = false
        while index < pattern.count {
            let current = pattern[index]
            if current == "]" && !first {
                return (matched != negate, index + 1)
            }
            first = false
            if index + 2 < pattern.count && pattern[index + 1] == "-" && pattern[index + 2] != "]" {
                if pattern[index].value <= character.value && character.value <= pattern[index + 2].value { matched = true }
                index += 3
            } else {
                if current == character { matched = true }
                index += 1
            }
        }
        return nil
    }
}
