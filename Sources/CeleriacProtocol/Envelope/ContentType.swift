/// The serializers kombu names in `content-type`, and which of them Celeriac decodes.
///
/// Only JSON is decoded. Pickle is refused on purpose (decoding it means running arbitrary
/// code); YAML and msgpack are refused because Celeriac has no decoder for them.
public enum ContentType {
    /// `application/json`: the only content type Celeriac decodes and writes.
    public static let json = "application/json"
    /// Python pickle; refused.
    public static let pickle = "application/x-python-serialize"
    /// YAML; refused.
    public static let yaml = "application/x-yaml"
    /// msgpack; refused.
    public static let msgpack = "application/x-msgpack"

    /// Checks that a message with this content type and encoding can be decoded as JSON.
    public static func requireJSON(contentType: String?, contentEncoding: String?) throws(ProtocolError) {
        guard let contentType else {
            throw ProtocolError(.unsupportedContentType, field: "content-type", "message has no content-type; Celeriac only decodes \(json)")
        }
        guard contentType == json else {
            let reason: String
            switch contentType {
            case pickle: reason = "pickle is never decoded (it would run code from the message)"
            case yaml, msgpack: reason = "this serializer is not supported"
            default: reason = "unknown serializer"
            }
            throw ProtocolError(.unsupportedContentType, field: "content-type",
                                "content type '\(contentType)' refused: \(reason); configure the sender with serializer 'json'")
        }
        if let contentEncoding, !isUTF8(contentEncoding) {
            throw ProtocolError(.unsupportedEncoding, field: "content-encoding",
                                "content encoding '\(contentEncoding)' refused; JSON bodies must be utf-8")
        }
    }

    private static func isUTF8(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered == "utf-8" || lowered == "utf8"
    }
}
