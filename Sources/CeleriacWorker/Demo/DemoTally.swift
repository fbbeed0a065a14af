import Celeriac
import CeleriacProtocol
import CeleriacRedis

/// The demo's closing figures: every task the load created counted once, by the state its
/// result holds at the end.
public struct DemoTally: Sendable, Hashable {
    /// Tasks created by the load (chain steps and chord parts included).
    public var sent = 0
    public var succeeded = 0
    public var failed = 0
    public var revoked = 0
    /// Still queued, held for an ETA, running or between retries when the demo stopped.
    public var unfinished = 0
    /// Retry events seen (a task retried twice counts twice).
    public var retried = 0
    /// The largest total depth of the demo's queues.
    public var peakDepth = 0
    /// Seconds the load ran.
    public var duration = 0.0
    /// Calls the broker refused.
    public var sendErrors = 0

    /// Empty figures.
    public init() {}

    /// Finished tasks per second over the run.
    public var throughput: Double { duration > 0 ? Double(succeeded + failed + revoked) / duration : 0 }

    /// Reads the state of `ids` from the result backend in pipelined rounds, counts the finished
    /// ones and returns the others (queued, held for an ETA, running or between retries).
    public mutating func settle(_ ids: [String], client: RedisClient) async -> [String] {
        var open: [String] = []
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(ids.count, start + 500)])
            start += batch.count
            let replies = await client.pipeline(batch.map { RedisCommand(["GET", ResultMeta.key(forTaskID: $0)]) })
            for (id, reply) in zip(batch, replies) {
                guard case .success(let value) = reply, let bytes = value.bytes,
                      let meta = try? ResultMeta.decode(bytes)
                else {
                    open.append(id)
                    continue
                }
                switch meta.status {
                case .success: succeeded += 1
                case .failure: failed += 1
                case .revoked: revoked += 1
                default: open.append(id)
                }
            }
        }
        return open
    }

    /// The one-paragraph summary printed when the demo ends.
    public var paragraph: String {
        let rate = (throughput * 10).rounded() / 10
        var text = "Demo summary: \(sent) tasks sent in \(Int(duration.rounded())) s; \(succeeded) succeeded, "
            + "\(failed) failed, \(revoked) revoked, \(unfinished) unfinished at stop (queued, scheduled or running); "
            + "\(retried) retries. Peak queue depth \(peakDepth); throughput \(rate) tasks/s."
        if sendErrors > 0 { text += " \(sendErrors) sends failed (broker unreachable)." }
        return text
    }
}
