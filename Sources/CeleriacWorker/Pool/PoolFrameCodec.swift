import CeleriacProtocol

/// The pool's framing: a 4-byte big-endian length, then that many bytes — a kind byte and
/// its body. Numbers in a body are big-endian; structured parts are compact JSON.
///
/// | kind | body |
/// | --- | --- |
/// | `0x01` run | job (8) · soft limit (8, IEEE double bits, 0 for none) · context JSON |
/// | `0x02` stop | job (8) · signal (4) |
/// | `0x81` ready | pid (4) |
/// | `0x82` result | job (8) · peak RSS KiB (8) · runtime (8, IEEE double bits) · status (1) · JSON |
///
/// A result's status 0 is a success and its JSON the task's return value; status 1 is any
/// other outcome, its JSON the object of ``ExecutionOutcome/poolJSON``.
/// | `0x83` skipped | job (8) |
public enum PoolFrameCodec {
    /// The largest frame accepted (a task's arguments travel in one frame).
    public static let maxFrameLength = 64 * 1024 * 1024

    /// The frame's bytes, length prefix included.
    public static func encode(_ frame: PoolFrame) -> [UInt8] {
        var out: [UInt8] = []
        encode(frame, into: &out)
        return out
    }

    /// Appends the frame's bytes, length prefix included, to `out` (several frames go out in
    /// one write).
    public static func encode(_ frame: PoolFrame, into out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: [0, 0, 0, 0])
        switch frame {
        case .run(let job):
            out.append(PoolFrame.Kind.run.rawValue)
            append(job.number, to: &out)
            append((job.softLimit ?? 0).bitPattern, to: &out)
            job.writeContextJSON(into: &out)
        case .stop(let job, let signal):
            out.append(PoolFrame.Kind.stop.rawValue)
            append(job, to: &out)
            append(UInt32(bitPattern: signal), to: &out)
        case .skipped(let job):
            out.append(PoolFrame.Kind.skipped.rawValue)
            append(job, to: &out)
        case .ready(let pid):
            out.append(PoolFrame.Kind.ready.rawValue)
            append(UInt32(bitPattern: pid), to: &out)
        case .result(let job, let rss, let outcome):
            out.append(PoolFrame.Kind.result.rawValue)
            append(job, to: &out)
            append(rss, to: &out)
            append(outcome.runtime.bitPattern, to: &out)
            if case .succeeded(let value, _) = outcome {
                out.append(0)
                JSONWriter.write(value, into: &out)
            } else {
                out.append(1)
                JSONWriter.write(outcome.poolJSON, into: &out)
            }
        }
        let length = UInt32(out.count - start - 4)
        for index in 0..<4 { out[start + index] = UInt8(truncatingIfNeeded: length >> (24 - 8 * index)) }
    }

    /// Decodes one frame body (kind byte and what follows, without the length prefix).
    public static func decodeBody(_ body: ArraySlice<UInt8>) throws(PoolFrameError) -> PoolFrame {
        guard let first = body.first else { throw PoolFrameError(.badLength, "an empty frame") }
        guard let kind = PoolFrame.Kind(rawValue: first) else {
            throw PoolFrameError(.unknownKind, "kind 0x\(String(first, radix: 16)) is not a pool frame")
        }
        var rest = body.dropFirst()
        switch kind {
        case .run:
            let number = try take(UInt64.self, from: &rest, in: "run")
            let soft = Double(bitPattern: try take(UInt64.self, from: &rest, in: "run"))
            guard soft.isFinite, soft >= 0 else { throw PoolFrameError(.badPayload, "a run frame's soft limit is \(soft)") }
            return .run(PoolJob(number: number, context: try PoolJob.context(from: try json(rest, in: "run")),
                                softLimit: soft > 0 ? soft : nil))
        case .stop:
            let number = try take(UInt64.self, from: &rest, in: "stop")
            let signal = Int32(bitPattern: try take(UInt32.self, from: &rest, in: "stop"))
            try expectEnd(rest, in: "stop")
            return .stop(job: number, signal: signal)
        case .skipped:
            let number = try take(UInt64.self, from: &rest, in: "skipped")
            try expectEnd(rest, in: "skipped")
            return .skipped(job: number)
        case .ready:
            let pid = try take(UInt32.self, from: &rest, in: "ready")
            try expectEnd(rest, in: "ready")
            return .ready(pid: Int32(bitPattern: pid))
        case .result:
            let number = try take(UInt64.self, from: &rest, in: "result")
            let rss = try take(UInt64.self, from: &rest, in: "result")
            let runtime = Double(bitPattern: try take(UInt64.self, from: &rest, in: "result"))
            let status = try take(UInt8.self, from: &rest, in: "result")
            switch status {
            case 0: return .result(job: number, maxResidentKiB: rss, outcome: .succeeded(try json(rest, in: "result"), runtime: runtime))
            case 1: return .result(job: number, maxResidentKiB: rss, outcome: try ExecutionOutcome(poolJSON: try json(rest, in: "result")))
            default: throw PoolFrameError(.badPayload, "a result's status is \(status), not 0 or 1")
            }
        }
    }

    static func append<Number: FixedWidthInteger>(_ value: Number, to out: inout [UInt8]) {
        let size = Number.bitWidth / 8
        for index in 0..<size { out.append(UInt8(truncatingIfNeeded: value >> (8 * (size - 1 - index)))) }
    }

    static func take<Number: FixedWidthInteger & UnsignedInteger>(_: Number.Type, from bytes: inout ArraySlice<UInt8>,
                                                                  in what: String) throws(PoolFrameError) -> Number {
        let size = Number.bitWidth / 8
        guard bytes.count >= size else { throw PoolFrameError(.badPayload, "a \(what) frame is too short") }
        var value: Number = 0
        for byte in bytes.prefix(size) { value = value << 8 | Number(byte) }
        bytes = bytes.dropFirst(size)
        return value
    }

    static func expectEnd(_ bytes: ArraySlice<UInt8>, in what: String) throws(PoolFrameError) {
        guard bytes.isEmpty else { throw PoolFrameError(.badPayload, "a \(what) frame has \(bytes.count) bytes too many") }
    }

    static func json(_ bytes: ArraySlice<UInt8>, in what: String) throws(PoolFrameError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw PoolFrameError(.badPayload, "a \(what) frame's JSON cannot be read: \(error)")
        }
    }
}
