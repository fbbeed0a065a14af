/// Celery's result tuples, as stored in `children` and group records:
/// a task is `[[id, parent|null], null]`, a group `[[id, parent|null], [members…]]`.
public indirect enum ResultReference: Sendable, Hashable {
    /// An `AsyncResult`.
    case task(id: String, parent: ResultReference?)
    /// A `GroupResult` and its members.
    case group(id: String, parent: ResultReference?, results: [ResultReference])

    /// The id of the task or group.
    public var id: String {
        switch self {
        case .task(let id, _), .group(let id, _, _): return id
        }
    }

    /// The tuple as Celery's `as_tuple()` writes it.
    public var jsonValue: JSONValue {
        switch self {
        case .task(let id, let parent):
            return [[.string(id), parent?.jsonValue ?? .null], nil]
        case .group(let id, let parent, let results):
            return [[.string(id), parent?.jsonValue ?? .null], .array(results.map(\.jsonValue))]
        }
    }

    /// Reads a result tuple.
    public init(jsonValue: JSONValue) throws(ProtocolError) {
        guard case .array(let pair) = jsonValue, pair.count == 2,
              case .array(let head) = pair[0], head.count == 2, case .string(let id) = head[0]
        else {
            throw ProtocolError(.wrongType, field: "result tuple", "a result tuple must be [[id, parent], children]")
        }
        let parent: ResultReference? = head[1].isNull ? nil : try ResultReference(jsonValue: head[1])
        switch pair[1] {
        case .null:
            self = .task(id: id, parent: parent)
        case .array(let members):
            var results: [ResultReference] = []
            for member in members { results.append(try ResultReference(jsonValue: member)) }
            self = .group(id: id, parent: parent, results: results)
        default:
            throw ProtocolError.wrongType("result tuple", expected: "null or a list of results", found: pair[1])
        }
    }

    /// The group record `SETEX celery-taskset-meta-<gid> ttl {"result": tuple}` stores.
    public var groupMeta: JSONValue {
        ["result": jsonValue]
    }

    /// The result backend key of a group record.
    public static func groupKey(_ groupID: String) -> String {
        "celery-taskset-meta-" + groupID
    }
}
