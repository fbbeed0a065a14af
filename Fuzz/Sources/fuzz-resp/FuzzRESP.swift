import CeleriacRESP
import FuzzDriver
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer entry point: the RESP parser, client and server modes, must return values or a
/// typed error for any bytes — never crash, hang or read out of bounds. Whatever parses must
/// also re-encode and parse back to the same values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRESP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = RESPLimits(maxBulkLength: 1 << 20, maxDepth: 32, maxElements: 1 << 16, maxLineLength: 1 << 16)
    for inline in [false, true] {
        var buffer = ByteBuffer(bytes: bytes)
        let parser = RESPParser(limits: limits, allowInline: inline)
        var values: [RESPValue] = []
        do {
            while let value = try parser.parse(&buffer) { values.append(value) }
        } catch {
            _ = error.description
        }
        for value in values where !containsNaN(value) {
            let again = try? RESPParser(limits: limits).parseAll(value.encoded(version: .v3)).values
            if again != [value] { abort() }
        }
    }
    return 0
}

private func containsNaN(_ value: RESPValue) -> Bool {
    switch value {
    case .double(let number): return number.isNaN
    case .array(let items), .set(let items), .push(let items): return items.contains(where: containsNaN)
    case .map(let pairs): return pairs.contains { containsNaN($0.key) || containsNaN($0.value) }
    case .attribute(let pairs, let inner):
        return containsNaN(inner) || pairs.contains { containsNaN($0.key) || containsNaN($0.value) }
    default: return false
    }
}

/// The executable's entry point (SwiftPM names it `<module>_main`): libFuzzer's driver.
@_cdecl("fuzz_resp_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzRESP)
}
