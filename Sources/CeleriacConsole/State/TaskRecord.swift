/// Everything the console knows of one task. Names, workers and queues are interned indices
/// (see `StringInterner`), the id is stored as a 16-byte `TaskKey`, the first three state changes are
/// stored in the record itself and optional texts are nil until an event carries them, so a
/// tracked task costs about two hundred bytes and, in the common case, no allocation of its
/// own beyond the texts of its arguments and result.
public struct TaskRecord: Hashable, Sendable {
    /// The id as stored: a UUID's bits, or for any other id where the table keeps its text
    /// (the text itself rides in `extras` while the record is outside the table).
    var key: TaskKey
    public var args: String?
    public var kwargs: String?
    public var result: String?
    private var sentTime = -Double.infinity
    private var receivedTime = -Double.infinity
    private var startedTime = -Double.infinity
    private var finishedTime = -Double.infinity
    private var runtimeValue = -Double.infinity
    /// What few tasks have (a failure, an ETA, a workflow, a non-UUID id, a long timeline),
    /// boxed so the common record stays small; copied before a change when shared, so records
    /// keep value semantics.
    private var extras: TaskExtras?
    // The first three transitions, inline: three of them (received, started, done) are what
    // almost every task has, and an array of them would cost a heap block of 96 bytes. A
    // longer timeline moves whole to `extras.transitions`.
    private var time0 = 0.0, time1 = 0.0, time2 = 0.0
    private var worker0: Int32 = -1, worker1: Int32 = -1, worker2: Int32 = -1
    /// Interned task name, or -1 while unknown (a task-started seen before task-received).
    public var name: Int32 = -1
    /// Interned worker hostname of the latest state, or -1.
    public var worker: Int32 = -1
    /// Interned queue (routing key), or -1.
    public var queue: Int32 = -1
    public var retries: Int32 = 0
    /// Which record this is of those the table has kept at its position (see `TaskHandle`).
    var generation: UInt32 = 0
    // The one-byte fields last, so they share a word instead of each padding one.
    private var phase0 = TaskPhase.pending, phase1 = TaskPhase.pending, phase2 = TaskPhase.pending
    /// How many transitions are inline (0...3; the rest of the time they are in `extras`).
    private var inlineCount: UInt8 = 0
    public var phase: TaskPhase = .pending
    private var rootIsSelf = false

    /// A record with nothing known but its id.
    public init(id: String) {
        if let key = TaskKey(uuid: id) {
            self.key = key
        } else {
            key = TaskKey(high: TaskKey.textMarker, low: 0)
            changeExtras { $0.textID = id }
        }
    }

    /// Makes `id` the record's id.
    mutating func setID(_ id: String) {
        if let uuid = TaskKey(uuid: id) {
            key = uuid
            attachText(nil)
        } else {
            key = TaskKey(high: TaskKey.textMarker, low: 0)
            attachText(id)
        }
    }

    /// A placeholder with only a key, for `TaskTable.take(_:)`.
    init(blank key: TaskKey) { self.key = key }

    /// The task id, exactly as Celery sent it.
    public var id: String { key.uuidText ?? extras?.textID ?? "" }

    /// Whether `text` is this task's id (without spelling the id out).
    func isOwnID(_ text: String) -> Bool {
        if key.isText { return text == extras?.textID }
        return TaskKey(uuid: text) == key
    }

    /// The id when it is not a canonical UUID (and so is stored as text), else nil.
    var textID: String? { extras?.textID }

    /// Sets or drops the text of a text id: the table keeps it in its arena and hands records
    /// out with it.
    mutating func attachText(_ text: String?) {
        if text != extras?.textID { changeExtras { $0.textID = text } }
    }

    /// The exception repr of a failure.
    public var exception: String? {
        get { extras?.exception }
        set { changeExtras { $0.exception = newValue } }
    }
    public var traceback: String? {
        get { extras?.traceback }
        set { changeExtras { $0.traceback = newValue } }
    }
    public var eta: String? {
        get { extras?.eta }
        set { changeExtras { $0.eta = newValue } }
    }
    public var expires: String? {
        get { extras?.expires }
        set { changeExtras { $0.expires = newValue } }
    }
    public var parentID: String? {
        get { extras?.parentID }
        set { changeExtras { $0.parentID = newValue } }
    }
    /// Children ids (tasks whose parent_id is this one), in arrival order.
    public var children: [String] {
        get { extras?.children ?? [] }
        set { changeExtras { $0.children = newValue } }
    }

