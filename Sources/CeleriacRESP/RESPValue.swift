/// One value of the Redis serialization protocol, RESP2 or RESP3.
///
/// Bulk payloads are kept as bytes (`[UInt8]`) rather than `String` because Redis values are
/// binary-safe: a queue entry, a key with the priority separator `0x06 0x16`, or arbitrary user
/// data must survive unchanged.
public enum RESPValue: Sendable, Hashable {
    /// `+OK` — a short status line without CR or LF.
    case simpleString(String)
    /// `-ERR message` — the first word is the error code by convention.
    case simpleError(String)
    /// `:42`
    case integer(Int64)
    /// `$5\r\nhello` — binary-safe.
    case bulkString([UInt8])
    /// RESP2 `$-1`/`*-1`, RESP3 `_`.
    case null
    /// `*N` followed by N values.
    case array([RESPValue])
    /// RESP3 `%N`: N key/value pairs, in the order the sender wrote them.
    case map([RESPPair])
    /// RESP3 `~N`.
    case set([RESPValue])
    /// RESP3 `,1.5` (also `inf`, `-inf`, `nan`).
    case double(Double)
    /// RESP3 `#t` / `#f`.
    case boolean(Bool)
    /// RESP3 `(3492890328409238509324850943850943825024385` — kept as its decimal text.
    case bigNumber(String)
    /// RESP3 `=15\r\ntxt:Some string` — a three-letter format and the text.
    case verbatimString(format: String, text: [UInt8])
    /// RESP3 `!N` — a binary-safe error.
    case bulkError(String)
    /// RESP3 `>N` — out-of-band data such as pub/sub messages.
    case push([RESPValue])
    /// RESP3 `|N` — attributes that annotate the value that follows.
    // The only case that holds a value directly, so the only one boxed: an `indirect` enum
    // boxed every payload, a heap allocation for each integer and bulk string parsed (issue #6).
    indirect case attribute([RESPPair], RESPValue)
}

/// A key/value pair of a RESP3 map or attribute.
public struct RESPPair: Sendable, Hashable {
    public var key: RESPValue
    public var value: RESPValue

    public init(_ key: RESPValue, _ value: RESPValue) {
        self.key = key
        self.value = value
    }
}

/// The protocol version a connection has negotiated (`HELLO 2` / `HELLO 3`).
public enum RESPVersion: Int, Sendable, Hashable {
    case v2 = 2
    case v3 = 3
}
