import Celeriac

/// The process entry point: synchronous, so that the event loops can become Swift's global
/// executor on the main thread before the first task exists; then the command's async main runs
/// on the main actor (see `CeleriacRuntime.runMain`). The executor stays Swift's default unless
/// `CELERIAC_EVENT_LOOP_EXECUTOR=on`: measured, it slowed the worker's drain (see
/// Benchmarks/EVENT-LOOP-EXECUTOR.md), and the switch keeps both modes one variable away.
@main
enum CeleriacEntry {
    static func main() {
        CeleriacRuntime.runMain(eventLoopExecutor: false) { await Celeriac.main() }
    }
}
