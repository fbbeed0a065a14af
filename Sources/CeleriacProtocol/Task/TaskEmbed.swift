/// The third element of a task body: `{"callbacks", "errbacks", "chain", "chord"}`.
///
/// `chain` is stored **reversed**: the next step to run is the last element.
public struct TaskEmbed: Sendable, Hashable {
    /// Signatures to call with the result on success (`link`).
    public var callbacks: [Signature]?
    /// Signatures to call on failure (`link_error`).
    public var errbacks: [Signature]?
    /// The rest of a chain, last element first to run.
    public var chain: [Signature]?
    /// The chord body this task is a header part of.
    public var chord: Signature?
    /// Members beyond the four Celery writes, kept in order after them.
    public var extraFields: JSONObject

    /// An embed; all null by default, as Celery sends for a plain task.
    public init(callbacks: [Signature]? = nil, errbacks: [Signature]? = nil, chain: [Signature]? = nil,
                chord: Signature? = nil, extraFields: JSONObject = JSONObject())
    {
        self.callbacks = callbacks
        self.errbacks = errbacks
        self.chain = chain
        self.chord = chord
        self.extraFields = extraFields
    }

    /// Reads an embed object; null or absent members are nil.
    public init(raw: JSONObject) throws(ProtocolError) {
        callbacks = try Signature.list(raw["callbacks"], field: "embed.callbacks")
        errbacks = try Signature.list(raw["errbacks"], field: "embed.errbacks")
        chain = try Signature.list(raw["chain"], field: "embed.chain")
        switch raw["chord"] {
        case nil, .null?: chord = nil
        case .object(let object)?: chord = try Signature(raw: object, field: "embed.chord")
        case let other?: throw ProtocolError.wrongType("embed.chord", expected: "a signature or null", found: other)
        }
        var extra = JSONObject()
        for member in raw.members where !["callbacks", "errbacks", "chain", "chord"].contains(member.key) {
            extra.appendUnchecked(member.key, member.value)
        }
        extraFields = extra
    }

    /// The embed as Celery writes it.
    public var jsonValue: JSONValue {
        func list(_ signatures: [Signature]?) -> JSONValue {
            signatures.map { .array($0.map(\.jsonValue)) } ?? .null
        }
        var object = JSONObject()
        object.reserveCapacity(4 + extraFields.count)
        object.appendUnchecked("callbacks", list(callbacks))
        object.appendUnchecked("errbacks", list(errbacks))
        object.appendUnchecked("chain", list(chain))
        object.appendUnchecked("chord", chord?.jsonValue ?? .null)
        for member in extraFields.members { object.appendUnchecked(member.key, member.value) }
        return .object(object)
    }
}
