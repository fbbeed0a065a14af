/// The `timelimit` header: `[hard, soft]` in seconds, **hard first**, each possibly null.
///
/// The limits are kept as JSON numbers so `2` stays `2` and `0.5` stays `0.5` on re-encoding.
public struct TimeLimit: Sendable, Hashable {
    /// The hard limit (the process is killed): a number or null.
    public var hard: JSONValue
    /// The soft limit (`SoftTimeLimitExceeded` is raised in the task): a number or null.
    public var soft: JSONValue

    /// Limits as JSON numbers (or null).
    public init(hard: JSONValue = .null, soft: JSONValue = .null) {
        self.hard = hard
        self.soft = soft
    }

    /// Limits in seconds, written as Python floats; nil means none.
    public init(hardSeconds: Double?, softSeconds: Double?) {
        hard = hardSeconds.map(JSONValue.double) ?? .null
        soft = softSeconds.map(JSONValue.double) ?? .null
    }

    /// The hard limit in seconds.
    public var hardSeconds: Double? { hard.numberValue }
    /// The soft limit in seconds.
    public var softSeconds: Double? { soft.numberValue }

    /// `[hard, soft]`.
    public var jsonValue: JSONValue { .array([hard, soft]) }

    /// Reads `[hard, soft]`; anything else is a typed error.
    public init(jsonValue: JSONValue, field: String = "headers.timelimit") throws(ProtocolError) {
        guard case .array(let items) = jsonValue, items.count == 2 else {
            throw ProtocolError(.wrongType, field: field, "'\(field)' should be [hard, soft]")
        }
        for item in items where !item.isNull && item.numberValue == nil {
            throw ProtocolError.wrongType(field, expected: "numbers or null", found: item)
        }
        hard = items[0]
        soft = items[1]
    }
}
