import CeleriacRESP
import NIOCore

/// Receives the engine's append-only log records. The server implements it: it encodes each
/// record (``AppendOnlyLog/encode(_:)``), writes it to the log file and applies its fsync
/// policy. Records arrive in commit order; a record is one command as Redis's AOF holds it.
public protocol AppendOnlySink: AnyObject {
    func append(_ record: [[UInt8]])
}

/// The log's format and the outcome of replaying one.
public enum AppendOnlyLog {
    /// A record as RESP: an array of bulk strings.
    public static func encode(_ record: [[UInt8]]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeRESPCommand(record)
        return Array(buffer.readableBytesView)
    }

    /// Several records, back to back.
    public static func encode(_ records: [[[UInt8]]]) -> [UInt8] {
        var buffer = ByteBuffer()
        for record in records { buffer.writeRESPCommand(record) }
        return Array(buffer.readableBytesView)
    }
}

/// What a replay did.
public struct ReplayReport: Sendable, Equatable {
    /// Records applied (MULTI/EXEC markers included).
    public var recordsApplied: Int
    /// Length of the well-formed prefix that was applied; the server truncates the file to
    /// this length when ``truncatedBytes`` is not 0.
    public var validLength: Int
    /// Bytes at the end that form an incomplete record (a crash mid-write), or an unfinished
    /// MULTI block; 0 for a clean log.
    public var truncatedBytes: Int

    public init(recordsApplied: Int, validLength: Int, truncatedBytes: Int) {
        self.recordsApplied = recordsApplied
        self.validLength = validLength
        self.truncatedBytes = truncatedBytes
    }
}

/// A log that cannot be replayed: a record is malformed or names something the engine
/// refuses. Loading stops; nothing after `offset` was applied.
public struct ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the defect from the start of the log.
    public var offset: Int
    public var reason: String

    public var description: String {
        "append-only log is corrupt at byte \(offset): \(reason)"
    }
}

extension BrokerEngine {
    /// Writes the records collected during a command to the sink, selecting databases as
    /// needed and wrapping a transaction's or script's records in MULTI/EXEC.
    func flushRecords() {
        let wrap = wrapPendingRecords && pendingRecords.count > 1
        wrapPendingRecords = false
        guard !pendingRecords.isEmpty else { return }
        // Swapped out rather than copied, and handed back emptied: no allocation per command.
        var records: [(db: Int, args: [[UInt8]])] = []
        swap(&records, &pendingRecords)
        defer {
            records.removeAll(keepingCapacity: true)
            if pendingRecords.isEmpty { pendingRecords = records }
        }
        guard let sink = appendOnlySink else { return }
        func select(_ db: Int) {
            if db != loggedDatabase {
                sink.append([Array("SELECT".utf8), Array(String(db).utf8)])
                loggedDatabase = db
            }
        }
        if wrap, let first = records.first {
            select(first.db)
            sink.append([Array("MULTI".utf8)])
        }
        for record in records {
            select(record.db)
            sink.append(record.args)
        }
        if wrap { sink.append([Array("EXEC".utf8)]) }
    }

    /// Tells the engine that the sink now writes to a fresh file (after a rewrite). The next
    /// record then starts with a SELECT, unless `selectedDatabase` says which database the
    /// file's content left selected.
    public func appendOnlyLogDidRotate(selectedDatabase: Int? = nil) {
        loggedDatabase = selectedDatabase ?? -1
    }

