/// One header part's result as the Redis backend stores it for a chord (in the `.j` sorted
/// set, scored by `group_index`): the JSON text `[1, task_id, state, result]`.
public struct ChordPart: Sendable, Hashable {
    /// The header task's id.
    public var taskID: String
    /// Its final state.
    public var state: TaskState
    /// Its result (or the exception object for failures).
    public var result: JSONValue

    /// A part.
    public init(taskID: String, state: TaskState, result: JSONValue) {
        self.taskID = taskID
        self.state = state
        self.result = result
    }

    /// The stored text, as `json.dumps([1, tid, state, result])` writes it.
    public func encoded() -> [UInt8] {
        JSONWriter.bytes([1, .string(taskID), .string(state.rawValue), result])
    }

    /// Reads a stored part.
    public static func decode(_ bytes: some Collection<UInt8>) throws(ProtocolError) -> ChordPart {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ProtocolError.json(error, in: "chord part")
        }
        guard case .array(let items) = value, items.count == 4, case .string(let id) = items[1],
              case .string(let state) = items[2]
        else {
            throw ProtocolError(.wrongType, field: "chord part", "a chord part must be [1, task_id, state, result]")
        }
        return ChordPart(taskID: id, state: TaskState(rawValue: state), result: items[3])
    }

    /// The chord keys of a group, all prefixed by `celery-taskset-meta-<gid>`.
    public struct Keys: Sendable, Hashable {
        /// The group record (`g`).
        public let group: String
        /// `.j`: the parts' results.
        public var results: String { group + ".j" }
        /// `.t`: the size adjustment.
        public var sizeAdjustment: String { group + ".t" }
        /// `.s`: the header size.
        public var size: String { group + ".s" }
        /// `.d`: the dedup set.
        public var dedup: String { group + ".d" }
        /// `.c`: the claim (then `done`).
        public var claim: String { group + ".c" }

        /// The keys of a group id.
        public init(groupID: String) {
            group = ResultReference.groupKey(groupID)
        }
    }
}
