import ArgumentParser

/// `celeriac-bench SCENARIO [options]`: benchmarks that print figures side by side with an
/// external reference, one subcommand (and one file) per scenario; `all` runs the seven
/// scenarios and writes the results file. See Benchmarks/README.md. The process starts in
/// `BenchEntry`, which installs the event-loop executor first.
struct CeleriacBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "celeriac-bench",
        abstract: "Measure Celeriac against reference tools.",
        subcommands: [AllScenario.self, BrokerScenario.self, EnqueueScenario.self, WorkerScenario.self, ConsoleScenario.self,
                      GrowthScenario.self, RedisClientScenario.self, ConsoleMemoryProbe.self, PoolScenario.self,
                      EnqueueChild.self]
    )
}
