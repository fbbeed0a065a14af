/// Parses Redis-style memory sizes: `1048576`, `100mb`, `1gb`, `512k` (k/kb = 1024, as Redis's
/// `memtoull` treats `kb`; `k` = 1000).
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        let lower = text.lowercased()
        let units: [(String, Int)] = [
            ("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10),
            ("g", 1_000_000_000), ("m", 1_000_000), ("k", 1000), ("b", 1),
        ]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            guard let number = Int(lower.dropLast(suffix.count)), number >= 0 else { return nil }
            let (product, overflow) = number.multipliedReportingOverflow(by: factor)
            return overflow ? nil : product
        }
        guard let number = Int(lower), number >= 0 else { return nil }
        return number
    }
}
