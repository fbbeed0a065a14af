/// Kombu's Redis priorities: a priority is clamped to 0–9 and mapped to a step of
/// `[0, 3, 6, 9]`; step 0 is the bare queue key, the others `queue SEP digit`.
/// Lower numbers are served first.
public enum Priority {
    /// kombu's `priority_steps`.
    public static let steps = [0, 3, 6, 9]
    /// kombu's `sep`: the two bytes 0x06 0x16.
    public static let separator = "\u{06}\u{16}"
    /// The separator's bytes.
    public static let separatorBytes: [UInt8] = [0x06, 0x16]

    /// The priority clamped to 0–9, as kombu's `_get_message_priority` does (0 when missing).
    public static func clamp(_ priority: Int?) -> Int {
        guard let priority else { return 0 }
        return max(min(priority, 9), 0)
    }

    /// The priority of a message's properties (`properties.priority`), clamped; 0 when it is
    /// missing or not an integer.
    public static func of(_ properties: MessageProperties) -> Int {
        clamp(properties.priority)
    }

    /// The step a (clamped) priority maps to: 0–2→0, 3–5→3, 6–8→6, 9→9.
    public static func step(for priority: Int) -> Int {
        let clamped = clamp(priority)
        return steps.last { $0 <= clamped } ?? 0
    }

    /// The list key a message of this priority goes to.
    public static func queueKey(_ queue: String, priority: Int) -> String {
        let step = step(for: priority)
        return step == 0 ? queue : queue + separator + String(step)
    }

    /// The four keys of a queue, step by step (what `LLEN` and `DEL` cover).
    public static func allKeys(_ queue: String) -> [String] {
        steps.map { queueKey(queue, priority: $0) }
    }

    /// The keys a consumer BRPOPs, step by step then queue by queue:
    /// `a b a⁂3 b⁂3 a⁂6 b⁂6 a⁂9 b⁂9`.
    public static func brpopKeys(_ queues: [String]) -> [String] {
        steps.flatMap { step in queues.map { queueKey($0, priority: step) } }
    }

    /// The queue name of a list key: what precedes the last separator (the key itself if none).
    public static func queueName(fromKey key: String) -> String {
        guard let range = key.range(of: separator, options: .backwards) else { return key }
        return String(key[..<range.lowerBound])
    }
}

extension String {
    /// The last occurrence of `needle`, found on the UTF-8 view (no Foundation needed).
    func range(of needle: String, options: BackwardsSearch) -> Range<String.Index>? {
        // Compared in place: copying the bytes into arrays cost an allocation per position
        // tried, once per message a consumer takes (issue #6).
        var haystack = self
        var pattern = needle
        let found: Int? = haystack.withUTF8 { text in
            pattern.withUTF8 { sought in
                guard !sought.isEmpty, sought.count <= text.count else { return nil }
                var start = text.count - sought.count
                while start >= 0 {
                    var offset = 0
                    while offset < sought.count && text[start + offset] == sought[offset] { offset += 1 }
                    if offset == sought.count { return start }
                    start -= 1
                }
                return nil
            }
        }
        guard let found else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: found)
        return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
    }

    /// Marker for ``range(of:options:)``.
    enum BackwardsSearch {
        case backwards
    }
}
