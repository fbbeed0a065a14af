import Testing

/// Polls `condition` every 10 ms until it holds, recording a failure after 30 s: asynchronous
/// effects are waited for, never assumed (CI runs on a loaded two-core machine).
func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting until \(what)")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
