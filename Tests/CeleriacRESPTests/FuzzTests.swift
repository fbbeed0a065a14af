import CeleriacRESP
import NIOCore
import Testing

/// A small, fixed-seed pseudo-random generator (SplitMix64), so fuzz runs repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("RESP parser under random and mutated frames")
struct FuzzTests {
    /// Builds a random valid value, up to `depth` levels deep.
    static func randomValue(_ rng: inout SeededGenerator, depth: Int = 0) -> RESPValue {
        let pick = Int.random(in: 0..<(depth > 3 ? 9 : 15), using: &rng)
        let bytes = (0..<Int.random(in: 0..<12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let word = String((0..<Int.random(in: 0..<8, using: &rng)).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &rng))) })
        switch pick {
        case 0: return .simpleString(word)
        case 1: return .simpleError("ERR " + word)
        case 2: return .integer(Int64.random(in: Int64.min...Int64.max, using: &rng))
        case 3: return .bulkString(bytes)
        case 4: return .null
        case 5: return .double(Double(Int.random(in: -1000...1000, using: &rng)) / 8)
        case 6: return .boolean(Bool.random(using: &rng))
        case 7: return .bigNumber(String(UInt64.random(in: 0...UInt64.max, using: &rng)) + "123")
        case 8: return .verbatimString(format: "txt", text: bytes)
        case 9, 10: return .array((0..<Int.random(in: 0..<4, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        case 11: return .set((0..<Int.random(in: 0..<3, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        case 12: return .push((0..<Int.random(in: 1..<3, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        case 13:
            return .map((0..<Int.random(in: 0..<3, using: &rng)).map { _ in
                RESPPair(randomValue(&rng, depth: depth + 1), randomValue(&rng, depth: depth + 1))
            })
        default: return .bulkError("ERR " + word)
        }
    }

    @Test("valid random values always round-trip")
    func validValues() throws {
        var rng = SeededGenerator(seed: 2026)
        for _ in 0..<20_000 {
            let value = Self.randomValue(&rng)
            #expect(try RESPParser().parseAll(value.encoded()).values == [value])
        }
    }

    @Test("100,000 random and mutated frames never crash: each gives values or a typed error")
    func mutatedFrames() {
        var rng = SeededGenerator(seed: 1234)
        let limits = RESPLimits(maxBulkLength: 1 << 20, maxDepth: 16, maxElements: 4096, maxLineLength: 4096)
        var outcomes = (values: 0, errors: 0, incomplete: 0)
        for round in 0..<100_000 {
            var bytes: [UInt8]
            if round % 4 == 0 {
                bytes = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                bytes = Self.randomValue(&rng).encoded()
                for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes.remove(at: index)
                    case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: index)
                    default: bytes.insert(contentsOf: Array("*99999999\r\n".utf8), at: index)
                    }
                }
            }
            let parser = RESPParser(limits: limits, allowInline: round % 2 == 0)
            var buffer = ByteBuffer(bytes: bytes)
            do {
                var parsed = 0
                while let _ = try parser.parse(&buffer) { parsed += 1 }
                if parsed > 0 { outcomes.values += 1 } else { outcomes.incomplete += 1 }
            } catch {
                #expect(error.offset >= 0 && error.offset <= bytes.count)
                #expect(!error.description.isEmpty)
                outcomes.errors += 1
            }
        }
        // The mix must exercise all three outcomes, or the test is not testing anything.
        #expect(outcomes.values > 10_000)
        #expect(outcomes.errors > 10_000)
        #expect(outcomes.incomplete > 1_000)
    }
}
