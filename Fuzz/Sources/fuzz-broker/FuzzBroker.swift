import CeleriacBrokerCore
import CeleriacRESP
import FuzzDriver
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer entry point: the broker's command layer. The bytes are parsed as a client's
/// stream (RESP and inline commands); each command runs on one of three clients of a fresh
/// engine in turn, with the clock moving and timers firing between commands, as the server
/// runs them. Nothing may crash or hang, and the dataset must survive the append-only log:
/// the rewrite of the final dataset, replayed into a new engine, rewrites to the same records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBroker(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: size))
    let limits = RESPLimits(maxBulkLength: 1 << 20, maxDepth: 8, maxElements: 1 << 12, maxLineLength: 1 << 16)
    let parser = RESPParser(limits: limits, allowInline: true)
    let clock = ManualBrokerClock()
    // A short script limit: a fuzzed `while true do end` is cut off, not a hang.
    let engine = BrokerEngine(configuration: .init(maxMemory: 64 << 20, scriptTimeLimitMilliseconds: 20), clock: clock)
    let clients = (0..<3).map { engine.addClient(address: "127.0.0.1:\(40000 + $0)") }
    var turn = 0
    while let value = try? parser.parse(&buffer) {
        guard case .array(let items) = value else { continue }
        var args: [[UInt8]] = []
        for item in items {
            guard case .bulkString(let bytes) = item else { break }
            args.append(bytes)
        }
        guard !args.isEmpty, args.count == items.count else { continue }
        // SHUTDOWN and DEBUG-style commands only end this run's engine.
        if case .shutdown = engine.execute(args, from: clients[turn % clients.count]) { break }
        turn += 1
        clock.advance(milliseconds: 7)
        engine.runTimers()
        _ = engine.drainEvents()
    }
    for client in clients { engine.removeClient(client) }
    _ = engine.drainEvents()
    let records = engine.rewrite()
    let replayed = BrokerEngine(clock: clock)
    do {
        _ = try replayed.replay(AppendOnlyLog.encode(records))
    } catch {
        print("rewrite does not replay: \(error)")
        abort()
    }
    if replayed.rewrite() != records {
        print("replayed dataset differs from the original")
        abort()
    }
    return 0
}

/// The executable's entry point (SwiftPM names it `<module>_main`): libFuzzer's driver.
@_cdecl("fuzz_broker_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzBroker)
}
