import CeleriacProtocol

/// Reads the args and kwargs of a failure-store entry's original envelope, for the detail view
/// and for edit-and-retry.
public enum FailureArguments {
    /// The args and kwargs as compact JSON texts (`[]` and `{}` when the envelope cannot be read).
    public static func extract(from envelope: String) -> (args: String, kwargs: String) {
        guard let body = try? KombuEnvelope.decode(Array(envelope.utf8)).decodeBody(),
              let decoded = try? TaskBody(jsonValue: body) else { return ("[]", "{}") }
        return (JSONWriter.string(.array(decoded.args)), JSONWriter.string(.object(decoded.kwargs)))
    }

    /// The body as a JSON value, when the envelope decodes.
    public static func body(of envelope: String) -> JSONValue? {
        try? KombuEnvelope.decode(Array(envelope.utf8)).decodeBody()
    }
}
