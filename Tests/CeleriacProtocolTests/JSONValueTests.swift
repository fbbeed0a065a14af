import CeleriacProtocol
import Testing

@Suite("JSON values")
struct JSONValueTests {
    private func roundTrip(_ text: String) throws -> String {
        JSONWriter.string(try JSONParser.parse(text))
    }

    @Test("integers stay integers and floats stay floats")
    func kindsSurvive() throws {
        #expect(try JSONParser.parse("5") == .int(5))
        #expect(try JSONParser.parse("10.0") == .double(10.0))
        #expect(try roundTrip("[5, 10.0, -0, 1E5, 2.50]") == "[5, 10.0, 0, 100000.0, 2.5]")
        #expect(try roundTrip("1e+20") == "1e+20")
    }

    @Test("integers beyond 64 bits keep their digits")
    func bigIntegers() throws {
        let text = "[100000000000000000000, -10000000000000000000, 9223372036854775807, -9223372036854775808]"
        let value = try JSONParser.parse(text)
        #expect(value == .array([.bigInt("100000000000000000000"), .bigInt("-10000000000000000000"),
                                 .int(.max), .int(.min)]))
        #expect(JSONWriter.string(value) == text)
    }

    @Test("special floats use Python's tokens")
    func specialFloats() throws {
        #expect(try roundTrip("[1e400, NaN, -Infinity, Infinity]") == "[Infinity, NaN, -Infinity, Infinity]")
    }

    @Test("floats are written like Python's repr", arguments: pythonFloatCases)
    func floatRepr(bits: UInt64, expected: String) {
        #expect(JSONWriter.string(.double(Double(bitPattern: bits))) == expected)
    }

    @Test("parsing Python's float text gives the same double back")
    func floatParse() throws {
        for (bits, text) in pythonFloatCases {
            let parsed = try JSONParser.parse(text)
            #expect(parsed == .double(Double(bitPattern: bits)) || (bits == 0x8000_0000_0000_0000 && parsed == .double(-0.0)))
        }
    }

    @Test("strings are escaped like Python's ensure_ascii")
    func stringEscapes() {
        let cases: [(String, String)] = [
            ("plain", #""plain""#),
            ("quote\" back\\ slash/", #""quote\" back\\ slash/""#),
            ("ctl\n\r\t\u{08}\u{0C}\u{00}\u{01}\u{1F}\u{7F}", #""ctl\n\r\t\b\f\u0000\u0001\u001f\u007f""#),
            ("é ü ß", #""\u00e9 \u00fc \u00df""#),
            ("日本", #""\u65e5\u672c""#),
            ("😀 astral 𝄞", #""\ud83d\ude00 astral \ud834\udd1e""#),
            ("\u{2028}\u{2029}", #""\u2028\u2029""#),
            ("mixed 'single' and \"double\"", #""mixed 'single' and \"double\"""#),
        ]
        for (input, expected) in cases {
            #expect(JSONWriter.string(.string(input)) == expected)
            #expect((try? JSONParser.parse(expected)) == .string(input))
        }
    }

    @Test("raw UTF-8 is accepted and written back escaped, or raw without ensureASCII")
    func rawUnicode() throws {
        let value = try JSONParser.parse(Array("\"héllo 😀\"".utf8))
        #expect(value == .string("héllo 😀"))
        #expect(JSONWriter.string(value) == #""h\u00e9llo \ud83d\ude00""#)
        #expect(JSONWriter.string(value, options: .init(ensureASCII: false)) == "\"héllo 😀\"")
    }

    @Test("objects keep key order; a repeated key keeps its first place and last value")
    func objectOrder() throws {
        let text = #"{"z": 1, "a": [1, 2.5, {"b": null, "c": true}], "m": "x"}"#
        #expect(try roundTrip(text) == text)
        #expect(try roundTrip(#"{"a": 1, "b": 2, "a": 3}"#) == #"{"a": 3, "b": 2}"#)
        // A key whose value is an object is still recognised when it comes again (the fuzzer
        // found a kombu envelope with "properties" twice kept both).
        #expect(try roundTrip(#"{"p": {"x": 1, "y": 2}, "q": 0, "p": 5}"#) == #"{"p": 5, "q": 0}"#)
        var big = "{"
        for index in 0..<100 { big += "\"k\(index % 50)\": \(index), " }
        big += "\"end\": 0}"
        let object = try #require(try JSONParser.parse(big).objectValue)
        #expect(object.count == 51)
        #expect(object["k0"] == .int(50))
        #expect(object.keys.first == "k0")
    }

    @Test("compact mode drops the spaces")
    func compact() throws {
        let value = try JSONParser.parse(#"{"a": [1, 2], "b": {"c": "d"}}"#)
        #expect(JSONWriter.string(value, options: .compact) == #"{"a":[1,2],"b":{"c":"d"}}"#)
    }

    @Test("whitespace around and inside values is accepted")
    func whitespace() throws {
        #expect(try roundTrip(" \n\t{ \"a\" :\r[ 1 ,2 ] } \n") == #"{"a": [1, 2]}"#)
    }

    @Test("malformed input gives a typed error with the byte offset", arguments: [
        ("", JSONParseError.Code.unexpectedEnd, 0),
        ("[1, 2", .unexpectedEnd, 5),
        ("[1 2]", .unexpectedByte, 3),
        ("{\"a\" 1}", .unexpectedByte, 5),
        ("{a: 1}", .unexpectedByte, 1),
        ("01", .trailingData, 1),
        ("-", .invalidNumber, 0),
        ("1.", .invalidNumber, 1),
        ("1e", .trailingData, 1),
        ("\"ab", .unexpectedEnd, 0),
        ("\"a\\x\"", .invalidEscape, 2),
        ("\"a\\u12g4\"", .invalidEscape, 2),
        ("\"a\nb\"", .controlCharacterInString, 2),
        ("tru", .unexpectedEnd, 0),
        ("nul!", .unexpectedByte, 3),
        ("[1,]", .unexpectedByte, 3),
        ("{} x", .trailingData, 3),
    ])
    func malformed(text: String, code: JSONParseError.Code, offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.code == code)
            #expect(error.offset == offset)
            #expect(error.description.contains("byte \(offset)"))
        }
    }

    @Test("invalid UTF-8 is refused at the offending byte")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.offset == 2)
        }
    }

    @Test("nesting beyond the limit is refused, not a crash")
    func depthLimit() {
        let deep = String(repeating: "[", count: 100_000)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .tooDeep)
        }
        let fine = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect((try? JSONParser.parse(fine, maxDepth: 20)) != nil)
        #expect((try? JSONParser.parse(fine, maxDepth: 19)) == nil)
    }

    @Test("surrogate pairs decode; a lone surrogate becomes U+FFFD")
    func surrogates() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""\ud83dx""#) == .string("\u{FFFD}x"))
    }
}
