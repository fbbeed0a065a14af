import CeleriacRESP
import NIOCore
import Testing

@Suite("RESP parser")
struct ParserTests {
    func parse(_ text: String, inline: Bool = false) throws -> [RESPValue] {
        try RESPParser(allowInline: inline).parseAll(Array(text.utf8)).values
    }

    func error(_ text: String, limits: RESPLimits = .default, inline: Bool = false) -> RESPParseError? {
        do {
            _ = try RESPParser(limits: limits, allowInline: inline).parseAll(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func incompleteInputLeavesBufferUntouched() throws {
        var buffer = ByteBuffer(string: "*2\r\n$3\r\nfoo\r\n$3\r\nba")
        #expect(try RESPParser().parse(&buffer) == nil)
        #expect(buffer.readerIndex == 0)
        buffer.writeString("r\r\n")
        #expect(try RESPParser().parse(&buffer) == .array([.bulk("foo"), .bulk("bar")]))
        #expect(buffer.readableBytes == 0)
    }

    @Test func resp2Nulls() throws {
        #expect(try parse("$-1\r\n*-1\r\n") == [.null, .null])
    }

    @Test func inlineCommands() throws {
        #expect(try parse("PING\r\n", inline: true) == [.array([.bulk("PING")])])
        #expect(try parse("SET k \"a b\\x41\\n\" 'it\\'s'\n", inline: true)
            == [.array([.bulk("SET"), .bulk("k"), .bulk("a bA\n"), .bulk("it's")])])
        // Empty lines are skipped, as Redis does.
        #expect(try parse("\r\n\r\nPING\r\n", inline: true) == [.array([.bulk("PING")])])
        #expect(error("SET \"open\r\n", inline: true)?.kind == .unbalancedQuotes)
        #expect(error("GET \"a\"b\r\n", inline: true)?.kind == .unbalancedQuotes)
    }

    @Test func inlineNotAllowedOnClientSide() {
        let failure = error("PING\r\n")
        #expect(failure?.kind == .unknownType(UInt8(ascii: "P")))
        #expect(failure?.offset == 0)
        #expect(failure?.description == "unknown type byte 'P' at byte 0")
    }

    @Test func errorsNameTheByte() {
        #expect(error(":12a\r\n") == RESPParseError(.invalidInteger, at: 1))
        #expect(error("$3\r\nfooXY") == RESPParseError(.missingCRLF, at: 7))
        #expect(error("*1\r\n?x\r\n") == RESPParseError(.unknownType(UInt8(ascii: "?")), at: 4))
        #expect(error("$-2\r\n")?.kind == .invalidLength)
        #expect(error("#x\r\n")?.kind == .invalidBoolean)
        #expect(error(",1.2.x\r\n")?.kind == .invalidDouble)
        #expect(error("(12a\r\n")?.kind == .invalidBigNumber)
        #expect(error("=5\r\ntxtab\r\n")?.kind == .invalidVerbatim)
        // Found by the fuzzer: a format must be three printable ASCII bytes to survive re-encoding.
        #expect(error("=7\r\n\u{F8}t:abc\r\n")?.kind == .invalidVerbatim)
        #expect(error("+OK\n")?.kind == .missingCRLF)
        #expect(error(":99999999999999999999\r\n")?.kind == .invalidInteger)
    }

    @Test func limitsAreEnforcedBeforeBuffering() {
        // A 600 MB bulk header is refused as soon as the header line is read.
        #expect(error("$600000000\r\n")?.kind == .bulkTooLarge(600_000_000))
        let small = RESPLimits(maxBulkLength: 4, maxDepth: 2, maxElements: 3, maxLineLength: 8)
        #expect(error("$5\r\nhello\r\n", limits: small)?.kind == .bulkTooLarge(5))
        #expect(error("*4\r\n", limits: small)?.kind == .tooManyElements(4))
        #expect(error("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", limits: small)?.kind == .tooDeep)
        #expect(error("+abcdefghijkl\r\n", limits: small)?.kind == .lineTooLong)
        #expect(error("+abcdefghijkl", limits: small)?.kind == .lineTooLong)
        #expect(error("PINGPINGPINGPING", limits: small, inline: true)?.kind == .lineTooLong)
    }

    @Test func pipelinedValuesComeOutInOrder() throws {
        #expect(try parse("+OK\r\n:1\r\n$1\r\nx\r\n") == [.simpleString("OK"), .integer(1), .bulk("x")])
    }
}
