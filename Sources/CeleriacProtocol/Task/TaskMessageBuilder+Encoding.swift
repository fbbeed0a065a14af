/// The send path's encoder: the bytes of `build().encoded()` written straight from the
/// builder's fields, without the intermediate header, property and body objects (building
/// those and writing them out again was most of a message's CPU cost).
extension TaskMessageBuilder {
    /// The kombu envelope Celery would LPUSH for this task, byte for byte what
    /// `try build().encoded()` gives. Custom headers that replace a standard header with
    /// anything but `ignore_result` set to a bool or null take the checked path through
    /// ``build()``, which validates them (and so may throw).
    public func encodedEnvelope() throws(ProtocolError) -> [UInt8] {
        guard writesDirectly else { return try build().encoded() }
        var out: [UInt8] = []
        out.reserveCapacity(1_024)
        encodeEnvelope(into: &out)
        return out
    }

    /// Whether the direct writer applies: every custom header is new, or is `ignore_result`
    /// with a value the checked path would accept.
    var writesDirectly: Bool {
        for member in customHeaders.members where TaskHeaders.keyOrder.contains(member.key) {
            guard member.key == "ignore_result" else { return false }
            switch member.value {
            case .null, .bool: continue
            default: return false
            }
        }
        return true
    }

    /// The envelope members in kombu's order: body, content-encoding, content-type, headers,
    /// properties.
    func encodeEnvelope(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"body": ""#.utf8)
        var body: [UInt8] = []
        body.reserveCapacity(128)
        encodeBody(into: &body)
        Base64.encode(body, into: &out)
        out.append(contentsOf: #"", "content-encoding": "utf-8", "content-type": "application/json", "headers": "#.utf8)
        encodeHeaders(into: &out)
        out.append(contentsOf: #", "properties": "#.utf8)
        encodeProperties(into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// `[args, kwargs, embed]`, as ``TaskBody/jsonValue`` writes it.
    private func encodeBody(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        JSONWriter.write(.array(args), into: &out)
        out.append(contentsOf: ", ".utf8)
        JSONWriter.write(kwargs, into: &out)
        out.append(contentsOf: ", ".utf8)
        if embed.callbacks == nil, embed.errbacks == nil, embed.chain == nil, embed.chord == nil, embed.extraFields.isEmpty {
            out.append(contentsOf: #"{"callbacks": null, "errbacks": null, "chain": null, "chord": null}"#.utf8)
        } else {
            JSONWriter.write(embed.jsonValue, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// The headers in Celery's order (see ``headers()``), custom headers merged as
    /// `dict.update` does: `ignore_result` replaced in place, new keys appended.
    private func encodeHeaders(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"lang": "py", "task": "#.utf8)
        JSONWriter.appendString(name, to: &out, ensureASCII: true)
        out.append(contentsOf: #", "id": "#.utf8)
        JSONWriter.appendString(id, to: &out, ensureASCII: true)
        out.append(contentsOf: #", "shadow": "#.utf8)
        Self.appendOptional(shadow, to: &out)
        out.append(contentsOf: #", "eta": "#.utf8)
        Self.appendOptional(eta?.isoformat, to: &out)
        out.append(contentsOf: #", "expires": "#.utf8)
        Self.appendOptional(expires?.isoformat, to: &out)
        out.append(contentsOf: #", "group": "#.utf8)
        Self.appendOptional(groupID, to: &out)
        out.append(contentsOf: #", "group_index": "#.utf8)
        if let groupIndex { JSONWriter.appendInteger(Int64(groupIndex), to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #", "retries": "#.utf8)
        JSONWriter.appendInteger(Int64(retries), to: &out)
        out.append(contentsOf: #", "timelimit": ["#.utf8)
        JSONWriter.write(timeLimit.hard, into: &out)
        out.append(contentsOf: ", ".utf8)
        JSONWriter.write(timeLimit.soft, into: &out)
        out.append(contentsOf: #"], "root_id": "#.utf8)
        JSONWriter.appendString(rootID ?? id, to: &out, ensureASCII: true)
        out.append(contentsOf: #", "parent_id": "#.utf8)
        Self.appendOptional(parentID, to: &out)
        out.append(contentsOf: #", "argsrepr": "#.utf8)
        JSONWriter.appendString(argsrepr ?? PythonSafeRepr.argsrepr(args), to: &out, ensureASCII: true)
        out.append(contentsOf: #", "kwargsrepr": "#.utf8)
        JSONWriter.appendString(kwargsrepr ?? (kwargs.isEmpty ? "{}" : PythonSafeRepr.kwargsrepr(kwargs)), to: &out, ensureASCII: true)
        out.append(contentsOf: #", "origin": "#.utf8)
        JSONWriter.appendString(origin, to: &out, ensureASCII: true)
        out.append(contentsOf: #", "ignore_result": "#.utf8)
        JSONWriter.write(customHeaders["ignore_result"] ?? .bool(ignoreResult), into: &out)
        out.append(contentsOf: #", "replaced_task_nesting": "#.utf8)
        JSONWriter.appendInteger(Int64(replacedTaskNesting), to: &out)
        out.append(contentsOf: #", "stamped_headers": "#.utf8)
        if let stampedHeaders {
            JSONWriter.write(.array(stampedHeaders.map(JSONValue.string)), into: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #", "stamps": "#.utf8)
        JSONWriter.write(stamps, into: &out)
        for member in customHeaders.members where member.key != "ignore_result" {
            out.append(contentsOf: ", ".utf8)
            JSONWriter.appendString(member.key, to: &out, ensureASCII: true)
            out.append(contentsOf: ": ".utf8)
            JSONWriter.write(member.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The properties in kombu's order (see ``properties()``).
    private func encodeProperties(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"correlation_id": "#.utf8)
        JSONWriter.appendString(id, to: &out, ensureASCII: true)
        out.append(contentsOf: #", "reply_to": "#.utf8)
        JSONWriter.appendString(replyTo, to: &out, ensureASCII: true)
        if originInProperties {
            out.append(contentsOf: #", "origin": "#.utf8)
            JSONWriter.appendString(origin, to: &out, ensureASCII: true)
        }
        out.append(contentsOf: #", "delivery_mode": 2"#.utf8)
        if let expirationSeconds {
            out.append(contentsOf: #", "expiration": "#.utf8)
            JSONWriter.appendString(Self.expirationMilliseconds(expirationSeconds), to: &out, ensureASCII: true)
        }
        out.append(contentsOf: #", "delivery_info": {"exchange": "", "routing_key": "#.utf8)
        JSONWriter.appendString(queue, to: &out, ensureASCII: true)
        out.append(contentsOf: #"}, "priority": "#.utf8)
        JSONWriter.appendInteger(Int64(priority), to: &out)
        out.append(contentsOf: #", "body_encoding": "base64", "delivery_tag": "#.utf8)
        JSONWriter.appendString(deliveryTag, to: &out, ensureASCII: true)
        out.append(UInt8(ascii: "}"))
    }

    private static func appendOptional(_ text: String?, to out: inout [UInt8]) {
        if let text { JSONWriter.appendString(text, to: &out, ensureASCII: true) } else { out.append(contentsOf: "null".utf8) }
    }
}
