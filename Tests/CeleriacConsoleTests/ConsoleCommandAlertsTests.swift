import CeleriacConsole
import Testing

/// The `--alerts FILE` format: rules read in file order, and every mistake reported with the
/// file, line and key.
@Suite("console --alerts rules")
struct ConsoleCommandAlertsTests {
    @Test func everyKindIsRead() throws {
        let rules = try AlertRuleLoader.parse("""
            # comments are fine
            [rules.celery-backlog]
            kind = "queue_depth"
            queue = "celery"
            above = 100
            for = "30s"

            [rules.failing]
            kind = "failure_rate"
            task = "demo.*"
            above = "25%"
            minimum = 5

            [rules.any-failing]
            kind = "failure_rate"
            above = 0.5

            [rules.stuck]
            kind = "queue_latency"
            queue = "slow"
            above = "2m"

            [rules.gone]
            kind = "heartbeat_missing"
            bell = true
            run = "notify-send 'worker gone'"
            """, file: "alerts.toml")
        #expect(rules == [
            AlertRule(name: "celery-backlog", condition: .queueDepthAbove(queue: "celery", depth: 100, duration: 30)),
            AlertRule(name: "failing", condition: .failureRateAbove(task: "demo.*", ratio: 0.25, minimum: 5)),
            AlertRule(name: "any-failing", condition: .failureRateAbove(task: "*", ratio: 0.5, minimum: 10)),
            AlertRule(name: "stuck", condition: .queueLatencyAbove(queue: "slow", seconds: 120)),
            AlertRule(name: "gone", condition: .heartbeatMissing(worker: "*"), bell: true, command: "notify-send 'worker gone'"),
        ])
        #expect(try AlertRuleLoader.parse("", file: "empty.toml").isEmpty)
    }

    @Test(arguments: [
        ("[rules.x]\nkind = \"queue_depth\"\nabove = -1\n", "a.toml:3: rules.x.above: must be a whole number, 0 or more"),
        ("[rules.x]\nkind = \"queue_depth\"\nabove = 5\nfor = \"soon\"\n", "a.toml:4: rules.x.for: must be seconds"),
        ("[rules.x]\nkind = \"failure_rate\"\nabove = \"250%\"\n", "a.toml:3: rules.x.above: must be a ratio"),
        ("[rules.x]\nkind = \"quue_depth\"\n", "a.toml:2: rules.x.kind: unknown kind \"quue_depth\""),
        ("[rules.x]\nkind = \"queue_latency\"\n", "a.toml:1: rules.x: a queue_latency rule needs above"),
        ("[rules.x]\nkind = \"queue_latency\"\nabove = \"soon\"\n", "a.toml:3: rules.x.above: must be seconds"),
        ("[rules.x]\nkind = \"queue_latency\"\nabove = 5\nfor = 3\n", "a.toml:4: rules.x.for: unknown key \"for\""),
        ("[rules.x]\nkind = \"heartbeat_missing\"\nqueue = \"celery\"\n", "a.toml:3: rules.x.queue: unknown key \"queue\""),
        ("[rules.x]\nabove = 3\n", "a.toml:1: rules.x: missing kind"),
        ("[rules.x]\nkind = \"heartbeat_missing\"\nbell = \"yes\"\n", "a.toml:3: rules.x.bell: must be true or false"),
        ("[rules.x]\nkind = \"heartbeat_missing\"\nrun = \"\"\n", "a.toml:3: rules.x.run: must be a non-empty string"),
        ("[rules.x]\nkind = \"queue_depth\"\n", "a.toml:1: rules.x: a queue_depth rule needs above"),
        ("[rulez.x]\nkind = 1\n", "a.toml:1: rulez: unknown key \"rulez\""),
        ("[rules.x\nkind = 1\n", "a.toml:1: TOML syntax error"),
    ])
    func mistakesNameTheLineAndKey(text: String, expected: String) {
        do {
            _ = try AlertRuleLoader.parse(text, file: "a.toml")
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error)")
        }
    }

    @Test func firingRulesShowOnTheOverview() throws {
        var model = try ConsoleTestData.sessionModel()
        model.state.alertRules = try AlertRuleLoader.parse("""
            [rules.slow-backlog]
            kind = "queue_depth"
            queue = "slow"
            above = 3
            """, file: "alerts.toml")
        model.reduce(.tick(now: model.now + 1))
        #expect(model.state.alerts.map(\.subject) == ["slow"])
        let frame = ConsoleRenderer.renderOnce(model, view: .overview, width: 120, height: 40)
        #expect(frame.contains("slow-backlog: queue slow has 6 messages (> 3)"))
    }
}
