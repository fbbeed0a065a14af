import CeleriacRESP
import NIOCore

/// The server's hot path: replies written straight into the connection's output buffer.
///
/// Building a ``RESPValue`` per reply costs an allocation (the enum is indirect) and a
/// generic encoding pass; the commands a queue lives on (GET, SET, the list pushes and pops,
/// PING) instead write their few bytes directly when ``CommandCall/direct`` allows it. Inside
/// EXEC or a script they still return values, which those collect.
extension BrokerEngine {
    /// Runs one command for a connected client, writing its reply into `output`.
    ///
    /// Returns nil when the reply is in `output`; otherwise the outcome for the caller to
    /// handle exactly as ``execute(_:client:)``'s. Replies written here are byte-identical to
    /// the encoding of the values ``execute(_:client:)`` returns for the same command.
    public func execute(_ args: [[UInt8]], client: ClientState, writingRepliesTo output: inout ByteBuffer) -> CommandOutcome? {
        swap(&replyOutput, &output)
        directReplies = true
        let outcome = execute(args, client: client)
        directReplies = false
        swap(&replyOutput, &output)
        if case .replies(let values) = outcome, values.isEmpty { return nil }
        return outcome
    }

    /// What a handler returns once it wrote its reply into ``replyOutput``: no further replies.
    static var written: CommandOutcome { .replies([]) }

    /// `+OK`.
    func replyOK(_ call: CommandCall) -> CommandOutcome {
        guard call.direct else { return .reply(.ok) }
        replyOutput.writeStaticString("+OK\r\n")
        return Self.written
    }

    /// `:<n>`.
    func replyInteger(_ number: Int64, _ call: CommandCall) -> CommandOutcome {
        guard call.direct else { return .reply(.integer(number)) }
        replyOutput.writeIntegerReply(number)
        return Self.written
    }

    /// A bulk string, or the null reply of the client's protocol for nil.
    func replyBulk(_ bytes: [UInt8]?, _ call: CommandCall) -> CommandOutcome {
        guard call.direct else { return .reply(bytes.map { .bulkString($0) } ?? .null) }
        if let bytes {
            replyOutput.writeBulkReply(bytes)
        } else if call.client.protocolVersion == .v3 {
            replyOutput.writeStaticString("_\r\n")
        } else {
            replyOutput.writeStaticString("$-1\r\n")
        }
        return Self.written
    }

    /// A status line known to hold no CR or LF (`+PONG`).
    func replyStatus(_ text: StaticString, _ call: CommandCall) -> CommandOutcome {
        guard call.direct else { return .reply(.simpleString(text.description)) }
        replyOutput.writeStatusReply(text)
        return Self.written
    }

    /// Memory an entry of `key` holding `value` takes, as ``approximateSize(_:_:)`` counts it,
    /// without looking the value up again (the hot handlers hold it already).
    func entrySize(_ db: Int, _ key: [UInt8], _ value: StoredValue) -> Int {
        let database = database(db)
        let hasExpiry = !database.expires.isEmpty && database.expires[key] != nil
        return key.count + 48 + value.approximateBytes + (hasExpiry ? 24 : 0)
    }
}
