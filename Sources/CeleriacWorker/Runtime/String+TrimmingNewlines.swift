extension String {
    /// The string without the line breaks at either end, as Foundation's
    /// `trimmingCharacters(in: .newlines)` (not in FoundationEssentials, which the worker path
    /// links alone: issue #6).
    var trimmingNewlines: String {
        var text = Substring(self)
        while text.first?.isNewline == true { text.removeFirst() }
        while text.last?.isNewline == true { text.removeLast() }
        return String(text)
    }
}
