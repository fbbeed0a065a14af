#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The settings of `--pool process`: how children are started and when they are recycled.
public struct ProcessPoolOptions: Sendable, Hashable {
    /// The program started for each child; nil re-executes this process's own executable.
    public var executable: String?
    /// Its arguments; nil repeats this process's own arguments (an application's worker
    /// executable then builds the same registry before it serves as a child).
    public var arguments: [String]?
    /// `--max-tasks-per-child`: a child is replaced after this many tasks.
    public var maxTasksPerChild: Int?
    /// `--max-memory-per-child`: a child whose peak resident memory passed this many KiB
    /// after a task is replaced.
    public var maxMemoryPerChildKiB: Int?
    /// `--autoscale MAX,MIN`: the pool grows up to `max` while requests wait and shrinks back
    /// to `min` when idle.
    public var autoscale: (max: Int, min: Int)?
    /// Seconds a child has to report ready before it is killed and replaced.
    public var startTimeout: Double = 30
    /// Seconds a child asked to exit has before it is killed.
    public var stopGrace: Double = 5
    /// Jobs a child holds at once (the first runs, the others wait in it, in order): a child
    /// goes on to its next job without waiting for the parent. At least 1.
    public var queueDepth = 4
    /// A job is queued behind a running one only if that one started less than this many
    /// seconds ago (short jobs pipeline; a long one does not hold others while a child idles),
    /// and a job queued behind one running longer is taken back for a child that is idle.
    public var pipelineWindow = 0.005

    public init(maxTasksPerChild: Int? = nil, maxMemoryPerChildKiB: Int? = nil, autoscale: (max: Int, min: Int)? = nil) {
        self.maxTasksPerChild = maxTasksPerChild
        self.maxMemoryPerChildKiB = maxMemoryPerChildKiB
        self.autoscale = autoscale
    }

    public static func == (lhs: ProcessPoolOptions, rhs: ProcessPoolOptions) -> Bool {
        lhs.executable == rhs.executable && lhs.arguments == rhs.arguments && lhs.maxTasksPerChild == rhs.maxTasksPerChild
            && lhs.maxMemoryPerChildKiB == rhs.maxMemoryPerChildKiB && lhs.autoscale?.max == rhs.autoscale?.max
            && lhs.autoscale?.min == rhs.autoscale?.min && lhs.startTimeout == rhs.startTimeout && lhs.stopGrace == rhs.stopGrace
            && lhs.queueDepth == rhs.queueDepth && lhs.pipelineWindow == rhs.pipelineWindow
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(executable)
        hasher.combine(arguments)
        hasher.combine(maxTasksPerChild)
        hasher.combine(maxMemoryPerChildKiB)
        hasher.combine(autoscale?.max)
        hasher.combine(autoscale?.min)
    }

    /// Checks values that cannot work; the message names the option.
    public func validate() throws(WorkerConfigurationError) {
        if let limit = maxTasksPerChild, limit < 1 {
            throw WorkerConfigurationError(option: "--max-tasks-per-child", "must be at least 1, not \(limit)")
        }
        if let limit = maxMemoryPerChildKiB, limit < 1 {
            throw WorkerConfigurationError(option: "--max-memory-per-child", "must be at least 1 KiB, not \(limit)")
        }
        if let autoscale, autoscale.min < 1 || autoscale.max < autoscale.min {
            throw WorkerConfigurationError(option: "--autoscale", "needs MAX,MIN with MAX ≥ MIN ≥ 1, not \(autoscale.max),\(autoscale.min)")
        }
    }

    /// The program children run: `executable`, else this process's own (`/proc/self/exe`).
    var resolvedExecutable: String {
        if let executable { return executable }
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? (CommandLine.arguments.first ?? "celeriac")
        return own
    }

    /// Arguments children get.
    var resolvedArguments: [String] { arguments ?? Array(CommandLine.arguments.dropFirst()) }
}
