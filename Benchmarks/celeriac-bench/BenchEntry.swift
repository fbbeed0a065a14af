import Celeriac

/// The benchmark's entry point: like `celeriac`'s, it can make the event loops Swift's global
/// executor before any task exists — with `CELERIAC_EVENT_LOOP_EXECUTOR=on` — then runs the
/// command's async main. The enqueue scenario measures the other mode in a child process, so
/// both appear in every run; the workers it starts inherit the variable and otherwise run in
/// `celeriac`'s default mode (the event-loop executor), which their rows name.
@main
enum BenchEntry {
    static func main() {
        CeleriacRuntime.runMain(eventLoopExecutor: false) { await CeleriacBench.main() }
    }
}
