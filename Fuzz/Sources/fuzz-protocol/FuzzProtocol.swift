import CeleriacProtocol
import FuzzDriver

#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer entry point: everything a worker, the console or the CLI decodes from the
/// broker — kombu envelopes and the task messages inside them (base64 bodies, headers, types),
/// events, remote-control requests and replies, result metas, unacked entries. Each decoder
/// returns a value or a typed error, never crashes. JSON that parses must write and parse
/// back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocol(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if let envelope = try? KombuEnvelope.decode(bytes) {
        _ = try? TaskMessage.decode(envelope: envelope)
    }
    _ = try? TaskMessage.decode(bytes)
    _ = try? EventMessage.decode(bytes)
    _ = try? ControlMessage.decodeRequest(bytes)
    _ = try? ControlMessage.decodeReply(bytes)
    _ = try? ResultMeta.decode(bytes)
    _ = try? UnackedEntry.decode(bytes)
    _ = try? Base64.decode(bytes)
    if let value = try? JSONParser.parse(bytes), !containsNaN(value) {
        let written = JSONWriter.bytes(value)
        guard let again = try? JSONParser.parse(written), again == value else {
            print("JSON did not survive a write and parse")
            abort()
        }
    }
    return 0
}

private func containsNaN(_ value: JSONValue) -> Bool {
    switch value {
    case .double(let number): return number.isNaN
    case .array(let items): return items.contains(where: containsNaN)
    case .object(let object): return object.members.contains { containsNaN($0.value) }
    default: return false
    }
}

/// The executable's entry point (SwiftPM names it `<module>_main`): libFuzzer's driver.
@_cdecl("fuzz_protocol_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzProtocol)
}
