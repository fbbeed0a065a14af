import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Tasks that break their process in the ways a process pool must survive: a crash, a kill,
/// a busy loop that ignores cancellation, garbage or half a frame on the pool socket; and one
/// that blocks its thread, which the threads pool must survive. They exist to exercise
/// `--pool process` and `--pool threads` (`celeriac worker --pool-fault-tasks`, hidden) and
/// are never registered by default: on the async pool they would take the worker down with them.
public enum PoolFaultTasks {
    /// Registers `celeriac.fault.abort`, `.kill`, `.spin`, `.block`, `.garbage` and `.partial`.
    public static func register(into registry: inout TaskRegistry) {
        registry.register("celeriac.fault.abort") { _ in abort() }
        registry.register("celeriac.fault.kill") { _ in
            kill(getpid(), SIGKILL)
            return .null
        }
        registry.register("celeriac.fault.spin") { _ in
            // Never yields and never checks for cancellation: only a kill ends it.
            var counter: UInt64 = 1
            while counter != 0 { counter = counter &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 | 1 }
            return .null
        }
        registry.register("celeriac.fault.block") { task in
            // Blocks its thread (usleep, never an await) for args[0] seconds, looking at its
            // cancellation between 10 ms naps, as blocking code that honours limits would.
            let seconds = try task.number(0, "seconds").numberValue ?? 0
            let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, seconds) * 1000))
            while ContinuousClock.now < deadline {
                try Task.checkCancellation()
                usleep(10_000)
            }
            return .integer(Int(getpid()))
        }
        registry.register("celeriac.fault.garbage") { task in
            try write(Array("this is not a frame, it is garbage".utf8), task: task)
            try await Task.sleep(for: .seconds(30))
            return .null
        }
        registry.register("celeriac.fault.partial") { task in
            // A length prefix promising 100 bytes, three of them, and the end of the process.
            try write([0, 0, 0, 100, PoolFrame.Kind.result.rawValue, 0, 0], task: task)
            exit(0)
        }
    }

    static func write(_ bytes: [UInt8], task: TaskContext) throws(FaultTaskError) {
        guard let socket = ProcessPoolChild.descriptor else { throw FaultTaskError(task: task.name) }
        _ = bytes.withUnsafeBytes { Glibc.write(socket, $0.baseAddress, $0.count) }
    }
}

/// A fault task run outside a pool child, where it has no socket to break.
public struct FaultTaskError: Error, Sendable, Hashable, CustomStringConvertible {
    public var task: String
    public var description: String { "\(task) only runs in a process pool child" }
}
