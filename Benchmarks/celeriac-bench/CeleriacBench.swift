import ArgumentParser

/// `celeriac-bench SCENARIO [options]`: benchmarks that print figures side by side with an
/// external reference, one subcommand (and one file) per scenario.
@main
struct CeleriacBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "celeriac-bench",
        abstract: "Measure Celeriac against reference tools.",
        subcommands: [RedisClientScenario.self, BrokerScenario.self, EnqueueScenario.self, WorkerScenario.self]
    )
}
