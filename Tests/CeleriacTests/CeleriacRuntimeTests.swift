import Celeriac
import Testing

/// The install API's guards, in a process where it must not take effect: a test runs off the
/// main thread, so every call that gets as far as installing is refused (the `celeriac`
/// executable's entry, on the main thread, is where it installs — see the CLI's
/// RuntimeCheckTests).
@Suite("CeleriacRuntime.installEventLoopExecutor")
struct CeleriacRuntimeTests {
    static let offMainThread = CeleriacRuntime.EventLoopExecutorInstall.refused("must be called from the main thread")

    @Test func offTheMainThreadItRefusesEveryTimeWithoutTrapping() {
        for _ in 0..<3 {
            let result = CeleriacRuntime.installEventLoopExecutor()
            #expect(result == Self.offMainThread)
            #expect(!result.isInEffect)
        }
        #expect(!CeleriacRuntime.isEventLoopExecutorInstalled)
    }

    @Test(arguments: ["off", "OFF", "0", "no", "false"])
    func theSwitchSetOffRefusesEvenWhenTheDefaultIsOn(value: String) {
        let result = CeleriacRuntime.installEventLoopExecutor(environment: [CeleriacRuntime.environmentKey: value], byDefault: true)
        #expect(result == .refused("disabled by \(CeleriacRuntime.environmentKey)=\(value)"))
        #expect(!CeleriacRuntime.isEventLoopExecutorInstalled)
    }

    @Test(arguments: ["on", "ON", "1", "yes", "true"])
    func theSwitchSetOnTriesToInstallEvenWhenTheDefaultIsOff(value: String) {
        // It goes on to the install itself, which meets the main-thread guard here.
        let result = CeleriacRuntime.installEventLoopExecutor(environment: [CeleriacRuntime.environmentKey: value], byDefault: false)
        #expect(result == Self.offMainThread)
    }

    @Test func unsetTheDefaultDecides() {
        #expect(CeleriacRuntime.installEventLoopExecutor(environment: [:], byDefault: false)
            == .refused("not requested (\(CeleriacRuntime.environmentKey)=on installs it)"))
        #expect(CeleriacRuntime.installEventLoopExecutor(environment: [:], byDefault: true) == Self.offMainThread)
    }

    @Test func anotherValueIsRefusedWithWhatIsAccepted() {
        let result = CeleriacRuntime.installEventLoopExecutor(environment: [CeleriacRuntime.environmentKey: "maybe"], byDefault: true)
        #expect(result == .refused("\(CeleriacRuntime.environmentKey) must be on or off, not 'maybe'"))
    }

    @Test func testTasksDoNotRunOnTheEventLoops() async {
        // Without the executor, a task runs on Swift's cooperative pool, never on a loop thread:
        // the check the CLI test relies on can tell the two apart.
        let onLoop = await Task.detached { CeleriacRuntime.isOnEventLoopThread }.value
        #expect(!onLoop)
    }
}
