import CCeleriacExecutorHook
import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Process-wide runtime choices for programs built on Celeriac.
public enum CeleriacRuntime {
    /// What `installEventLoopExecutor()` did.
    public enum EventLoopExecutorInstall: Sendable, Equatable, CustomStringConvertible {
        /// This call made the event loops Swift's global executor.
        case installed
        /// An earlier call did; nothing changed.
        case alreadyInstalled
        /// Not installed, for the reason given; tasks keep Swift's default global executor.
        case refused(String)

        /// Whether the event loops are the global executor after the call.
        public var isInEffect: Bool {
            switch self {
            case .installed, .alreadyInstalled: return true
            case .refused: return false
            }
        }

        public var description: String {
            switch self {
            case .installed: return "installed"
            case .alreadyInstalled: return "already installed"
            case .refused(let reason): return "refused: \(reason)"
            }
        }
    }

    /// The environment variable `installEventLoopExecutor(environment:byDefault:)` reads: `on`
    /// (or `1`, `yes`, `true`) installs the executor, `off` (or `0`, `no`, `false`) keeps Swift's
    /// default one; unset, the program's default applies.
    public static let environmentKey = "CELERIAC_EVENT_LOOP_EXECUTOR"

    /// Makes NIO's `MultiThreadedEventLoopGroup.singleton` — the event loops every Celeriac
    /// Redis connection runs on by default — Swift concurrency's global executor.
    ///
    /// Why: without it, every awaited Redis command crosses threads twice (the task's
    /// cooperative-pool thread hands the write to the connection's event loop, and the reply
    /// wakes the task back on the pool). With it, a task runs on an event loop thread and one
    /// that awaits a reply resumes on the loop that read it: no wake-up, no hop.
    ///
    /// Where it pays: a process that mostly awaits Redis (a producer's send loop: half the
    /// context switches and about a fifth less CPU per message; a worker: a deep drain about 30 %
    /// faster, a round trip 0.15 ms instead of 0.25 on an idle machine). The `celeriac`
    /// executable installs it unless `CELERIAC_EVENT_LOOP_EXECUTOR=off`
    /// (Benchmarks/EVENT-LOOP-EXECUTOR.md).
    ///
    /// When: once, from the main thread, before any task is started — first thing in `main`.
    /// For an `AsyncParsableCommand` or an `async` main, use a synchronous `@main` entry that
    /// calls this and then starts the async main (see the `celeriac` executable). Later calls
    /// return `.alreadyInstalled`; a call from another thread, or when some other hook is
    /// already installed, returns `.refused` and changes nothing. It never traps.
    ///
    /// The rule it imposes: async code must never block its thread (no `sleep`/`usleep`,
    /// semaphores or condition waits, blocking reads of files, pipes or terminals, `waitpid`,
    /// long CPU loops without a suspension point). Such a call stalls every connection on that
    /// event loop, not just one pool thread. Move blocking work to a thread of its own or to
    /// `NIOThreadPool`.
    @discardableResult
    public static func installEventLoopExecutor() -> EventLoopExecutorInstall {
        state.withLockedValue { state in
            switch state {
            case .installed:
                return .alreadyInstalled
            case .idle:
                guard celeriac_is_main_thread() else {
                    return .refused("must be called from the main thread")
                }
                guard installHook() else {
                    return .refused("Swift's global enqueue hook is already taken by other code")
                }
                state = .installed
                return .installed
            }
        }
    }

    /// `installEventLoopExecutor()` when `environment[environmentKey]` says `on` (or `1`, `yes`,
    /// `true`), or is unset and `byDefault` is true; otherwise it refuses with the reason. The
    /// `celeriac` executable (by default on) and `celeriac-bench` (by default off) call this
    /// (Benchmarks/EVENT-LOOP-EXECUTOR.md has the figures), so either mode is one variable away.
    @discardableResult
    public static func installEventLoopExecutor(
        environment: [String: String], byDefault: Bool
    ) -> EventLoopExecutorInstall {
        switch environment[environmentKey].map({ $0.lowercased() }) {
        case "on", "1", "yes", "true":
            return installEventLoopExecutor()
        case "off", "0", "no", "false":
            return .refused("disabled by \(environmentKey)=\(environment[environmentKey] ?? "")")
        case nil where byDefault:
            return installEventLoopExecutor()
        case nil:
            return .refused("not requested (\(environmentKey)=on installs it)")
        case let value?:
            return .refused("\(environmentKey) must be on or off, not '\(value)'")
        }
    }

