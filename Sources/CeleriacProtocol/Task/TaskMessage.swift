/// A Celery task message (protocol v2): the kombu envelope, its checked headers and its body.
public struct TaskMessage: Sendable, Hashable {
    /// The task headers.
    public var headers: TaskHeaders
    /// `[args, kwargs, embed]`.
    public var body: TaskBody
    /// The envelope properties (correlation id, delivery info, priority, delivery tag…).
    public var properties: MessageProperties
    /// `content-type` and the rest of the envelope as received, for exact re-encoding.
    public var contentType: String?
    /// `content-encoding` as received.
    public var contentEncoding: String?
    /// Unknown top-level envelope members.
    public var extraFields: JSONObject

    /// A message from its parts (see ``TaskMessageBuilder`` to build one as Celery would).
    public init(headers: TaskHeaders, body: TaskBody, properties: MessageProperties,
                contentType: String? = ContentType.json, contentEncoding: String? = "utf-8",
                extraFields: JSONObject = JSONObject())
    {
        self.headers = headers
        self.body = body
        self.properties = properties
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.extraFields = extraFields
    }

    /// Decodes a task message from the bytes a worker popped from a queue.
    public static func decode(_ bytes: some Collection<UInt8>) throws(ProtocolError) -> TaskMessage {
        try decode(envelope: try KombuEnvelope.decode(bytes))
    }

    /// Decodes a task message from a decoded envelope: refuses non-JSON content types, requires
    /// the `id` and `task` headers, and checks the body is `[args, kwargs, embed]`.
    public static func decode(envelope: KombuEnvelope) throws(ProtocolError) -> TaskMessage {
        let headers = try TaskHeaders(raw: envelope.headers)
        let body = try TaskBody(jsonValue: try envelope.decodeBody())
        return TaskMessage(headers: headers, body: body, properties: envelope.properties,
                           contentType: envelope.contentType, contentEncoding: envelope.contentEncoding,
                           extraFields: envelope.extraFields)
    }

    /// The kombu envelope of this message.
    public var envelope: KombuEnvelope {
        KombuEnvelope(body: JSONWriter.bytes(body.jsonValue), contentType: contentType,
                      contentEncoding: contentEncoding, headers: headers.raw, properties: properties,
                      extraFields: extraFields)
    }

    /// The bytes to LPUSH, as Celery writes them.
    public func encoded() -> [UInt8] {
        envelope.encoded()
    }

    /// The task id.
    public var id: String { headers.id }
    /// The task name.
    public var task: String { headers.task }
}
