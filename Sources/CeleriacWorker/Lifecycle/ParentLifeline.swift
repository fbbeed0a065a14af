#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Ends a child worker with the process that started it: the parent hands the child the read
/// end of a pipe and keeps the only write end, so when the parent exits — however it exits —
/// reads return end-of-file and the child shuts down instead of living on as an orphan.
public enum ParentLifeline {
    /// Watches `descriptor` on a thread of its own (the read blocks) and calls `onClose` once,
    /// when the other end is gone. Returns false when the descriptor is not open.
    @discardableResult
    public static func watch(descriptor: Int32, onClose: @escaping @Sendable () -> Void) -> Bool {
        guard fcntl(descriptor, F_GETFD) != -1 else { return false }
        // Keep the lifeline out of anything this process starts in turn.
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        OSThread.start(name: "celeriac-parent-lifeline") {
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count > 0 { continue }
                if count < 0 && errno == EINTR { continue }
                break
            }
            close(descriptor)
            onClose()
        }
        return true
    }
}
