/// How the task table stores a task's id: 16 bytes and no allocation of its own.
///
/// Celery's task ids are `str(uuid4())`: 36 characters that as a `String` take a heap block of
/// about 80 bytes, once per tracked task. A canonical UUID in lowercase hex is kept here as its
/// 128 bits, and turns back into exactly the same text. Any other id (`t1`, an uppercase UUID,
/// a custom scheme) is a *text key*: `high` is `UInt64.max` and `low` says where the table
/// keeps its bytes (offset and length in the table's text arena), so such an id costs its
/// length and no object header. A UUID whose first 64 bits are all ones is kept as text, so
/// the two kinds never meet.
struct TaskKey: Hashable, Sendable, Comparable {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The `high` of every text key.
    static let textMarker = UInt64.max

    /// The key of an empty table slot.
    static let vacant = TaskKey(high: textMarker, low: .max)

    /// The most bytes a text id may have (the length takes 20 bits of `low`).
    static let maxTextLength = (1 << 20) - 1

    /// A text key for bytes at `offset` of the arena (`offset` below 2^44).
    static func text(offset: Int, length: Int) -> TaskKey {
        TaskKey(high: textMarker, low: UInt64(offset) << 20 | UInt64(length))
    }

    /// Whether the id is not a UUID and its bytes are in the table's arena.
    var isText: Bool { high == Self.textMarker }

    /// Where a text key's bytes are.
    var textOffset: Int { Int(truncatingIfNeeded: low >> 20) }
    var textLength: Int { Int(truncatingIfNeeded: low & UInt64(Self.maxTextLength)) }

    /// The key of a canonical lowercase UUID (`8-4-4-4-12` hex digits), else nil.
    init?(uuid text: String) {
        var text = text
        let parsed: (UInt64, UInt64)? = text.withUTF8 { bytes in
            guard bytes.count == 36 else { return nil }
            var high: UInt64 = 0
            var low: UInt64 = 0
            var digits = 0
            for index in 0..<36 {
                let byte = bytes[index]
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                    continue
                }
                let nibble: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte &- UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte &- UInt8(ascii: "a") &+ 10
                default: return nil
                }
                if digits < 16 {
                    high = high << 4 | UInt64(nibble)
                } else {
                    low = low << 4 | UInt64(nibble)
                }
                digits += 1
            }
            return (high, low)
        }
        guard let parsed, parsed.0 != Self.textMarker else { return nil }
        high = parsed.0
        low = parsed.1
    }

    /// The UUID text of a UUID key (nil for a text key).
    var uuidText: String? {
        guard !isText else { return nil }
        return String(unsafeUninitializedCapacity: 36) { buffer in
            let hex: StaticString = "0123456789abcdef"
            var index = 0
            func put(_ value: UInt64, digits: Int) {
                var shift = digits * 4 - 4
                while shift >= 0 {
                    buffer[index] = hex.utf8Start[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                    shift -= 4
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, digits: 8)
            dash()
            put(high >> 16, digits: 4)
            dash()
            put(high, digits: 4)
            dash()
            put(low >> 48, digits: 4)
            dash()
            put(low, digits: 12)
            return 36
        }
    }

    /// UUID keys in the order of their texts (text keys after them).
    static func < (lhs: TaskKey, rhs: TaskKey) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

/// A tracked task's place in the table that stays valid while the task is tracked and never
/// names another task after it goes: the position plus the generation of the record there.
/// Eviction queues hold these (8 bytes) instead of ids.
struct TaskHandle: Hashable, Sendable {
    var position: UInt32
    var generation: UInt32
}
