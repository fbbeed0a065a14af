import CeleriacConsole
import Foundation
import Testing

/// Compares rendered frames with the expected texts in `Fixtures/Snapshots`. With
/// `CELERIAC_RECORD_SNAPSHOTS=1` in the environment it writes the files instead (review them,
/// then commit).
enum Snapshot {
    static var directory: URL { ConsoleTestData.fixturesDirectory.appendingPathComponent("Snapshots") }
    static var recording: Bool { ProcessInfo.processInfo.environment["CELERIAC_RECORD_SNAPSHOTS"] == "1" }

    static func check(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name + ".txt")
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try (text + "\n").write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text + "\n" == expected, "frame \(name) differs from \(url.path); rerun with CELERIAC_RECORD_SNAPSHOTS=1 to update",
                sourceLocation: sourceLocation)
    }
}

@Suite("Views")
struct ViewSnapshotTests {
    static let sizes = [(80, 24), (200, 60)]

    /// The session model with a stable selection: the detail shows the chain's child task.
    static func model() throws -> ConsoleModel {
        var model = try ConsoleTestData.sessionModel()
        model.reduce(.resize(width: 200, height: 60))
        model.reduce(.show(.tasks))
        model.reduce(.key(.character("/")))
        for c in "name:demo.mul" { model.reduce(.key(.character(c))) }
        model.reduce(.key(.enter))
        model.reduce(.key(.enter))
        model.reduce(.key(.escape))
        model.reduce(.key(.escape))
        model.reduce(.key(.escape))
        return model
    }

    @Test("Each view at 80×24 and 200×60 matches its expected text", arguments: ConsoleView.allCases)
    func views(view: ConsoleView) throws {
        var model = try Self.model()
        if view == .workerDetail {
            model.reduce(.show(.workers))
            model.reduce(.key(.enter))
        }
        for (width, height) in Self.sizes {
            let text = ConsoleRenderer.renderOnce(model, view: view == .workerDetail ? nil : view, width: width, height: height)
            try Snapshot.check(text, named: "\(view.name)-\(width)x\(height)")
        }
    }

    @Test("Overlays: help, a confirmation dialog, the filter line with an error, read-only help")
    func overlays() throws {
        var model = try Self.model()
        model.reduce(.show(.tasks))
        model.reduce(.key(.character("?")))
        try Snapshot.check(ConsoleRenderer.renderOnce(model, width: 100, height: 30), named: "help-tasks-100x30")
        model.reduce(.key(.escape))
        model.reduce(.key(.space))
        model.reduce(.key(.space))
        model.reduce(.key(.character("r")))
        try Snapshot.check(ConsoleRenderer.renderOnce(model, width: 100, height: 30), named: "confirm-revoke-100x30")
        model.reduce(.key(.escape))
        model.reduce(.key(.character("/")))
        for c in "state:failure nme:x" { model.reduce(.key(.character(c))) }
        var screen = Screen(width: 100, height: 30)
        ConsoleRenderer.render(model, into: &screen)
        try Snapshot.check(screen.text(), named: "filter-error-100x30")
        // The bad key is underlined in the error role, the rest of the line is input.
        let roles = screen.roleText([.error: "E", .input: "i", .cursor: "c"], other: ".")
        #expect(roles.split(separator: "\n", omittingEmptySubsequences: false)[28] == "i" + String(repeating: "i", count: 14) + "EEE" + "ii" + "c" + String(repeating: "i", count: 100 - 21))
    }

    @Test("A screen smaller than 80×24 gets a clear message")
    func tooSmall() throws {
        let model = try Self.model()
        let text = ConsoleRenderer.renderOnce(model, width: 60, height: 20)
        #expect(text.contains("Terminal too small: 60×20"))
        #expect(text.contains("at least 80×24"))
    }

    @Test("Connection loss shows the countdown while the last state stays on screen")
    func reconnecting() throws {
        var model = try Self.model()
        model.reduce(.ingest([.connection(.reconnecting(retryAt: model.now + 4.2, error: "connection refused"))], now: model.now))
        let text = ConsoleRenderer.renderOnce(model, view: .workers, width: 120, height: 30)
        #expect(text.contains("broker lost (connection refused), retry in 5s"))
        #expect(text.contains("w1@host1"))
        #expect(text.contains("showing the last known state"))
    }

    @Test("Themes change styles, not layout")
    func themes() throws {
        let model = try Self.model()
        var screen = Screen(width: 200, height: 60)
        ConsoleRenderer.render(model, into: &screen)
        let text = screen.text()
        let dark = try #require(ThemeLoader.builtin("default"))
        let light = try #require(ThemeLoader.builtin("light"))
        let mono = try #require(ThemeLoader.builtin("mono"))
        // The frame is drawn in roles; a theme only maps roles to styles, so the text is the
        // same whatever the theme, and the styled cells differ where roles' styles differ.
        var styledDark: [Style] = []
        var styledLight: [Style] = []
        var styledMono: [Style] = []
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                guard let role = screen.role(x: x, y: y) else { continue }
                styledDark.append(dark[role])
                styledLight.append(light[role])
                styledMono.append(mono[role])
            }
        }
        #expect(screen.text() == text)
        #expect(styledDark != styledLight)
        #expect(styledDark != styledMono)
        let failedCells = (0..<screen.height).flatMap { y in (0..<screen.width).filter { screen.role(x: $0, y: y) == .taskFailed } }
        #expect(!failedCells.isEmpty)
        #expect(dark[.taskFailed] != light[.taskFailed] || dark[.taskFailed] != mono[.taskFailed])
        // An ASCII screen lays out the same cells with ASCII glyphs.
        var ascii = Screen(width: 200, height: 60, charset: .ascii)
        ConsoleRenderer.render(model, into: &ascii)
        #expect(ascii.lines().count == screen.lines().count)
        let asciiText = ascii.text()
        #expect(asciiText.allSatisfy { $0.isASCII })
    }

    @Test("A recording round-trips through its line format; bad lines are counted")
    func recordingRoundTrip() throws {
        let recording = try ConsoleTestData.recording()
        #expect(recording.errors.count == 1)
        #expect(recording.errors.first?.line == 80)
        let again = Recording(text: Recording.text(of: recording.inputs))
        #expect(again.errors.isEmpty)
        #expect(again.inputs == recording.inputs)
        let model = try ConsoleTestData.sessionModel()
        #expect(model.state.malformedCount == 1)
    }

    @Test("The replay driver feeds inputs by its injected clock and speed")
    func replayDriver() throws {
        let recording = try ConsoleTestData.recording()
        var driver = ReplayDriver(recording: recording, speed: 10)
        var model = ConsoleModel()
        driver.start(at: 0)
        #expect(driver.advance(to: 0, model: &model) == 1)
        let afterOne = driver.advance(to: 0.5, model: &model)
        #expect(afterOne > 10)
        #expect(!driver.isFinished)
        #expect(driver.nextDue().map { $0 > 0.5 } == true)
        driver.advance(to: 100, model: &model)
        #expect(driver.isFinished)
        let direct = try ConsoleTestData.sessionModel()
        #expect(model.state.tasks.count == direct.state.tasks.count)
        #expect(model.state.tasks == direct.state.tasks)
        #expect(ConsoleRenderer.renderOnce(model, view: .tasks, width: 120, height: 40)
                    == ConsoleRenderer.renderOnce(direct, view: .tasks, width: 120, height: 40))
    }
}
