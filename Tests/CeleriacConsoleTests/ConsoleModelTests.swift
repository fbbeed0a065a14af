import CeleriacConsole
import CeleriacProtocol
import Testing

@Suite("ConsoleModel")
struct ConsoleModelTests {
    @Test("Number keys, Tab and Esc navigate; Enter opens the selected task")
    func navigation() throws {
        var model = try ConsoleTestData.sessionModel()
        #expect(model.view == .overview)
        model.reduce(.key(.character("2")))
        #expect(model.view == .tasks)
        model.reduce(.key(.tab))
        #expect(model.view == .taskDetail)
        model.reduce(.key(.character("2")))
        model.reduce(.key(.character("j")))
        model.reduce(.key(.character("j")))
        #expect(model.selectedRow == 2)
        model.reduce(.key(.character("G")))
        #expect(model.selectedRow == model.taskRows().count - 1)
        model.reduce(.key(.character("g")))
        let first = model.taskRows()[0].id
        model.reduce(.key(.enter))
        #expect(model.view == .taskDetail)
        #expect(model.detailTask == first)
        model.reduce(.key(.escape))
        #expect(model.view == .tasks)
        model.reduce(.key(.character("q")))
        #expect(model.view == .overview)
        let effects = model.reduce(.key(.character("q")))
        #expect(effects == [.quit])
        #expect(model.wantsQuit)
    }

    @Test("Marks select the targets of a bulk revoke, confirmed with the count")
    func marksAndConfirm() throws {
        var model = try ConsoleTestData.sessionModel()
        model.reduce(.show(.tasks))
        let rows = model.taskRows()
        model.reduce(.key(.space))
        model.reduce(.key(.space))
        #expect(model.marks == [rows[0].id, rows[1].id])
        #expect(model.reduce(.key(.character("r"))).isEmpty)
        let dialog = try #require(model.dialog)
        #expect(dialog.dialog.lines == ["Revoke 2 tasks?"])
        #expect(dialog.dialog.selectedButton == 1)
        // Enter on the focused "No" cancels.
        #expect(model.reduce(.key(.enter)).isEmpty)
        #expect(model.dialog == nil)
        model.reduce(.key(.character("r")))
        model.reduce(.key(.left))
        let effects = model.reduce(.key(.enter))
        #expect(effects == [.revoke(ids: [rows[0].id, rows[1].id], terminate: false, signal: "SIGTERM")])
        #expect(model.marks.isEmpty)
        // Ctrl-A marks every row matching the filter.
        model.reduce(.key(.ctrl("a")))
        #expect(model.marks.count == rows.count)
        model.reduce(.key(.ctrl("u")))
        #expect(model.marks.isEmpty)
    }

    @Test("Read-only refuses every destructive action and says why")
    func readOnly() throws {
        var model = try ConsoleTestData.sessionModel(readOnly: true)
        model.reduce(.show(.tasks))
        #expect(model.reduce(.key(.character("r"))).isEmpty)
        #expect(model.dialog == nil)
        #expect(model.resultLine?.isError == true)
        #expect(model.resultLine?.text.hasPrefix("read-only") == true)
        model.reduce(.show(.queues))
        #expect(model.reduce(.key(.character("P"))).isEmpty)
        #expect(model.dialog == nil)
        // Browsing changes nothing and stays allowed.
        #expect(model.reduce(.key(.character("b"))) == [.browseQueue(queue: "celery", page: 0)])
        model.reduce(.key(.character(":")))
        for c in "purge slow" { model.reduce(.key(.character(c))) }
        #expect(model.reduce(.key(.enter)).isEmpty)
        #expect(model.dialog == nil)
    }

    @Test("Each view's action key asks for the right effect")
    func viewEffects() throws {
        var model = try ConsoleTestData.sessionModel()
        func confirmed(_ key: Key) -> [Effect] {
            model.reduce(.key(key))
            return model.reduce(.key(.character("y")))
        }
        model.reduce(.show(.queues))
        #expect(confirmed(.character("P")) == [.purge(queue: "celery")])
        model.reduce(.key(.character("j")))
        #expect(confirmed(.character("p")) == [.cancelConsumer(queue: "slow", worker: nil)])
        #expect(confirmed(.character("R")) == [.addConsumer(queue: "slow", worker: nil)])
        model.reduce(.show(.workers))
        #expect(confirmed(.character("+")) == [.poolGrow(worker: "w1@host1", n: 1)])
        #expect(confirmed(.character("X")) == [.shutdown(worker: "w1@host1")])
        model.reduce(.show(.failures))
        let failures = model.failureRows()
        #expect(failures.count == 3)
        #expect(confirmed(.character("Y")) == [.retry(ids: failures.filter(\.stored).map(\.taskID))])
        // D deletes the selected stored failure; one that is only live has nothing to delete.
        let storedRow = try #require(failures.firstIndex { $0.stored })
        model.reduce(.key(.character("g")))
        for _ in 0..<storedRow { model.reduce(.key(.character("j"))) }
        #expect(confirmed(.character("D")) == [.deleteFailures(ids: [failures[storedRow].taskID])])
        if let liveRow = failures.firstIndex(where: { !$0.stored }) {
            model.reduce(.key(.character("g")))
            for _ in 0..<liveRow { model.reduce(.key(.character("j"))) }
            #expect(model.reduce(.key(.character("D"))).isEmpty)
            #expect(model.resultLine?.isError == true)
        }
        // A shutdown is never answered (as in Celery): its outcome is not an error.
        model.reduce(.outcome(EffectOutcome(effect: .shutdown(worker: "w1@host1"))))
        #expect(model.resultLine?.isError == false)
        #expect(model.resultLine?.text.contains("sent (workers do not reply to shutdown)") == true)
        // Rate limit: the command line opens prefilled, the user types the rate.
        model.reduce(.show(.taskTypes))
        model.reduce(.key(.character("l")))
        for c in "20/m" { model.reduce(.key(.character(c))) }
        model.reduce(.key(.enter))
        let rateEffects = model.reduce(.key(.character("y")))
        #expect(rateEffects == [.rateLimit(task: "demo.add", rate: "20/m")])
        model.reduce(.outcome(EffectOutcome(effect: rateEffects[0], replies: [.init(worker: "w1@host1", text: "new rate limit set successfully")])))
        #expect(model.state.taskTypes["demo.add"]?.rateLimit == "20/m")
        #expect(model.resultLine?.isError == false)
    }

