import CeleriacProtocol
import Testing

@Suite("kombu envelope")
struct EnvelopeTests {
    @Test("every envelope in the fixtures decodes and re-encodes to the same bytes")
    func fixtureEnvelopesRoundTrip() throws {
        let envelopes = try Fixtures.envelopes()
        #expect(envelopes.count > 150)
        for (file, text) in envelopes {
            let envelope = try KombuEnvelope.decode(Array(text.utf8))
            #expect(String(decoding: envelope.encoded(), as: UTF8.self) == text, "\(file)")
            #expect(envelope.properties.bodyEncoding == "base64")
            _ = try envelope.decodeBody()
        }
    }

    @Test("decoded parts match the fixtures' own decoding")
    func decodedMatchesFixture() throws {
        var checked = 0
        for name in try Fixtures.names() {
            let fixture = try Fixtures.load(name)
            guard let decoded = fixture["decoded"]?.objectValue, decoded["body"] != nil,
                  let text = fixture["command"]?.arrayValue?.last?.stringValue, text.hasPrefix("{")
            else { continue }
            let envelope = try KombuEnvelope.decode(Array(text.utf8))
            #expect(try envelope.decodeBody() == decoded["body"], "\(name)")
            #expect(.object(envelope.headers) == decoded["headers"], "\(name)")
            #expect(.object(envelope.properties.raw) == decoded["properties"], "\(name)")
            checked += 1
        }
        #expect(checked > 40)
    }

    @Test("unacked hash values round-trip as [envelope, exchange, routing_key]")
    func unackedEntries() throws {
        let entries = try Fixtures.allRawStrings().filter { $0.text.hasPrefix(#"[{"body": "#) }
        #expect(entries.count >= 6)
        for (file, text) in entries {
            let entry = try UnackedEntry.decode(Array(text.utf8))
            #expect(String(decoding: entry.encoded(), as: UTF8.self) == text, "\(file)")
            #expect(entry.routingKey == entry.envelope.properties.deliveryInfo.routingKey, "\(file)")
        }
    }

    @Test("every JSON text in the fixtures round-trips through JSONValue")
    func allJSONRoundTrips() throws {
        var count = 0
        for (file, text) in try Fixtures.allRawStrings() where text.hasPrefix("{") || text.hasPrefix("[") {
            guard let value = try? JSONParser.parse(text) else { continue }
            #expect(JSONWriter.string(value) == text, "\(file)")
            count += 1
        }
        #expect(count > 250)
    }

    @Test("marking redelivered sets both flags where kombu puts them")
    func redelivered() throws {
        let sequence = try #require(try Fixtures.load("unacked-reject-requeue.json")["sequence"]?.arrayValue)
        let pushes = sequence.compactMap { $0["send"]?.arrayValue }.filter { $0.first == "LPUSH" }
        let requeued = try #require(pushes.first?.last?.stringValue)
        let replies = sequence.compactMap { $0["reply"]?.stringValue }
        let original = try UnackedEntry.decode(Array(try #require(replies.first).utf8))
        var envelope = original.envelope
        #expect(envelope.headers["redelivered"] == nil)
        envelope.markRedelivered()
        #expect(String(decoding: envelope.encoded(), as: UTF8.self) == requeued)
    }

    @Test("non-JSON content types are refused with the type named, never decoded", arguments: [
        ContentType.pickle, ContentType.yaml, ContentType.msgpack, "text/plain",
    ])
    func refusedContentTypes(contentType: String) throws {
        let envelope = KombuEnvelope(body: Array("gAN9cQAu".utf8), contentType: contentType, headers: JSONObject(),
                                     properties: MessageProperties(deliveryMode: 2, deliveryInfo: DeliveryInfo(exchange: "", routingKey: "celery"), deliveryTag: "t"))
        let decoded = try KombuEnvelope.decode(envelope.encoded())
        #expect(decoded.contentType == contentType)
        do {
            _ = try decoded.decodeBody()
            Issue.record("content type \(contentType) was decoded")
        } catch {
            #expect(error.code == .unsupportedContentType)
            #expect(error.message.contains(contentType))
        }
    }

    @Test("bad envelopes give typed errors", arguments: [
        (#"{"body": "#, ProtocolError.Code.invalidJSON),
        (#"[1, 2]"#, .wrongType),
        (#"{"content-type": "application/json"}"#, .missingField),
        (#"{"body": 5}"#, .wrongType),
        (#"{"body": "abc", "properties": {"body_encoding": "base64"}}"#, .invalidBase64),
        (#"{"body": "ab!=", "properties": {"body_encoding": "base64"}}"#, .invalidBase64),
        (#"{"body": "", "properties": {"body_encoding": "gzip"}}"#, .unsupportedEncoding),
        (#"{"body": "", "headers": []}"#, .wrongType),
    ])
    func badEnvelopes(text: String, code: ProtocolError.Code) {
        do {
            _ = try KombuEnvelope.decode(Array(text.utf8))
            Issue.record("expected \(code)")
        } catch {
            #expect(error.code == code)
        }
    }

    @Test("base64 matches Python's output and refuses malformed text")
    func base64() throws {
        let cases: [(String, String)] = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                                          ("\u{FF}\u{FE}", "w7/Dvg==")]
        for (plain, encoded) in cases {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(try Base64.decode(encoded) == Array(plain.utf8))
        }
        var bytes: [UInt8] = []
        for index in 0..<300 { bytes.append(UInt8(truncatingIfNeeded: index &* 37)) }
        #expect(try Base64.decode(Base64.encode(bytes)) == bytes)
        for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9v!", "Zm\u{00e9}v", "=Zm9"] {
            #expect(throws: ProtocolError.self) { try Base64.decode(bad) }
        }
    }

    @Test("kombu tagged values decode and encode")
    func taggedValues() throws {
        let datetime: JSONValue = ["__type__": "datetime", "__value__": "2026-11-25T05:40:46.453243+00:00"]
        let decoded = try #require(try KombuTaggedValue.decode(datetime))
        guard case .datetime(let value) = decoded else {
            Issue.record("not a datetime")
            return
        }
        #expect(value.microsecond == 453_243)
        #expect(decoded.jsonValue == datetime)
        #expect(try KombuTaggedValue.decode(["__type__": "uuid", "__value__": ["hex": "abc"]]) == .uuid(hex: "abc"))
        #expect(try KombuTaggedValue.decode(["__type__": "bytes", "__value__": "hi"]) == .bytes(Array("hi".utf8)))
        #expect(try KombuTaggedValue.decode(["__type__": "base64", "__value__": "/w=="]) == .bytes([0xFF]))
        #expect(KombuTaggedValue.bytes([0xFF]).jsonValue == ["__type__": "base64", "__value__": "/w=="])
        #expect(try KombuTaggedValue.decode(["a": 1, "b": 2]) == nil)
        #expect(throws: ProtocolError.self) { try KombuTaggedValue.decode(["__type__": "set", "__value__": []]) }
    }
}
