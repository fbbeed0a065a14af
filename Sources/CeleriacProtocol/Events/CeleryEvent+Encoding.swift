extension CeleryEvent {
    /// The keys ``init(type:source:clock:fields:timestamp:)`` sets itself.
    static let ownKeys: Set<String> = ["hostname", "utcoffset", "pid", "clock", "timestamp", "type"]

    /// Whether `key` is one of ``ownKeys``, by length first: checked for every field of every
    /// event, where hashing each key into the set cost more than the comparisons.
    static func isOwnKey(_ key: String) -> Bool {
        switch key.utf8.count {
        case 3: return key == "pid"
        case 4: return key == "type"
        case 5: return key == "clock"
        case 8: return key == "hostname"
        case 9: return key == "utcoffset" || key == "timestamp"
        default: return false
        }
    }

    /// Appends the JSON text of the event ``init(type:source:clock:fields:timestamp:)`` would
    /// build, byte for byte what `JSONWriter.write(event.jsonValue, …)` writes, without building
    /// the merged object first (a busy worker sends three task events per task). Fields that
    /// name one of the event's own keys take the slower path through the object, which puts
    /// them where the object does.
    public static func encode(type: EventType, source: Source, clock: Int, fields: JSONObject, timestamp: Double,
                              into out: inout [UInt8])
    {
        encode(type: type, source: source, prefix: encodedPrefix(of: source), clock: clock, fields: fields, timestamp: timestamp,
               into: &out)
    }

    /// The text every event of `source` starts with, up to the clock value:
    /// `{"hostname": …, "utcoffset": …, "pid": …, "clock": `. A publisher writes it once rather
    /// than per event (the utcoffset is a float, and Python's float repr is not cheap).
    public static func encodedPrefix(of source: Source) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"hostname": "#.utf8)
        JSONWriter.appendString(source.hostname, to: &out, ensureASCII: true)
        out.append(contentsOf: #", "utcoffset": "#.utf8)
        JSONWriter.write(.double(source.utcoffset), into: &out)
        out.append(contentsOf: #", "pid": "#.utf8)
        JSONWriter.appendInteger(Int64(source.pid), to: &out)
        out.append(contentsOf: #", "clock": "#.utf8)
        return out
    }

    /// ``encode(type:source:clock:fields:timestamp:into:)`` with the source's text written
    /// already (``encodedPrefix(of:)`` of `source`).
    public static func encode(type: EventType, source: Source, prefix: [UInt8], clock: Int, fields: JSONObject, timestamp: Double,
                              into out: inout [UInt8])
    {
        guard !fields.members.contains(where: { isOwnKey($0.key) }) else {
            let event = CeleryEvent(type: type, source: source, clock: clock, fields: fields, timestamp: timestamp)
            JSONWriter.write(event.raw, into: &out)
            return
        }
        out.append(contentsOf: prefix)
        JSONWriter.appendInteger(Int64(clock), to: &out)
        for member in fields.members {
            out.append(contentsOf: ", ".utf8)
            JSONWriter.appendString(member.key, to: &out, ensureASCII: true)
            out.append(contentsOf: ": ".utf8)
            JSONWriter.write(member.value, into: &out)
        }
        out.append(contentsOf: #", "timestamp": "#.utf8)
        JSONWriter.write(.double(timestamp), into: &out)
        out.append(contentsOf: #", "type": "#.utf8)
        JSONWriter.appendString(type.rawValue, to: &out, ensureASCII: true)
        out.append(UInt8(ascii: "}"))
    }
}
