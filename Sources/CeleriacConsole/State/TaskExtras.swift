/// The fields of a `TaskRecord` that most tasks never have, in one box so that a record
/// without them pays eight bytes instead of eight optional texts and two arrays.
final class TaskExtras: Hashable, @unchecked Sendable {
    // @unchecked: a box is only changed through TaskRecord.changeExtras, which copies it first
    // unless the record holds the only reference, so no two values ever share a changing box.
    var exception: String?
    var traceback: String?
    var eta: String?
    var expires: String?
    var parentID: String?
    /// The root id when it is not the task's own.
    var rootID: String?
    /// The id of a task whose id is not a canonical UUID (see `TaskKey`).
    var textID: String?
    var children: [String] = []
    /// The timeline of a task with more state changes than the record holds inline.
    var transitions: [TaskTransition]?

    init() {}

    var isEmpty: Bool {
        exception == nil && traceback == nil && eta == nil && expires == nil && parentID == nil && rootID == nil
            && textID == nil && children.isEmpty && transitions == nil
    }

    func copy() -> TaskExtras {
        let copy = TaskExtras()
        copy.exception = exception
        copy.traceback = traceback
        copy.eta = eta
        copy.expires = expires
        copy.parentID = parentID
        copy.rootID = rootID
        copy.textID = textID
        copy.children = children
        copy.transitions = transitions
        return copy
    }

    static func == (lhs: TaskExtras, rhs: TaskExtras) -> Bool {
        lhs.exception == rhs.exception && lhs.traceback == rhs.traceback && lhs.eta == rhs.eta
            && lhs.expires == rhs.expires && lhs.parentID == rhs.parentID && lhs.rootID == rhs.rootID
            && lhs.textID == rhs.textID && lhs.children == rhs.children && lhs.transitions == rhs.transitions
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(exception)
        hasher.combine(traceback)
        hasher.combine(eta)
        hasher.combine(expires)
        hasher.combine(parentID)
        hasher.combine(rootID)
        hasher.combine(textID)
        hasher.combine(children)
        hasher.combine(transitions)
    }
}
