import CeleriacRedis

/// Counts the demo's tasks as they finish. Results expire (the demo keeps them ten minutes),
/// so the ids the load created are read every few seconds while the demo runs, not once at
/// the end; only the ids still unfinished are kept, so a long run holds no growing list.
public actor DemoTallier {
    private var tally = DemoTally()
    private var open: [String] = []

    /// An empty tally.
    public init() {}

    /// Ids the load created since the last call.
    public func add(_ ids: [String]) {
        tally.sent += ids.count
        open += ids
    }

    /// Reads the results of every open id; the finished ones are counted and forgotten.
    public func settle(client: RedisClient) async {
        let batch = open
        open = []
        var counted = DemoTally()
        let stillOpen = await counted.settle(batch, client: client)
        tally.succeeded += counted.succeeded
        tally.failed += counted.failed
        tally.revoked += counted.revoked
        // Ids added while the results were read come after the ones read.
        open = stillOpen + open
    }

    /// The figures so far; every open id counts as unfinished.
    public var figures: DemoTally {
        var figures = tally
        figures.unfinished = open.count
        return figures
    }
}
