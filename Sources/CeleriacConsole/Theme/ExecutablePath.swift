#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The running executable's path, as Foundation's `Bundle.main.executablePath` gives it
/// (`/proc/self/exe` on Linux); Bundle is not in FoundationEssentials, which the binary links
/// alone (issue #6).
public enum ExecutablePath {
    /// The path, or nil when the system does not say.
    public static var current: String? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
        return CommandLine.arguments.first
        #endif
    }
}
