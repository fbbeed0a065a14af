#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Where the data tasks leave what they read, for the UI loop to take in `pump`: cluster
/// inputs in arrival order and effect outcomes. Lock-protected, so the I/O tasks and the UI
/// thread never wait on each other for longer than an append.
final class LiveInbox: Sendable {
    private struct Contents {
        var inputs: [ClusterInput] = []
        var outcomes: [EffectOutcome] = []
    }

    private let contents = Mutex(Contents())
    private let recorder: InputRecorder?
    private let clock: @Sendable () -> Double

    init(recorder: InputRecorder?, clock: @escaping @Sendable () -> Double) {
        self.recorder = recorder
        self.clock = clock
    }

    /// Adds inputs. The recording is written under the same lock, so its lines are in the
    /// order the model receives them and their times never go backwards.
    func push(_ inputs: [ClusterInput]) {
        guard !inputs.isEmpty else { return }
        contents.withLock { contents in
            if let recorder {
                let time = clock()
                for input in inputs { recorder.record(RecordedInput(time: time, input: input)) }
            }
            contents.inputs.append(contentsOf: inputs)
        }
    }

    func push(_ input: ClusterInput) { push([input]) }

    func push(outcome: EffectOutcome) {
        contents.withLock { $0.outcomes.append(outcome) }
    }

    /// Takes everything that arrived.
    func drain() -> (inputs: [ClusterInput], outcomes: [EffectOutcome]) {
        contents.withLock { contents in
            defer {
                contents.inputs.removeAll(keepingCapacity: true)
                contents.outcomes.removeAll()
            }
            return (contents.inputs, contents.outcomes)
        }
    }

    var isEmpty: Bool { contents.withLock { $0.inputs.isEmpty && $0.outcomes.isEmpty } }
}
