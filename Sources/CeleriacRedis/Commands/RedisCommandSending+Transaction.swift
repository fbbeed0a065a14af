import CeleriacRESP

extension RedisCommandSending {
    /// Runs `commands` inside `MULTI … EXEC`, written as one pipeline so no other command of
    /// this connection can land between them. Returns the EXEC array (each element may be an
    /// error value), or nil when EXEC was aborted because a WATCHed key changed.
    public func transaction(_ commands: [RedisCommand]) async throws(RedisError) -> [RESPValue]? {
        var batch: [RedisCommand] = [RedisCommand(["MULTI"])]
        batch.append(contentsOf: commands)
        batch.append(RedisCommand(["EXEC"]))
        let replies = await pipeline(batch)
        guard let last = replies.last else { throw .unexpectedReply("no reply to EXEC") }
        if case .failure(let execError) = last {
            // A command refused while queueing makes EXEC fail with EXECABORT; report the cause.
            if execError.serverCode == "EXECABORT" {
                for case .failure(let cause) in replies.dropLast() { throw cause }
            }
            throw execError
        }
        let value = try last.get()
        switch value {
        case .null: return nil
        case .array(let items): return items
        default: throw .unexpectedReply("EXEC answered \(value)")
        }
    }
}