    @Test("A filter with a syntax error leaves the filter unchanged")
    func filterErrors() throws {
        var model = try ConsoleTestData.sessionModel()
        model.reduce(.show(.tasks))
        let total = model.taskRows().count
        model.reduce(.key(.character("/")))
        for c in "state:failure" { model.reduce(.key(.character(c))) }
        #expect(model.taskRows().count == 3)
        // Filtering is live: "bogus" alone is a free word, so it applies; the colon makes it a
        // key the language does not have, and from there the filter stays as it was.
        for c in " bogus" { model.reduce(.key(.character(c))) }
        #expect(model.filterText == "state:failure bogus")
        #expect(model.taskRows().isEmpty)
        for c in ":x" { model.reduce(.key(.character(c))) }
        #expect(model.filterError?.column == 14)
        #expect(model.filterError?.length == 5)
        #expect(model.filterText == "state:failure bogus")
        for _ in 0..<8 { model.reduce(.key(.backspace)) }
        #expect(model.filterError == nil)
        #expect(model.filterText == "state:failure")
        #expect(model.taskRows().count == 3)
        for c in " nme:x" { model.reduce(.key(.character(c))) }
        model.reduce(.key(.enter))
        #expect(model.input != nil)
        model.reduce(.key(.escape))
        #expect(model.input == nil)
        #expect(model.filterError == nil)
        model.reduce(.key(.escape))
        #expect(model.filterText.isEmpty)
        #expect(model.taskRows().count == total)
    }

    @Test("Edit-and-retry validates the edited JSON before anything is sent")
    func editAndRetry() throws {
        var model = try ConsoleTestData.sessionModel()
        model.reduce(.show(.failures))
        let rows = model.failureRows()
        let stored = try #require(rows.firstIndex { $0.stored })
        for _ in 0..<stored { model.reduce(.key(.character("j"))) }
        let id = model.failureRows()[stored].taskID
        let open = model.reduce(.key(.character("e")))
        guard case .openEditor(let editID, let text) = open.first else {
            Issue.record("expected openEditor, got \(open)")
            return
        }
        #expect(editID == id)
        #expect(text.hasPrefix("{\"args\": [\"boom"))
        #expect(model.reduce(.edited(id: id, text: "{\"args\": [1,")).isEmpty)
        #expect(model.resultLine?.isError == true)
        #expect(model.dialog == nil)
        #expect(model.reduce(.edited(id: id, text: "[1, 2]")).isEmpty)
        #expect(model.reduce(.edited(id: id, text: "{\"args\": [\"fixed\"], \"kwargs\": {}}")).isEmpty)
        #expect(model.reduce(.key(.character("y"))) == [.editAndRetry(id: id, args: "[\"fixed\"]", kwargs: "{}")])
    }

    @Test("Outcomes show which workers replied, or that none did")
    func outcomes() throws {
        var model = try ConsoleTestData.sessionModel()
        model.reduce(.outcome(EffectOutcome(effect: .rateLimit(task: "demo.add", rate: "1/s"))))
        #expect(model.resultLine?.text == "Set the rate limit of demo.add to 1/s: no worker replied")
        #expect(model.resultLine?.isError == true)
        model.reduce(.outcome(EffectOutcome(effect: .revoke(ids: ["a"], terminate: false, signal: "SIGTERM"),
                                            replies: [.init(worker: "w1", text: "tasks flagged as revoked: a"),
                                                      .init(worker: "w2", text: "tasks flagged as revoked: a")])))
        #expect(model.resultLine?.text == "Revoke task a: 2 replies (w1: tasks flagged as revoked: a)")
        #expect(model.dialog?.dialog.lines.count == 2)
        model.reduce(.key(.enter))
        #expect(model.dialog == nil)
    }
}
