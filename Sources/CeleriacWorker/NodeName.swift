/// Worker node names as Celery expands them in `-n`: `%h` the full hostname, `%n` the part
/// before the first dot, `%d` the domain after it, `%%` a percent sign.
public enum NodeName {
    public static func expand(_ template: String, hostname: String) -> String {
        let short: Substring
        let domain: Substring
        if let dot = hostname.firstIndex(of: ".") {
            short = hostname[..<dot]
            domain = hostname[hostname.index(after: dot)...]
        } else {
            short = Substring(hostname)
            domain = ""
        }
        var result = ""
        var iterator = template.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "h": result += hostname
            case "n": result += short
            case "d": result += domain
            case "%": result += "%"
            case let other?: result += "%" + String(other)
            case nil: result += "%"
            }
        }
        // A name without `@` gets the host, as Celery does (`w1` → `w1@host`). A character search:
        // `contains("@")` would be Foundation's string search, through NSString and CoreFoundation.
        return result.contains(Character("@")) ? result : "\(result)@\(hostname)"
    }

    /// `celeriac@<hostname>`.
    public static func defaultName(hostname: String) -> String { "celeriac@\(hostname)" }
}
