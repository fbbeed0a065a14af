#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file error as one readable line: the system's reason and the path it names, such as
/// `No such file or directory (/var/lib/x)`. Foundation's `localizedDescription` would say as
/// much, but it needs full Foundation, which costs an idle worker in the same binary 3 MiB
/// resident (issue #6); FoundationEssentials' own description is a struct dump.
enum FileErrorText {
    static func describe(_ error: any Error) -> String {
        guard let cocoa = error as? CocoaError else { return String(describing: error) }
        let reason: String
        if let posix = cocoa.underlying as? POSIXError {
            reason = String(cString: strerror(posix.code.rawValue))
        } else {
            reason = "file error \(cocoa.code.rawValue)"
        }
        guard let path = cocoa.filePath else { return reason }
        return "\(reason) (\(path))"
    }
}
