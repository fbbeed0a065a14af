import CeleriacProtocol
import Testing

/// SplitMix64: a tiny deterministic generator so every run fuzzes the same inputs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("fuzz")
struct FuzzTests {
    private static let tokens: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\"a\"", "\"body\"", "null", "true", "false", "NaN", "-Infinity",
        "Infinity", "0", "-0", "1", "-1", "1.5", "1e400", "-1e-400", "99999999999999999999999", "1.", ".5", "01", "\"\\u",
        "\"\\ud83d\"", "\"\\ud83d\\ude00\"", "\"é\"", " ", "\n", "\u{00}", "\"\\x\"", "{\"task\": \"t\", \"id\": \"i\"}",
        "\"__type__\"", "\"__value__\"", "\"datetime\"", "\"2026-11-25T05:40:46+00:00\"",
    ]

    private func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let rounds = Int.random(in: 1...4, using: &rng)
        for _ in 0..<rounds {
            guard !bytes.isEmpty else {
                bytes = Array("{}".utf8)
                continue
            }
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            case 2: bytes.remove(at: index)
            case 3: bytes.insert(UInt8.random(in: 0...127, using: &rng), at: index)
            case 4: bytes.removeSubrange(index...)
            case 5:
                let end = min(bytes.count, index + Int.random(in: 1...32, using: &rng))
                bytes.insert(contentsOf: bytes[index..<end], at: index)
            default:
                let token = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &rng)]
                bytes.insert(contentsOf: Array(token.utf8), at: index)
            }
        }
        return bytes
    }

    private func tokenSoup(_ rng: inout SplitMix64) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            bytes += Array(Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &rng)].utf8)
        }
        return bytes
    }

    /// Runs the decoders on `bytes`; none may trap. A successful parse must round-trip.
    /// The byte-level entry points (which parse again) run on every `fullEvery`-th call.
    private func exercise(_ bytes: [UInt8], full: Bool = true) {
        if let value = try? JSONParser.parse(bytes) {
            let written = JSONWriter.bytes(value)
            let reparsed = try? JSONParser.parse(written)
            #expect(reparsed.map { JSONWriter.bytes($0) } == written)
            _ = JSONWriter.bytes(value, options: .compact)
            _ = PythonRepr.repr(value)
            _ = PythonSafeRepr.saferepr(value, maxLength: 64)
            _ = try? KombuTaggedValue.decode(value)
            _ = try? ResultReference(jsonValue: value)
            if case .object(let object) = value {
                _ = try? ResultMeta(raw: object)
                _ = try? Signature(raw: object)
                if let envelope = try? KombuEnvelope.decode(value) {
                    _ = envelope.encoded()
                    if let body = try? envelope.decodeBody() {
                        _ = try? EventMessage.events(in: body)
                        _ = try? TaskBody(jsonValue: body)
                        _ = PythonSafeRepr.argsrepr(body.arrayValue?.first?.arrayValue ?? [body])
                        if case .object(let request) = body {
                            _ = try? ControlRequest(raw: request).command()
                            _ = try? ControlRequest(raw: request).isAddressed(to: "w1@host1")
                        }
                    }
                    _ = try? TaskMessage.decode(envelope: envelope).encoded()
                }
            }
        }
        guard full else { return }
        _ = try? EventMessage.decode(bytes)
        _ = try? ControlMessage.decodeRequest(bytes)
        _ = try? ControlMessage.decodeReply(bytes)
        _ = try? ResultMeta.decode(bytes)
        _ = try? UnackedEntry.decode(bytes)
        _ = try? Base64.decode(bytes)
    }

    @Test("50,000 mutated and random inputs never crash any decoder")
    func fuzzDecoders() throws {
        var rng = SplitMix64(seed: 0xCE1E_7AC5)
        var seeds = try Fixtures.envelopes().map { Array($0.text.utf8) }
        seeds += try Fixtures.allRawStrings().filter { $0.text.hasPrefix(#"{"status""#) }.map { Array($0.text.utf8) }
        try #require(!seeds.isEmpty)
        // Bodies too: mutate the decoded payload and wrap it back into a valid envelope, so the
        // body decoders see broken JSON behind a well-formed envelope.
        let bodies = seeds.compactMap { try? KombuEnvelope.decode($0) }
        try #require(!bodies.isEmpty)
        for iteration in 0..<50_000 {
            let input: [UInt8]
            switch iteration % 5 {
            case 0, 1:
                input = mutate(seeds[Int.random(in: 0..<seeds.count, using: &rng)], &rng)
            case 2:
                var envelope = bodies[Int.random(in: 0..<bodies.count, using: &rng)]
                envelope.body = mutate(envelope.body, &rng)
                input = envelope.encoded()
            case 3:
                input = tokenSoup(&rng)
            default:
                input = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            exercise(input, full: iteration % 10 == 0)
        }
    }

    @Test("adversarial shapes are refused or handled, not crashed on")
    func adversarial() {
        exercise(Array(String(repeating: "[", count: 200_000).utf8))
        exercise(Array(String(repeating: "{\"a\":", count: 100_000).utf8))
        exercise(Array(("[" + String(repeating: "1,", count: 100_000) + "1]").utf8))
        exercise(Array(("\"" + String(repeating: "\\u00e9", count: 50_000) + "\"").utf8))
        exercise(Array(("{" + (0..<5000).map { "\"k\($0 % 100)\": \($0)" }.joined(separator: ", ") + "}").utf8))
        exercise(Array(String(repeating: "9", count: 10_000).utf8))
        exercise([0xEF, 0xBB, 0xBF, 0x7B, 0x7D])
    }
}
