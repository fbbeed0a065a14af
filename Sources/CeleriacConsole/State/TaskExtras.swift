/// The fields of a `TaskRecord` that most tasks never have, in one box so that a record
/// without them pays eight bytes instead of six optional texts and an array.
final class TaskExtras: Hashable, @unchecked Sendable {
    // @unchecked: a box is only changed through TaskRecord.changeExtras, which copies it first
    // unless the record holds the only reference, so no two values ever share a changing box.
    var exception: String?
    var traceback: String?
    var eta: String?
    var expires: String?
    var parentID: String?
    var children: [String] = []

    init() {}

    var isEmpty: Bool {
        exception == nil && traceback == nil && eta == nil && expires == nil && parentID == nil && children.isEmpty
    }

    func copy() -> TaskExtras {
        let copy = TaskExtras()
        copy.exception = exception
        copy.traceback = traceback
        copy.eta = eta
        copy.expires = expires
        copy.parentID = parentID
        copy.children = children
        return copy
    }

    static func == (lhs: TaskExtras, rhs: TaskExtras) -> Bool {
        lhs.exception == rhs.exception && lhs.traceback == rhs.traceback && lhs.eta == rhs.eta
            && lhs.expires == rhs.expires && lhs.parentID == rhs.parentID && lhs.children == rhs.children
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(exception)
        hasher.combine(traceback)
        hasher.combine(eta)
        hasher.combine(expires)
        hasher.combine(parentID)
        hasher.combine(children)
    }
}