    /// Loads a log into this engine (normally a fresh one, before clients connect). The sink
    /// is detached while replaying. An incomplete last record or an unfinished MULTI is
    /// reported in ``ReplayReport/truncatedBytes``; anything else malformed throws.
    public func replay(_ bytes: [UInt8]) throws(ReplayError) -> ReplayReport {
        let sink = appendOnlySink
        appendOnlySink = nil
        let clientID = addClient(address: "aof")
        loading = true
        defer {
            loading = false
            removeClient(clientID)
            appendOnlySink = sink
            loggedDatabase = -1
            recomputeUsedMemory()
        }
        var buffer = ByteBuffer(bytes: bytes)
        let parser = RESPParser(limits: .default, allowInline: false)
        var applied = 0
        var transactionStart: Int?
        while buffer.readableBytes > 0 {
            let frameStart = bytes.count - buffer.readableBytes
            let parsed: RESPValue?
            do {
                parsed = try parser.parse(&buffer)
            } catch {
                throw ReplayError(offset: frameStart + error.offset, reason: error.description)
            }
            guard let value = parsed else {
                let validLength = transactionStart ?? frameStart
                return ReplayReport(recordsApplied: applied, validLength: validLength, truncatedBytes: bytes.count - validLength)
            }
            guard case .array(let items) = value, !items.isEmpty else {
                throw ReplayError(offset: frameStart, reason: "a record must be a non-empty array of bulk strings")
            }
            var args: [[UInt8]] = []
            for item in items {
                guard case .bulkString(let argument) = item else {
                    throw ReplayError(offset: frameStart, reason: "a record must be a non-empty array of bulk strings")
                }
                args.append(argument)
            }
            let name = ArgumentParsing.lowercased(args[0])
            guard let spec = commands[name], spec.acceptsArgumentCount(args.count) else {
                throw ReplayError(offset: frameStart, reason: "unknown command or wrong arity: \(Self.unknownCommandText(args))")
            }
            if name == "multi" { transactionStart = frameStart }
            if name == "exec" { transactionStart = nil }
            _ = execute(args, from: clientID)
            applied += 1
        }
        if let transactionStart {
            return ReplayReport(recordsApplied: applied, validLength: transactionStart, truncatedBytes: bytes.count - transactionStart)
        }
        return ReplayReport(recordsApplied: applied, validLength: bytes.count, truncatedBytes: 0)
    }

    /// The smallest command list that rebuilds the current dataset, for log compaction:
    /// per database a SELECT, then per live key one command per 64 elements and a PEXPIREAT
    /// for keys with a TTL. Pure: when the server switches to the new log it calls
    /// ``appendOnlyLogDidRotate(selectedDatabase:)`` so the next record selects its database.
    public func rewrite() -> [[[UInt8]]] {
        var records: [[[UInt8]]] = []
        let chunk = 64
        func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
        for database in databases where database.count > 0 {
            records.append([bytes("SELECT"), bytes(String(database.index))])
            let keys = database.entries.keys.sorted { $0.lexicographicallyPrecedes($1) }
            for key in keys {
                if let deadline = database.expires[key], deadline < nowMillis { continue }
                guard let value = database.entries[key] else { continue }
                switch value {
                case .string(let content):
                    records.append([bytes("SET"), key, content])
                case .list(let list):
                    var items = Array(list.items)[...]
                    while !items.isEmpty {
                        records.append([bytes("RPUSH"), key] + items.prefix(chunk))
                        items = items.dropFirst(chunk)
                    }
                case .hash(let hash):
                    // In the order Redis answers, so a small hash keeps its order across a restart;
                    // a large one sorted, so a rewrite is reproducible.
                    var fields = (hash.isCompact ? hash.pairs : hash.pairs.sorted { $0.field.lexicographicallyPrecedes($1.field) })[...]
                    while !fields.isEmpty {
                        records.append([bytes("HSET"), key] + fields.prefix(chunk).flatMap { [$0.field, $0.value] })
                        fields = fields.dropFirst(chunk)
                    }
                case .set(let set):
                    // A hashtable set has no order: sorted, so a rewrite is reproducible.
                    var members = (set.isIntset ? set.members : set.members.sorted { $0.lexicographicallyPrecedes($1) })[...]
                    while !members.isEmpty {
                        records.append([bytes("SADD"), key] + members.prefix(chunk))
                        members = members.dropFirst(chunk)
                    }
                case .zset(let zset):
                    var entries = zset.allEntries[...]
                    while !entries.isEmpty {
                        records.append([bytes("ZADD"), key] + entries.prefix(chunk).flatMap { [bytes(RESPDouble.format($0.score)), $0.member] })
                        entries = entries.dropFirst(chunk)
                    }
                }
                if let deadline = database.expires[key] {
                    records.append([bytes("PEXPIREAT"), key, bytes(String(deadline))])
                }
            }
        }
        return records
    }
}
