#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers

/// uuid4 strings for the hot send path. Foundation's `UUID()` on Linux opens, reads and closes
/// `/dev/urandom` for every id (three per message); this takes its randomness from the system
/// generator in blocks of 4 KiB instead (one read per 256 ids: the standard library's
/// generator makes one `getrandom` call per 8 bytes), then sets the version and variant bits as
/// uuid4 does.
enum FastUUID {
    private static let pool = NIOLockedValueBox(RandomPool())

    private struct RandomPool {
        var words: [UInt64] = []
        var index = 0

        mutating func next() -> (UInt64, UInt64) {
            if index + 2 > words.count {
                words = Self.block(count: 512)
                index = 0
            }
            defer { index += 2 }
            return (words[index], words[index + 1])
        }

        /// `count` random words read from `/dev/urandom` in one go, falling back to the
        /// standard library's generator for whatever could not be read.
        static func block(count: Int) -> [UInt64] {
            var words = [UInt64](repeating: 0, count: count)
            var filled = 0
            #if canImport(Glibc)
            if let descriptor = urandom {
                words.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    var attempts = 0
                    while filled < raw.count, attempts < 8 {
                        let got = read(descriptor, base + filled, raw.count - filled)
                        attempts += 1
                        if got > 0 { filled += got } else if got == 0 || errno != EINTR { break }
                    }
                }
            }
            #endif
            let filledWords = filled / MemoryLayout<UInt64>.size
            if filledWords < count {
                var generator = SystemRandomNumberGenerator()
                for position in filledWords..<count { words[position] = generator.next() }
            }
            return words
        }

        #if canImport(Glibc)
        /// Opened once (close-on-exec, so children never inherit it) and kept for the life of
        /// the process; nil when it cannot be opened.
        private static let urandom: Int32? = {
            let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            return descriptor >= 0 ? descriptor : nil
        }()
        #endif
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