    /// A synchronous `main` for a program whose work is async: installs the event-loop
    /// executor from the main thread (unless `eventLoopExecutor` is false, or
    /// `CELERIAC_EVENT_LOOP_EXECUTOR=off`; see `installEventLoopExecutor(environment:byDefault:)`),
    /// runs `body` on the main actor, and exits — status 0 when `body` returns, 1 after
    /// printing the error when it throws. The `celeriac` executable starts this way.
    ///
    /// ```swift
    /// @main
    /// struct MyProducer {
    ///     static func main() {
    ///         CeleriacRuntime.runMain { try await producerLoop() }
    ///     }
    /// }
    /// ```
    ///
    /// Keep the rule `installEventLoopExecutor()` states: nothing in async code may block.
    public static func runMain(eventLoopExecutor: Bool = true,
                               _ body: @escaping @MainActor @Sendable () async throws -> Void) -> Never {
        installEventLoopExecutor(environment: ProcessInfo.processInfo.environment, byDefault: eventLoopExecutor)
        Task { @MainActor in
            do {
                try await body()
                exit(0)
            } catch {
                StandardError.write("Error: \(error)\n")
                exit(1)
            }
        }
        // The main thread serves the main actor from here on, as Swift's own async entry does.
        dispatchMain()
    }

    /// Whether `installEventLoopExecutor()` has put the event loops in place in this process.
    public static var isEventLoopExecutorInstalled: Bool {
        state.withLockedValue { $0 == .installed }
    }

    /// Whether the calling thread is one of the singleton group's event loops (with the
    /// executor installed, every task not tied to an actor of its own runs on one).
    public static var isOnEventLoopThread: Bool {
        MultiThreadedEventLoopGroup.currentEventLoop != nil
    }

    private enum State: Equatable {
        case idle
        case installed
    }

    private static let state = NIOLockedValueBox(State.idle)

    /// Runs a job of the global executor on an event loop. `any()` is the current loop when
    /// called on one of the group's threads, so a task woken by a reply on a loop stays there;
    /// from elsewhere, the next loop.
    private static func enqueueOnLoop(_ job: UnownedJob) {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        if genericExecutorIsTwoWords {
            // As Swift's own global executor runs a job: on the generic executor. NIO's
            // `enqueue(_:)` runs it on the loop as a serial executor, and then every nonisolated
            // async function the task enters must switch (`swift_task_switch`) back to the
            // generic executor through the loop's queue: 13 extra loop-queue hops per pooled
            // send (perf probes, session 9).
            loop.execute { job.runSynchronously(on: genericExecutor) }
        } else {
            loop.enqueue(ExecutorJob(job))
        }
    }

    /// Whether the runtime's executor reference is the two words it is in Swift 6, so that
    /// ``genericExecutor`` can be written.
    private static let genericExecutorIsTwoWords = MemoryLayout<UnownedSerialExecutor>.size == MemoryLayout<(Int, Int)>.size

    /// The runtime's generic executor (`SerialExecutorRef::generic()`: a null identity and no
    /// implementation word), which the standard library offers no public name for. Not kept
    /// in an optional: its all-zero bits are that optional's `nil`.
    private static var genericExecutor: UnownedSerialExecutor {
        unsafeBitCast((0, 0) as (Int, Int), to: UnownedSerialExecutor.self)
    }

    /// The runtime calls the hook with Swift's calling convention and no context: a thin function.
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Stores the hook in the runtime's slot; the same technique as NIO's
    /// `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`, which finds
    /// the slot with dlsym and so cannot work in a statically linked release build.
    private static func installHook() -> Bool {
        withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { buffer in
            guard let slot = buffer.baseAddress else { return false }
            slot.initialize(to: { job, _ in CeleriacRuntime.enqueueOnLoop(job) })
            return slot.withMemoryRebound(to: UnsafeMutableRawPointer.self, capacity: 1) { pointer in
                celeriac_install_enqueue_global_hook(pointer.pointee)
            }
        }
    }
}
