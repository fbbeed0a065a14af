import NIOConcurrencyHelpers

/// uuid4 strings for the hot send path. Foundation's `UUID()` on Linux opens, reads and closes
/// `/dev/urandom` for every id (three per message); this takes its randomness from the system
/// generator in blocks of 4 KiB instead, then sets the version and variant bits as uuid4 does.
enum FastUUID {
    private static let pool = NIOLockedValueBox(RandomPool())

    private struct RandomPool {
        var words: [UInt64] = []
        var index = 0

        mutating func next() -> (UInt64, UInt64) {
            if index + 2 > words.count {
                var generator = SystemRandomNumberGenerator()
                words = (0..<512).map { _ in generator.next() }
                index = 0
            }
            defer { index += 2 }
            return (words[index], words[index + 1])
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A lowercase uuid4 string, such as `1bc6ce3e-b3a2-4343-a11b-f4d8c703781f`.
    static func string() -> String {
        var (high, low) = pool.withLockedValue { $0.next() }
        high = (high & ~0xF000) | 0x4000 // version 4 (bits 12-15 of time_hi)
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48) // variant 10xx
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            func put(_ word: UInt64, nibbles: ClosedRange<Int>) {
                for nibble in nibbles.reversed() {
                    buffer[position] = hex[Int((word >> UInt64(nibble * 4)) & 0xF)]
                    position += 1
                }
            }
            put(high, nibbles: 8...15)
            buffer[position] = UInt8(ascii: "-"); position += 1
            put(high, nibbles: 4...7)
            buffer[position] = UInt8(ascii: "-"); position += 1
            put(high, nibbles: 0...3)
            buffer[position] = UInt8(ascii: "-"); position += 1
            put(low, nibbles: 12...15)
            buffer[position] = UInt8(ascii: "-"); position += 1
            put(low, nibbles: 0...11)
            return position
        }
    }
}
