import CeleriacRESP
import NIOCore
import Testing

/// One value of every RESP type, nested where the type allows it.
let everyType: [RESPValue] = [
    .simpleString("OK"),
    .simpleError("ERR something went wrong"),
    .integer(0), .integer(-1), .integer(Int64.max), .integer(Int64.min),
    .bulkString([]), .bulkString(Array("hello\r\nworld".utf8)), .bulkString([0, 6, 22, 255]),
    .null,
    .array([]), .array([.integer(1), .bulk("two"), .array([.null, .simpleString("x")])]),
    .map([RESPPair(.bulk("server"), .bulk("redis")), RESPPair(.bulk("proto"), .integer(3))]),
    .set([.bulk("a"), .bulk("b")]),
    .double(1.5), .double(-0.25), .double(.infinity), .double(-.infinity), .double(1e300),
    .boolean(true), .boolean(false),
    .bigNumber("3492890328409238509324850943850943825024385"), .bigNumber("-12"),
    .verbatimString(format: "txt", text: Array("Some string".utf8)),
    .bulkError("SYNTAX invalid syntax"),
    .push([.bulk("message"), .bulk("chan"), .bulk("payload")]),
    .attribute([RESPPair(.bulk("ttl"), .integer(3600))], .bulk("value")),
]

@Suite("RESP round trips")
struct RoundTripTests {
    @Test("every RESP3 type encodes and parses back to itself", arguments: everyType)
    func resp3RoundTrip(_ value: RESPValue) throws {
        let bytes = value.encoded(version: .v3)
        let (values, rest) = try RESPParser().parseAll(bytes)
        #expect(values == [value])
        #expect(rest == 0)
    }

    @Test("RESP2 downgrades RESP3-only types as Redis does")
    func resp2Downgrades() throws {
        let cases: [(RESPValue, String)] = [
            (.null, "$-1\r\n"),
            (.map([RESPPair(.bulk("a"), .integer(1))]), "*2\r\n$1\r\na\r\n:1\r\n"),
            (.set([.bulk("x")]), "*1\r\n$1\r\nx\r\n"),
            (.push([.bulk("message")]), "*1\r\n$7\r\nmessage\r\n"),
            (.double(1.5), "$3\r\n1.5\r\n"),
            (.double(3), "$1\r\n3\r\n"),
            (.boolean(true), ":1\r\n"),
            (.bigNumber("123"), "$3\r\n123\r\n"),
            (.verbatimString(format: "txt", text: Array("hi".utf8)), "$2\r\nhi\r\n"),
            (.bulkError("ERR x"), "-ERR x\r\n"),
            (.attribute([RESPPair(.bulk("k"), .bulk("v"))], .integer(7)), ":7\r\n"),
        ]
        for (value, expected) in cases {
            #expect(String(decoding: value.encoded(version: .v2), as: UTF8.self) == expected)
        }
    }

    @Test("RESP2 values that exist in both versions round-trip in RESP2")
    func resp2RoundTrip() throws {
        let shared: [RESPValue] = [
            .simpleString("PONG"), .simpleError("WRONGTYPE Operation"), .integer(42), .bulk("v"),
            .null, .array([.bulk("a"), .integer(2), .array([])]),
        ]
        for value in shared {
            #expect(try RESPParser().parseAll(value.encoded(version: .v2)).values == [value])
        }
    }

    @Test("status and error lines cannot carry CR or LF")
    func lineSanitising() {
        #expect(RESPValue.simpleError("ERR a\r\nb").encoded() == Array("-ERR a  b\r\n".utf8))
    }

    @Test("commands encode as arrays of bulk strings")
    func commandEncoding() {
        var buffer = ByteBuffer()
        buffer.writeRESPCommand(["SET", "key", "välue"])
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$6\r\nvälue\r\n")
        var raw = ByteBuffer()
        raw.writeRESPCommand([[0x06, 0x16], []])
        #expect(Array(raw.readableBytesView) == Array("*2\r\n$2\r\n".utf8) + [0x06, 0x16] + Array("\r\n$0\r\n\r\n".utf8))
    }

    @Test("decimal writer matches String for edge values")
    func decimals() {
        for number: Int64 in [0, 9, 10, -1, -10, 1234567890, Int64.max, Int64.min] {
            var buffer = ByteBuffer()
            buffer.writeDecimal(number)
            #expect(String(buffer: buffer) == String(number))
        }
    }

    @Test("doubles format like Redis")
    func doubleFormatting() {
        #expect(RESPDouble.format(3) == "3")
        #expect(RESPDouble.format(1.5) == "1.5")
        #expect(RESPDouble.format(0.1) == "0.10000000000000001")
        #expect(RESPDouble.format(1795588804680) == "1795588804680")
        #expect(RESPDouble.format(.infinity) == "inf")
        #expect(RESPDouble.parse("+inf") == .infinity)
        #expect(RESPDouble.parse("1e3") == 1000)
        #expect(RESPDouble.parse("abc") == nil)
        #expect(RESPDouble.parse("nan") == nil)
    }
}
