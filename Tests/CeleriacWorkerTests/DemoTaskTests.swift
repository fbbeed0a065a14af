import CeleriacProtocol
import CeleriacWorker
import Testing

@Suite("demo tasks")
struct DemoTaskTests {
    let registry = DemoTasks.registry

    func run(_ name: String, _ args: [JSONValue], kwargs: JSONObject = JSONObject(), retries: Int = 0) async throws -> JSONValue {
        let task = try #require(registry[name])
        return try await task.handler(TaskContext(id: "t1", name: name, args: args, kwargs: kwargs, retries: retries))
    }

    @Test func registersEveryDemoTaskOfTheDesign() {
        #expect(registry.names == ["demo.add", "demo.echo", "demo.fail", "demo.flaky", "demo.mul", "demo.noop", "demo.sleep", "demo.xsum"])
    }

    @Test func arithmeticKeepsPythonKinds() async throws {
        #expect(try await run("demo.add", [2, 3]) == .int(5))
        #expect(try await run("demo.add", [2, .double(0.5)]) == .double(2.5))
        #expect(try await run("demo.add", ["a", "b"]) == .string("ab"))
        #expect(try await run("demo.mul", [6, 7]) == .int(42))
        #expect(try await run("demo.xsum", [[1, 2, 3, .double(0.5)]]) == .double(6.5))
        #expect(try await run("demo.add", [.int(Int64.max), 1]) == .double(Double(Int64.max) + 1))
    }

    @Test func keywordArgumentsWork() async throws {
        #expect(try await run("demo.add", [], kwargs: JSONObject([("x", 1), ("y", 2)])) == .int(3))
    }

    @Test func badArgumentsAreTypeErrors() async throws {
        await #expect {
            _ = try await run("demo.add", [1])
        } throws: { error in
            (error as? TaskArgumentError)?.exceptionInfo.type == "TypeError" && "\(error)".contains("'y' is missing")
        }
        await #expect {
            _ = try await run("demo.add", [1, "x"])
        } throws: { error in
            ExceptionInfo.from(error).arguments == [.string("unsupported operand type(s) for +: 'int' and 'str'")]
        }
    }

    @Test func echoReturnsArgsAndKwargs() async throws {
        let result = try await run("demo.echo", [1, "ü"], kwargs: JSONObject([("k", [true])]))
        #expect(result == .object(JSONObject([("args", [1, "ü"]), ("kwargs", .object(JSONObject([("k", [true])])))])))
    }

    @Test func failRaisesDemoError() async throws {
        await #expect {
            _ = try await run("demo.fail", ["boom"])
        } throws: { error in
            ExceptionInfo.from(error) == ExceptionInfo(type: "DemoError", arguments: ["boom"], module: "celeriac.demo")
        }
    }

    @Test func flakyRetriesUntilItsCount() async throws {
        await #expect(throws: TaskRetry.self) { _ = try await run("demo.flaky", [2], retries: 1) }
        #expect(try await run("demo.flaky", [2], retries: 2) == .int(2))
    }

    @Test func sleepIsCancellable() async throws {
        let task = Task { try await run("demo.sleep", [30]) }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(try await run("demo.sleep", [.double(0.01)]) == .double(0.01))
    }

    @Test func noopReturnsNull() async throws {
        #expect(try await run("demo.noop", []) == .null)
    }

    @Test func registeredDescriptionsShowLimitsAsCeleryDoes() {
        var registry = TaskRegistry()
        registry.register("demo.limited", options: TaskOptions(rateLimit: "10/m")) { _ in .null }
        registry.register("demo.soft", options: TaskOptions(softTimeLimit: 0.5, timeLimit: 2)) { _ in .null }
        #expect(registry.registeredDescriptions == ["demo.limited [rate_limit=10/m]", "demo.soft [time_limit=2 soft_time_limit=0.5]"])
    }

    @Test func otherSwiftErrorsKeepTheirTypeName() {
        struct PaymentDeclined: Error, CustomStringConvertible { var description: String { "card refused" } }
        #expect(ExceptionInfo.from(PaymentDeclined()) == ExceptionInfo(type: "PaymentDeclined", arguments: ["card refused"], module: "celeriac"))
    }
}
