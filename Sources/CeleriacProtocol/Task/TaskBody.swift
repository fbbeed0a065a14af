/// A task message body in protocol v2: `[args, kwargs, embed]`.
public struct TaskBody: Sendable, Hashable {
    /// Positional arguments.
    public var args: [JSONValue]
    /// Keyword arguments, in order.
    public var kwargs: JSONObject
    /// Callbacks, errbacks, chain and chord.
    public var embed: TaskEmbed

    /// A body; the embed is all null by default.
    public init(args: [JSONValue] = [], kwargs: JSONObject = JSONObject(), embed: TaskEmbed = TaskEmbed()) {
        self.args = args
        self.kwargs = kwargs
        self.embed = embed
    }

    /// Reads `[args, kwargs, embed]`; a body of only `[args, kwargs]` gets an empty embed.
    public init(jsonValue: JSONValue) throws(ProtocolError) {
        guard case .array(let items) = jsonValue, items.count == 2 || items.count == 3 else {
            throw ProtocolError(.wrongType, field: "body", "a task body must be [args, kwargs, embed] (protocol v2)")
        }
        guard case .array(let args) = items[0] else {
            throw ProtocolError.wrongType("body[0] (args)", expected: "an array", found: items[0])
        }
        guard case .object(let kwargs) = items[1] else {
            throw ProtocolError.wrongType("body[1] (kwargs)", expected: "an object", found: items[1])
        }
        self.args = args
        self.kwargs = kwargs
        if items.count == 3 {
            switch items[2] {
            case .null: embed = TaskEmbed()
            case .object(let object): embed = try TaskEmbed(raw: object)
            default: throw ProtocolError.wrongType("body[2] (embed)", expected: "an object", found: items[2])
            }
        } else {
            embed = TaskEmbed()
        }
    }

    /// The body as Celery writes it.
    public var jsonValue: JSONValue {
        .array([.array(args), .object(kwargs), embed.jsonValue])
    }
}
