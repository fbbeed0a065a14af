import CeleriacRESP
import NIOCore
import NIOTestUtils
import Testing

@Suite("RESP decoder under drip-fed, batched and shuffled input")
struct DecoderVerifierTests {
    @Test func everyTypeThroughTheVerifier() throws {
        let pairs = everyType.map { value -> (ByteBuffer, [RESPValue]) in
            (ByteBuffer(bytes: value.encoded(version: .v3)), [value])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { RESPDecoder() }
    }

    @Test func inlineAndMultibulkThroughTheVerifier() throws {
        let pairs: [(String, [RESPValue])] = [
            ("PING\r\n", [.array([.bulk("PING")])]),
            ("*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n", [.array([.bulk("ECHO"), .bulk("hi")])]),
            ("SET a \"b c\"\r\n", [.array([.bulk("SET"), .bulk("a"), .bulk("b c")])]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: pairs) {
            RESPDecoder(parser: RESPParser(allowInline: true))
        }
    }

    @Test("random splits give the same values as one buffer")
    func randomSplits() throws {
        var generator = SeededGenerator(seed: 7)
        let stream = everyType.flatMap { $0.encoded(version: .v3) }
        let whole = try RESPParser().parseAll(stream).values
        #expect(whole == everyType)
        for _ in 0..<200 {
            var buffer = ByteBuffer()
            var values: [RESPValue] = []
            var offset = 0
            while offset < stream.count {
                let size = Int.random(in: 1...32, using: &generator)
                let end = min(stream.count, offset + size)
                buffer.writeBytes(stream[offset..<end])
                offset = end
                while let value = try RESPParser().parse(&buffer) { values.append(value) }
            }
            #expect(values == everyType)
        }
    }
}
