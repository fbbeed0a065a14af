import CeleriacConsole
import CeleriacProtocol
import Testing

/// Notices shown in the console (not only on standard error), and the worker and reason of
/// each failure.
@Suite("Notices and failure details")
struct NoticesAndFailureDetailsTests {
    @Test func aNoticeShowsAboveTheStatusBarAndIsKept() throws {
        var model = try ConsoleTestData.sessionModel()
        model.reduce(.notice("warning: --alerts: alerts.toml:3: rules.x.above: must be a whole number", isError: true))
        var screen = Screen(width: 120, height: 30)
        ConsoleRenderer.render(model, into: &screen)
        let lines = screen.text().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[28].hasPrefix("warning: --alerts: alerts.toml:3"))
        #expect(lines[29].contains("1 notice (1 !) :notices"))
        #expect(screen.roleText([.error: "E"], other: ".").split(separator: "\n", omittingEmptySubsequences: false)[28].hasPrefix("EEEEEEE"))

        // An action's outcome replaces the line, but the notice stays in the list.
        model.reduce(.outcome(EffectOutcome(effect: .purge(queue: "slow"), replies: [])))
        #expect(model.notices.count == 2)
        #expect(model.notices[1].text == model.resultLine?.text)
        #expect(model.notices[1].isError == false)
        #expect(model.notices[0].isError)
        // Reads are not kept.
        model.reduce(.outcome(EffectOutcome(effect: .browseQueue(queue: "slow", page: 0), replies: [])))
        #expect(model.notices.count == 2)

        // `:notices` lists them, newest first.
        model.reduce(.key(.character(":")))
        for c in "notices" { model.reduce(.key(.character(c))) }
        model.reduce(.key(.enter))
        let dialog = try #require(model.dialog)
        #expect(dialog.dialog.title == "Notices (2)")
        #expect(dialog.dialog.lines.count == 2)
        #expect(dialog.dialog.lines[1].contains("! warning: --alerts"))
        model.reduce(.key(.enter))
        #expect(model.dialog == nil)
    }

    @Test func theNoticesAreBounded() {
        var model = ConsoleModel()
        for i in 0..<(Notice.limit + 5) { model.reduce(.notice("n\(i)", isError: false)) }
        #expect(model.notices.count == Notice.limit)
        #expect(model.notices.first?.text == "n5")
    }

    @Test func failuresShowTheWorkerAndTheReason() throws {
        var model = try ConsoleTestData.sessionModel()
        model.reduce(.show(.failures))
        let rows = model.failureRows()
        // The store's entries carry the worker and reason it recorded; the live failure the
        // worker of its task-failed event.
        for row in rows where row.stored {
            #expect(row.worker == "w2@host2")
            #expect(row.reason == "failed")
        }
        let live = try #require(rows.first { !$0.stored })
        #expect(!live.worker.isEmpty)
        #expect(live.reason == "failed")

        // A live task-failed for a task no worker knows: Celery's NotRegistered.
        var state = ClusterState()
        state.apply(.event(ConsoleTestData.taskEvent(.taskFailed, id: "u1", at: 10, clock: 1, host: "w9@h",
                                                     fields: ["exception": "NotRegistered('demo.unknown')"])), now: 10)
        state.apply(.failures([FailureEntry(taskID: "m1", name: "(malformed)", queue: "celery", exception: "not JSON",
                                            traceback: "", timestamp: 9, envelope: "x", worker: "w8@h", reason: "malformed")]),
                    now: 10)
        let other = ConsoleModel(state: state, now: 10).failureRows()
        #expect(other.map(\.reason).sorted() == ["malformed", "unregistered"])
        #expect(other.map(\.worker).sorted() == ["w8@h", "w9@h"])
        // The worker filter applies to store entries too.
        var filtered = ConsoleModel(state: state, now: 10)
        filtered.reduce(.show(.failures))
        filtered.reduce(.key(.character("/")))
        for c in "worker:w8" { filtered.reduce(.key(.character(c))) }
        filtered.reduce(.key(.enter))
        #expect(filtered.failureRows().map(\.taskID) == ["m1"])
    }
}
