/// Foundation's `trimmingCharacters(in:)` and `replacingOccurrences(of:with:)` for the sets and
/// targets this package uses, on the standard library alone: FoundationEssentials lacks them,
/// and linking full Foundation costs an idle worker 3 MiB resident (issue #6).
extension StringProtocol {
    /// Without spaces and tabs at either end (`CharacterSet.whitespaces`: Unicode Zs and tab).
    package func trimmingWhitespace() -> String {
        trimming { $0.isWhitespace && !$0.isNewline }
    }

    /// Without white space and line breaks at either end (`.whitespacesAndNewlines`).
    package func trimmingWhitespaceAndNewlines() -> String {
        trimming { $0.isWhitespace }
    }

    /// Without line breaks at either end (`.newlines`).
    package func trimmingNewlines() -> String {
        trimming { $0.isNewline }
    }

    /// Every `target` scalar replaced by `replacement`, scalar by scalar as Foundation's literal
    /// search does (a "\n" inside a "\r\n" is replaced too, which a Character search would skip).
    package func replacingScalar(_ target: Unicode.Scalar, with replacement: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == target {
                result.append(contentsOf: replacement.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private func trimming(_ drop: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}