    /// When the task was sent, received, started and finished (event timestamps). Stored as
    /// plain doubles with -infinity for unknown: an optional double takes 16 bytes, and these four
    /// are in every one of up to 100,000 records.
    public var sent: Double? {
        get { sentTime == -.infinity ? nil : sentTime }
        set { sentTime = newValue ?? -.infinity }
    }
    public var received: Double? {
        get { receivedTime == -.infinity ? nil : receivedTime }
        set { receivedTime = newValue ?? -.infinity }
    }
    public var started: Double? {
        get { startedTime == -.infinity ? nil : startedTime }
        set { startedTime = newValue ?? -.infinity }
    }
    public var finished: Double? {
        get { finishedTime == -.infinity ? nil : finishedTime }
        set { finishedTime = newValue ?? -.infinity }
    }
    /// Seconds the task ran (task-succeeded).
    public var runtime: Double? {
        get { runtimeValue == -.infinity ? nil : runtimeValue }
        set { runtimeValue = newValue ?? -.infinity }
    }

    /// The root of the task's workflow. Most tasks are their own root: that is kept as a flag
    /// rather than a second copy of the id.
    public var rootID: String? {
        get { rootIsSelf ? id : extras?.rootID }
        set {
            rootIsSelf = newValue.map(isOwnID) ?? false
            let other = rootIsSelf ? nil : newValue
            if other != extras?.rootID { changeExtras { $0.rootID = other } }
        }
    }

    // MARK: Timeline

    /// How many state changes are known.
    public var transitionCount: Int { extras?.transitions?.count ?? Int(inlineCount) }

    /// The state change at `index` (0 ..< transitionCount), in timestamp order.
    public func transition(at index: Int) -> TaskTransition {
        if let all = extras?.transitions { return all[index] }
        switch index {
        case 0: return TaskTransition(phase: phase0, time: time0, worker: worker0)
        case 1: return TaskTransition(phase: phase1, time: time1, worker: worker1)
        default: return TaskTransition(phase: phase2, time: time2, worker: worker2)
        }
    }

    /// Every state change in timestamp order.
    public var transitions: [TaskTransition] {
        get {
            if let all = extras?.transitions { return all }
            return (0..<Int(inlineCount)).map(transition(at:))
        }
        set {
            clearInline()
            if newValue.count > 3 {
                changeExtras { $0.transitions = newValue }
                return
            }
            if extras?.transitions != nil { changeExtras { $0.transitions = nil } }
            for (index, transition) in newValue.enumerated() { setInline(index, transition) }
            inlineCount = UInt8(newValue.count)
        }
    }

    /// Adds a state change, keeping the timeline in timestamp order whatever order the events
    /// came in (after any of the same time).
    mutating func insertTransition(_ new: TaskTransition) {
        let count = transitionCount
        var index = count
        while index > 0, transition(at: index - 1).time > new.time { index -= 1 }
        if count < 3, extras?.transitions == nil {
            var slot = count
            while slot > index {
                setInline(slot, transition(at: slot - 1))
                slot -= 1
            }
            setInline(index, new)
            inlineCount += 1
            return
        }
        var all = transitions
        all.insert(new, at: index)
        clearInline()
        changeExtras { $0.transitions = all }
    }

    private mutating func setInline(_ index: Int, _ transition: TaskTransition) {
        switch index {
        case 0: (time0, worker0, phase0) = (transition.time, transition.worker, transition.phase)
        case 1: (time1, worker1, phase1) = (transition.time, transition.worker, transition.phase)
        default: (time2, worker2, phase2) = (transition.time, transition.worker, transition.phase)
        }
    }

    /// Back to the blank slots, so that records with equal timelines compare equal.
    private mutating func clearInline() {
        let blank = TaskTransition(phase: .pending, time: 0, worker: -1)
        for index in 0..<3 { setInline(index, blank) }
        inlineCount = 0
    }

    private mutating func changeExtras(_ change: (TaskExtras) -> Void) {
        if extras == nil {
            extras = TaskExtras()
        } else if !isKnownUniquelyReferenced(&extras) {
            extras = extras?.copy()
        }
        if let box = extras {
            change(box)
            // An emptied box goes, so a record equals one that never had it.
            if box.isEmpty { extras = nil }
        }
    }

    /// Seconds between received (or sent) and started: how long the task waited.
    public var waitTime: Double? {
        guard let started, let queued = received ?? sent else { return nil }
        return max(0, started - queued)
    }

    /// The time that orders tasks in lists: received, else sent, else the first transition.
    public var firstSeen: Double { received ?? sent ?? (transitionCount > 0 ? transition(at: 0).time : 0) }
}
