/// One parameter that CONFIG GET reports and CONFIG SET may change: its Redis name and
/// aliases, how to read it, and how to parse a new value into a staged configuration
/// (nil for a parameter fixed at start; a non-nil result is Redis's reason for refusing).
struct ConfigParameter: Sendable {
    let name: String
    var aliases: [String] = []
    let get: @Sendable (BrokerEngine) -> String
    let set: (@Sendable (inout BrokerEngine.Configuration, [UInt8]) -> String?)?
}

extension BrokerEngine {
    /// The parameters the broker has, in CONFIG GET's order.
    static let configParameters: [ConfigParameter] = [
        ConfigParameter(name: "maxmemory", get: { String($0.configuration.maxMemory) }, set: { configuration, value in
            guard let bytes = ConfigValue.memory(value) else { return "argument must be a memory value" }
            configuration.maxMemory = bytes
            return nil
        }),
        ConfigParameter(name: "maxmemory-policy", get: { _ in "noeviction" }, set: { _, value in
            // The engine only ever refuses writes over the limit; it never evicts.
            ArgumentParsing.lowercased(value) == "noeviction" ? nil : "argument(s) must be one of the following: noeviction"
        }),
        ConfigParameter(name: "databases", get: { String($0.databases.count) }, set: nil),
        ConfigParameter(name: "appendonly", get: { $0.configuration.appendOnly ? "yes" : "no" }, set: { configuration, value in
            guard let flag = ConfigValue.yesNo(value) else { return "argument must be 'yes' or 'no'" }
            configuration.appendOnly = flag
            return nil
        }),
        ConfigParameter(name: "appendfsync", get: { $0.configuration.appendFsync }, set: { configuration, value in
            let policy = ArgumentParsing.lowercased(value)
            guard ["everysec", "always", "no"].contains(policy) else {
                return "argument(s) must be one of the following: everysec, always, no"
            }
            configuration.appendFsync = policy
            return nil
        }),
        ConfigParameter(name: "save", get: { _ in "" }, set: { _, value in
            value.isEmpty ? nil : "the broker keeps no RDB snapshots, only its append-only log"
        }),
        ConfigParameter(name: "port", get: { String($0.configuration.port) }, set: nil),
        ConfigParameter(name: "bind", get: { $0.configuration.bind }, set: nil),
        ConfigParameter(name: "timeout", get: { String($0.configuration.idleTimeoutSeconds) }, set: { configuration, value in
            switch ConfigValue.integer(value, in: 0...2_147_483_647) {
            case .success(let seconds): configuration.idleTimeoutSeconds = Int(seconds)
            case .failure(let reason): return reason.text
            }
            return nil
        }),
        ConfigParameter(name: "busy-reply-threshold", aliases: ["lua-time-limit"],
                        get: { String($0.configuration.scriptTimeLimitMilliseconds) }, set: { configuration, value in
            switch ConfigValue.integer(value, in: 0...Int64.max) {
            case .success(let millis): configuration.scriptTimeLimitMilliseconds = Int(millis)
            case .failure(let reason): return reason.text
            }
            return nil
        }),
        ConfigParameter(name: "requirepass", get: { $0.configuration.password ?? "" }, set: { configuration, value in
            configuration.password = value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
            return nil
        }),
        ConfigParameter(name: "maxclients", get: { String($0.configuration.maxClients) }, set: { configuration, value in
            switch ConfigValue.integer(value, in: 1...4_294_967_295) {
            case .success(let count): configuration.maxClients = Int(count)
            case .failure(let reason): return reason.text
            }
            return nil
        }),
    ]
}

/// Value parsing with Redis's config rules and refusal texts.
enum ConfigValue {
    struct Refusal: Error {
        var text: String
    }

    /// `string2ll` within bounds.
    static func integer(_ value: [UInt8], in bounds: ClosedRange<Int64>) -> Result<Int64, Refusal> {
        guard let number = ArgumentParsing.integer(value) else {
            return .failure(Refusal(text: "argument couldn't be parsed into an integer"))
        }
        guard bounds.contains(number) else {
            return .failure(Refusal(text: "argument must be between \(bounds.lowerBound) and \(bounds.upperBound) inclusive"))
        }
        return .success(number)
    }

    /// Redis's `memtoull`: digits with an optional unit (b, k = 1000, kb = 1024, m, mb, g, gb),
    /// case-insensitive; no sign, no fraction.
    static func memory(_ value: [UInt8]) -> Int? {
        let text = ArgumentParsing.lowercased(value)
        let units: [(suffix: String, factor: Int)] = [
            ("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10), ("g", 1_000_000_000), ("m", 1_000_000), ("k", 1000), ("b", 1),
        ]
        var digits = Substring(text)
        var factor = 1
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            digits = text.dropLast(unit.suffix.count)
            factor = unit.factor
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(digits) else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }

    /// `yes` / `no`, case-insensitive.
    static func yesNo(_ value: [UInt8]) -> Bool? {
        switch ArgumentParsing.lowercased(value) {
        case "yes": return true
        case "no": return false
        default: return nil
        }
    }
}
