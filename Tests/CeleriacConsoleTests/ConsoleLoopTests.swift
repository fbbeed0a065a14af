import CeleriacConsole
import Testing

/// The UI loop on a memory terminal, driven by the recorded session and a fake clock.
@Suite("console UI loop")
struct ConsoleLoopTests {
    final class FakeClock: @unchecked Sendable {
        var now: Double
        init(_ now: Double) { self.now = now }
    }

    func makeLoop(keys: [Key] = [], readOnly: Bool = false) throws -> (ConsoleLoop, MemoryTerminal, FakeClock) {
        let recording = try ConsoleTestData.recording()
        let start = recording.inputs.first?.time ?? 0
        let clock = FakeClock(start)
        let terminal = MemoryTerminal(size: TerminalSize(width: 120, height: 40), keys: keys)
        let loop = ConsoleLoop(
            model: ConsoleModel(readOnly: readOnly, now: start), terminal: terminal,
            source: ReplaySource(recording: recording, speed: 100), clock: { clock.now })
        return (loop, terminal, clock)
    }

    /// Steps the loop with the clock moving `seconds` per step.
    func advance(_ loop: ConsoleLoop, _ clock: FakeClock, steps: Int, seconds: Double = 0.2) {
        for _ in 0..<steps {
            clock.now += seconds
            loop.step(keyTimeout: .zero)
        }
    }

    @Test func replayFillsTheScreenAndKeysSwitchViews() throws {
        let (loop, terminal, clock) = try makeLoop()
        advance(loop, clock, steps: 10)
        let overview = try #require(terminal.lastScreen).text()
        #expect(overview.contains("w1@host1"))
        #expect(overview.contains("w2@host2"))
        terminal.pendingKeys = [.character("2")]
        advance(loop, clock, steps: 1)
        #expect(loop.model.view == .tasks)
        #expect(try #require(terminal.lastScreen).text().contains("demo."))
    }

    @Test func theScreenIsRedrawnOnlyWhenTheModelChanged() throws {
        let (loop, terminal, clock) = try makeLoop()
        advance(loop, clock, steps: 20)
        let frames = terminal.drawnRuns.count
        // The recording is over: nothing changes but the once-a-second tick, and a tick that
        // changes nothing on screen may redraw at most once a second.
        advance(loop, clock, steps: 10, seconds: 0.01)
        #expect(terminal.drawnRuns.count <= frames + 1)
    }

    @Test func actionsInReplayModeSayThereIsNoCluster() throws {
        let (loop, terminal, clock) = try makeLoop()
        advance(loop, clock, steps: 10)
        terminal.pendingKeys = [.character("2"), .character("r"), .character("y")]
        advance(loop, clock, steps: 4)
        #expect(try #require(terminal.lastScreen).text().contains("there is no cluster to act on"))
    }

    @Test func readOnlyRefusesActions() throws {
        let (loop, terminal, clock) = try makeLoop(readOnly: true)
        advance(loop, clock, steps: 10)
        terminal.pendingKeys = [.character("2"), .character("r")]
        advance(loop, clock, steps: 3)
        #expect(try #require(terminal.lastScreen).text().contains("read-only"))
    }

    @Test func resizeRedrawsAtTheNewSize() throws {
        let (loop, terminal, clock) = try makeLoop()
        advance(loop, clock, steps: 5)
        terminal.resize(to: TerminalSize(width: 90, height: 30))
        advance(loop, clock, steps: 2)
        let screen = try #require(terminal.lastScreen)
        #expect(screen.width == 90 && screen.height == 30)
        terminal.resize(to: TerminalSize(width: 60, height: 20))
        advance(loop, clock, steps: 2)
        #expect(try #require(terminal.lastScreen).text().contains("80×24"))
    }

    @Test func anAlertRingsAndRunsItsCommandOnceWhenItStartsFiring() throws {
        let recording = try ConsoleTestData.recording()
        let start = recording.inputs.first?.time ?? 0
        let clock = FakeClock(start)
        let terminal = MemoryTerminal(size: TerminalSize(width: 120, height: 40))
        let rules = [
            AlertRule(name: "backlog", condition: .queueDepthAbove(queue: "*", depth: 0, duration: 0), bell: true,
                      command: "notify-send backlog"),
            AlertRule(name: "quiet", condition: .queueDepthAbove(queue: "*", depth: 0, duration: 0)),
        ]
        final class Calls: @unchecked Sendable { var alerts: [FiringAlert] = [] }
        let calls = Calls()
        let loop = ConsoleLoop(
            model: ConsoleModel(state: ClusterState(alertRules: rules), now: start), terminal: terminal,
            source: ReplaySource(recording: recording, speed: 100), clock: { clock.now },
            onAlert: { rule, alert in
                #expect(rule.name == "backlog")
                calls.alerts.append(alert)
                return nil
            })
        advance(loop, clock, steps: 30)
        let firing = loop.model.state.alerts.filter { $0.rule == "backlog" }
        #expect(!firing.isEmpty)
        // One bell and one command per alert that starts firing, for the rule that asks; the
        // silent rule rings nothing; an alert that stays on does not ring on every frame.
        #expect(terminal.bells == calls.alerts.count)
        #expect(Set(firing.map(\.subject)).isSubset(of: Set(calls.alerts.map(\.subject))))
        advance(loop, clock, steps: 30)
        #expect(terminal.bells == calls.alerts.count)
        #expect(terminal.bells < 20)
    }

    @Test func quitEndsTheLoop() throws {
        let (loop, _, clock) = try makeLoop(keys: [.character("q")])
        clock.now += 1
        loop.run()
        #expect(loop.model.wantsQuit)
    }
}
