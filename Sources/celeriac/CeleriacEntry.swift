import Celeriac

/// The process entry point: synchronous, so that the event loops become Swift's global executor
/// on the main thread before the first task exists; then the command's async main runs on the
/// main actor (see `CeleriacRuntime.runMain`). A task then resumes on the loop that read its
/// Redis reply instead of waking a pool thread: measured on an idle machine, a worker drains a
/// deep queue 30 % faster at -c 16 and twice as fast at -c 1, and a round trip takes 0.15 ms
/// instead of 0.25 (Benchmarks/EVENT-LOOP-EXECUTOR.md). The price: task bodies of the async pool
/// run on the loops, so a body that blocks or spins stalls the connections of its loop; such
/// bodies belong in `--pool threads` or `--pool process`. `CELERIAC_EVENT_LOOP_EXECUTOR=off`
/// keeps Swift's default executor.
@main
enum CeleriacEntry {
    static func main() {
        CeleriacRuntime.runMain(eventLoopExecutor: true) { await Celeriac.main() }
    }
}
