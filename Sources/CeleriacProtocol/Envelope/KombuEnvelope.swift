/// A kombu message as stored in a Redis list or published on a channel:
/// `{"body": <base64>, "content-encoding", "content-type", "headers", "properties"}`.
///
/// Decoding then ``encoded()`` gives back the same bytes for anything kombu wrote; unknown
/// top-level members are kept (after the known ones).
public struct KombuEnvelope: Sendable, Hashable {
    /// The payload bytes (base64-decoded when `properties.body_encoding` is `"base64"`).
    public var body: [UInt8]
    /// `content-encoding`, `"utf-8"` for JSON.
    public var contentEncoding: String?
    /// `content-type`, `"application/json"` for everything Celeriac sends.
    public var contentType: String?
    /// The message headers (task headers, event hostname, control clock/ticket).
    public var headers: JSONObject
    /// The message properties.
    public var properties: MessageProperties
    /// Top-level members kombu does not write, kept so they survive a round trip.
    public var extraFields: JSONObject

    /// An envelope of a JSON payload, as kombu builds it.
    public init(
        body: [UInt8],
        contentType: String? = ContentType.json,
        contentEncoding: String? = "utf-8",
        headers: JSONObject,
        properties: MessageProperties,
        extraFields: JSONObject = JSONObject()
    ) {
        self.body = body
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.properties = properties
        self.extraFields = extraFields
    }

    /// An envelope whose body is `payload` written as Python's `json.dumps` would.
    public init(payload: JSONValue, headers: JSONObject, properties: MessageProperties) {
        self.init(body: JSONWriter.bytes(payload), headers: headers, properties: properties)
    }

    /// Decodes an envelope from the bytes of a list element or a published message.
    public static func decode(_ bytes: some Collection<UInt8>) throws(ProtocolError) -> KombuEnvelope {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ProtocolError.json(error, in: "envelope")
        }
        return try decode(value)
    }

    /// Decodes an envelope already parsed as JSON (as inside an `unacked` entry).
    public static func decode(_ value: JSONValue) throws(ProtocolError) -> KombuEnvelope {
        guard case .object(let object) = value else {
            throw ProtocolError.wrongType("envelope", expected: "an object", found: value)
        }
        var extra = JSONObject()
        var bodyValue: JSONValue?
        var headers = JSONObject()
        var properties = JSONObject()
        var contentType: String?
        var contentEncoding: String?
        for member in object.members {
            switch member.key {
            case "body":
                bodyValue = member.value
            case "content-type":
                contentType = try object.optionalString("content-type", path: "")
            case "content-encoding":
                contentEncoding = try object.optionalString("content-encoding", path: "")
            case "headers":
                headers = try object.optionalObject("headers", path: "") ?? JSONObject()
            case "properties":
                properties = try object.optionalObject("properties", path: "") ?? JSONObject()
            default:
                extra.appendUnchecked(member.key, member.value)
            }
        }
        guard let bodyValue else { throw ProtocolError.missing("body") }
        guard case .string(let bodyText) = bodyValue else {
            throw ProtocolError.wrongType("body", expected: "a string", found: bodyValue)
        }
        let messageProperties = MessageProperties(raw: properties)
        let body: [UInt8]
        switch messageProperties.bodyEncoding {
        case "base64"?:
            body = try Base64.decode(bodyText)
        case nil:
            body = Array(bodyText.utf8)
        case let other?:
            throw ProtocolError(.unsupportedEncoding, field: "properties.body_encoding",
                                "body encoding '\(other)' is not supported (Redis uses base64)")
        }
        return KombuEnvelope(body: body, contentType: contentType, contentEncoding: contentEncoding,
                             headers: headers, properties: messageProperties, extraFields: extra)
    }

    /// The payload parsed as JSON, after checking the content type is JSON (pickle, YAML and
    /// msgpack are refused with an error naming the content type; nothing is decoded).
    public func decodeBody() throws(ProtocolError) -> JSONValue {
        try ContentType.requireJSON(contentType: contentType, contentEncoding: contentEncoding)
        do {
            return try JSONParser.parse(body)
        } catch {
            throw ProtocolError.json(error, in: "body")
        }
    }

    /// The envelope as kombu writes it (Python `json.dumps` defaults), appended to `out`.
    public func encode(into out: inout [UInt8]) {
        out.reserveCapacity(out.count + body.count * 4 / 3 + 512)
        out.append(contentsOf: #"{"body": ""#.utf8)
        if properties.bodyEncoding == "base64" {
            Base64.encode(body, into: &out)
            out.append(UInt8(ascii: "\""))
        } else {
            out.removeLast()
            JSONWriter.appendString(String(decoding: body, as: UTF8.self), to: &out, ensureASCII: true)
        }
        if let contentEncoding {
            out.append(contentsOf: #", "content-encoding": "#.utf8)
            JSONWriter.appendString(contentEncoding, to: &out, ensureASCII: true)
        }
        if let contentType {
            out.append(contentsOf: #", "content-type": "#.utf8)
            JSONWriter.appendString(contentType, to: &out, ensureASCII: true)
        }
        out.append(contentsOf: #", "headers": "#.utf8)
        JSONWriter.write(headers, into: &out)
        out.append(contentsOf: #", "properties": "#.utf8)
        JSONWriter.write(properties.raw, into: &out)
        for member in extraFields.members {
            out.append(contentsOf: ", ".utf8)
            JSONWriter.appendString(member.key, to: &out, ensureASCII: true)
            out.append(contentsOf: ": ".utf8)
            JSONWriter.write(member.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The envelope as kombu writes it.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    /// The envelope as a JSON value (the body as its base64 text), for nesting in other JSON.
    public var jsonValue: JSONValue {
        // Parsing our own output cannot fail; fall back to null rather than trap.
        (try? JSONParser.parse(encoded())) ?? .null
    }

    /// Marks the message as redelivered the way kombu does before a restore or requeue:
    /// `headers.redelivered` and `properties.delivery_info.redelivered` become true.
    public mutating func markRedelivered() {
        headers["redelivered"] = .bool(true)
        var info = properties.deliveryInfo
        info.redelivered = true
        properties.deliveryInfo = info
    }
}
