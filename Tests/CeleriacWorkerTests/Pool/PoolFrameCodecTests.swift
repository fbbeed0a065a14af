import CeleriacProtocol
@testable import CeleriacWorker
import Testing

/// The pool's framing on its own: every frame kind round trips, whatever the pieces the bytes
/// arrive in, and bytes that are not frames are refused with a typed error.
@Suite("process pool frame codec")
struct PoolFrameCodecTests {
    static let context = TaskContext(id: "6f1c", name: "demo.echo", args: [1, "zwei", ["drei": 3.5]],
                                     kwargs: JSONObject([("ü", .string("ñ")), ("nested", [[1, 2], [:]])]), retries: 2,
                                     rootID: "r", parentID: nil, groupID: "g", hostname: "w1@host")

    static let frames: [PoolFrame] = [
        .run(PoolJob(number: 1, context: context)),
        .run(PoolJob(number: UInt64.max, context: TaskContext(id: "", name: "demo.noop", args: []))),
        .run(PoolJob(number: 2, context: TaskContext(id: "s", name: "demo.sleep", args: [1]), softLimit: 0.25)),
        .stop(job: 7, signal: 15),
        .stop(job: 8, signal: 0),
        .skipped(job: 9),
        .ready(pid: 4_242),
        .result(job: 3, maxResidentKiB: 12_345, outcome: .succeeded(["a": [1, 2.5, nil]], runtime: 0.25)),
        .result(job: 4, maxResidentKiB: 0, outcome: .failed(ExceptionInfo(type: "DemoError", arguments: ["boom"], module: "celeriac.demo"),
                                                            traceback: "Traceback…\nDemoError: boom\n", runtime: 1)),
        .result(job: 5, maxResidentKiB: 1, outcome: .retry(TaskRetry(countdown: 0.1, maxRetries: .none, reason: nil), runtime: 0)),
        .result(job: 6, maxResidentKiB: 1, outcome: .retry(TaskRetry(countdown: nil, maxRetries: .some(nil), reason: "why"), runtime: 0)),
        .result(job: 7, maxResidentKiB: 1, outcome: .retry(TaskRetry(countdown: 3, maxRetries: .some(5), reason: nil), runtime: 0)),
    ]

    @Test(arguments: frames)
    func everyFrameRoundTrips(frame: PoolFrame) throws {
        var decoder = PoolFrameDecoder()
        decoder.append(PoolFrameCodec.encode(frame))
        #expect(try decoder.next() == frame)
        #expect(try decoder.next() == nil)
        #expect(decoder.pendingCount == 0)
    }

    @Test func framesDripFedByteByByteComeOutWhole() throws {
        let bytes = Self.frames.flatMap(PoolFrameCodec.encode)
        var decoder = PoolFrameDecoder()
        var decoded: [PoolFrame] = []
        for byte in bytes {
            decoder.append([byte])
            while let frame = try decoder.next() { decoded.append(frame) }
        }
        #expect(decoded == Self.frames)
    }

    @Test func framesInOneLargeBufferComeOutInOrder() throws {
        var decoder = PoolFrameDecoder()
        decoder.append(Self.frames.flatMap(PoolFrameCodec.encode))
        var decoded: [PoolFrame] = []
        while let frame = try decoder.next() { decoded.append(frame) }
        #expect(decoded == Self.frames)
    }

    @Test func aLargeArgumentTravelsInOneFrame() throws {
        let big = String(repeating: "x", count: 1_048_576)
        let frame = PoolFrame.run(PoolJob(number: 9, context: TaskContext(id: "big", name: "demo.echo", args: [.string(big)])))
        var decoder = PoolFrameDecoder()
        decoder.append(PoolFrameCodec.encode(frame))
        #expect(try decoder.next() == frame)
    }

    @Test func halfAFrameWaitsForTheRest() throws {
        let bytes = PoolFrameCodec.encode(.stop(job: 1, signal: 9))
        var decoder = PoolFrameDecoder()
        decoder.append(bytes.prefix(6))
        #expect(try decoder.next() == nil)
        #expect(decoder.pendingCount == 6)
    }

    @Test(arguments: [
        ([0, 0, 0, 0] as [UInt8], PoolFrameError.Code.badLength),
        ([0xff, 0xff, 0xff, 0xff], .badLength),
        ([0x74, 0x68, 0x69, 0x73], .badLength),  // "this…": text is not a length
        ([0, 0, 0, 1, 0x55], .unknownKind),
        ([0, 0, 0, 2, 0x02, 1], .badPayload),  // stop with a 1-byte job
        ([0, 0, 0, 10, 0x02, 0, 0, 0, 0, 0, 0, 0, 1, 9], .badPayload),  // stop without its signal
        ([0, 0, 0, 10, 0x83, 0, 0, 0, 0, 0, 0, 0, 1, 9], .badPayload),  // skipped with a trailing byte
        ([0, 0, 0, 20, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xf0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x20], .badPayload),  // a soft limit of -infinity
        ([0, 0, 0, 12, 0x82, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], .badPayload),  // result cut short
    ])
    func garbageIsRefusedWithATypedError(bytes: [UInt8], code: PoolFrameError.Code) {
        var decoder = PoolFrameDecoder()
        decoder.append(bytes)
        #expect(throws: PoolFrameError.self) { try decoder.next() }
        do {
            _ = try decoder.next()
        } catch {
            #expect(error.code == code)
        }
    }

    @Test func aResultWhoseJSONIsNotAnOutcomeIsRefused() {
        var body: [UInt8] = [0x82]
        PoolFrameCodec.append(UInt64(1), to: &body)
        PoolFrameCodec.append(UInt64(1), to: &body)
        PoolFrameCodec.append((1.0).bitPattern, to: &body)
        let head = body
        body.append(1)
        body += Array(#"{"runtime": 1, "neither": true}"#.utf8)
        #expect(throws: PoolFrameError.self) { try PoolFrameCodec.decodeBody(body[...]) }
        #expect(throws: PoolFrameError.self) { try PoolFrameCodec.decodeBody((head + [1] + Array("{oops".utf8))[...]) }
        #expect(throws: PoolFrameError.self) { try PoolFrameCodec.decodeBody((head + [0] + Array("[1,".utf8))[...]) }
        #expect(throws: PoolFrameError.self) { try PoolFrameCodec.decodeBody((head + [7] + Array("null".utf8))[...]) }
    }

    @Test func theContextIsWrittenAsTheObjectItStandsFor() throws {
        let job = PoolJob(number: 1, context: Self.context)
        var direct: [UInt8] = []
        job.writeContextJSON(into: &direct)
        #expect(direct == JSONWriter.bytes(job.contextJSON))
    }

    @Test func workerLostReadsAsBilliardWritesIt() {
        let killed = ExceptionInfo.workerLost(exitStatus: 128 + 9, job: 3)
        #expect(killed.type == "WorkerLostError")
        #expect(killed.module == "billiard.exceptions")
        #expect(killed.arguments == ["Worker exited prematurely: signal 9 (SIGKILL) Job: 3."])
        #expect(ExceptionInfo.workerLost(exitStatus: 1, job: 12).arguments == ["Worker exited prematurely: exitcode 1 Job: 12."])
        #expect(ExceptionInfo.workerLost(exitStatus: 128 + 6, job: 1).arguments == ["Worker exited prematurely: signal 6 (SIGABRT) Job: 1."])
    }
}
