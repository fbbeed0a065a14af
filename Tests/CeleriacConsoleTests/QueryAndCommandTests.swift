import CeleriacConsole
import Testing

@Suite("Filter query and command line")
struct QueryAndCommandTests {
    @Test("Every key of the query language parses into the typed query")
    func parsesAllKeys() throws {
        let q = try TaskQuery.parse("state:failure,retry name:demo.* worker:w1 queue:slow args:foo kwargs:user=42 since:10m boom")
        #expect(q.states == [.failure, .retry])
        #expect(q.names == ["demo.*"])
        #expect(q.workers == ["w1"])
        #expect(q.queues == ["slow"])
        #expect(q.args == ["foo"])
        #expect(q.kwargs.map(\.key) == ["user"])
        #expect(q.kwargs.map(\.value) == ["42"])
        #expect(q.since == 600)
        #expect(q.words == ["boom"])
        #expect(try TaskQuery.parse("").isEmpty)
        #expect(try TaskQuery.parse("args:\"hello world\"").args == ["hello world"])
    }

    @Test("Syntax errors carry the column and length of the bad part", arguments: [
        ("state:failure nme:x", 14, 3),
        ("state:failed", 6, 6),
        ("state:success,bogus", 14, 5),
        ("since:10x", 6, 3),
        ("kwargs:user", 7, 4),
        ("name:", 0, 5),
        ("args:\"open", 5, 1),
    ])
    func syntaxErrors(text: String, column: Int, length: Int) {
        #expect(throws: QuerySyntaxError.self) { try TaskQuery.parse(text) }
        do {
            _ = try TaskQuery.parse(text)
        } catch {
            #expect(error.column == column)
            #expect(error.length == length)
        }
    }

    @Test("Queries match tasks by state, glob name, worker short name, kwargs and free words")
    func matching() throws {
        let model = try ConsoleTestData.sessionModel()
        let state = model.state
        let all = Array(state.tasks.values)
        func count(_ text: String) throws -> Int {
            let q = try TaskQuery.parse(text)
            return all.filter { q.matches($0, in: state, now: model.now) }.count
        }
        #expect(try count("state:failure") == 3)
        #expect(try count("name:demo.f*") == 6)
        let short = try count("worker:w2")
        #expect(try short == count("worker:w2@host2"))
        #expect(short > 0)
        #expect(try count("kwargs:user=42") == 3)
        #expect(try count("queue:slow") == 3)
        #expect(try count("boom") == 3)
        #expect(try count("since:1s") < all.count)
    }

    @Test("Command lines parse into effects; mistakes say what to type")
    func commands() throws {
        #expect(try ConsoleCommand.parse(":revoke a b") == .effect(.revoke(ids: ["a", "b"], terminate: false, signal: "SIGTERM")))
        #expect(try ConsoleCommand.parse(":rate demo.add 10/s") == .effect(.rateLimit(task: "demo.add", rate: "10/s")))
        #expect(try ConsoleCommand.parse(":purge slow") == .effect(.purge(queue: "slow")))
        #expect(try ConsoleCommand.parse(":theme light") == .effect(.setTheme("light")))
        #expect(try ConsoleCommand.parse(":q") == .effect(.quit))
        #expect(try ConsoleCommand.parse("timelimit demo.sleep 5 10") == .effect(.timeLimit(task: "demo.sleep", soft: 5, hard: 10)))
        #expect(try ConsoleCommand.parse("pause slow w1@h") == .effect(.cancelConsumer(queue: "slow", worker: "w1@h")))
        #expect(try ConsoleCommand.parse("grow w1@h 2") == .effect(.poolGrow(worker: "w1@h", n: 2)))
        #expect(try ConsoleCommand.parse("view task-types") == .view(.taskTypes))
        #expect(throws: CommandError("usage: :rate TASK RATE (10/s, 100/m, 5/h, or 0 to lift)")) { try ConsoleCommand.parse(":rate demo.add") }
        #expect(throws: CommandError.self) { try ConsoleCommand.parse(":rate demo.add fast") }
        #expect(throws: CommandError.self) { try ConsoleCommand.parse(":explode") }
        #expect(throws: CommandError.self) { try ConsoleCommand.parse(":grow w1 zero") }
        #expect(throws: CommandError.self) { try ConsoleCommand.parse(":") }
    }
}
