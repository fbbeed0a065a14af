import CeleriacProtocol

/// The whole console as a value: the cluster state plus the UI state. It changes only through
/// `reduce(_:)`, which returns the effects to run; views are pure functions of it.
///
/// How an app drives it: create it, `reduce(.ingest(batch, now:))` with inputs batched from the
/// data tasks, `reduce(.key(key))` for terminal input, `reduce(.tick(now:))` once a second, run
/// the returned `Effect`s and feed back `.outcome(...)`. Redraw when `renderVersion` changed.
public struct ConsoleModel: Sendable {
    public var state: ClusterState
    public var keyMap: KeyMap
    public internal(set) var view: ConsoleView = .overview
    /// Views to go back to (`Esc`/`q`).
    public internal(set) var history: [ConsoleView] = []
    /// The selected row per view.
    public var selection: [ConsoleView: Int] = [:]
    /// Scroll offsets per view (tables keep the selection visible; panes scroll freely).
    public var scroll: [ConsoleView: Int] = [:]
    public var taskSort: TaskSortKey = .received
    public var sortAscending = false
    /// The filter as typed and as parsed (the last valid one).
    public internal(set) var filterText = ""
    public internal(set) var filter = TaskQuery()
    /// Set while the filter line holds a query with a syntax error (the filter is unchanged).
    public internal(set) var filterError: QuerySyntaxError?
    public internal(set) var input: InputLine?
    /// Marked task ids (Tasks and Failures views).
    public internal(set) var marks: Set<String> = []
    public internal(set) var dialog: ConsoleDialog?
    public internal(set) var detailTask: String?
    public internal(set) var detailWorker: String?
    public let readOnly: Bool
    public internal(set) var showHelp = false
    /// The last outcome or error, shown above the status bar.
    public internal(set) var resultLine: (text: String, isError: Bool)?
    /// What the console told the operator besides the views, oldest first (bounded): problems
    /// with files named on the command line, alert commands that did not start, the outcome of
    /// every action. The newest shows above the status bar when it comes; `:notices` lists them.
    public internal(set) var notices: [Notice] = []
    public internal(set) var themeName: String
    public internal(set) var queuePage: QueuePage?
    public internal(set) var browsedQueue: String?
    /// Whether the Events view follows new events.
    public internal(set) var eventsFollow = true
    /// Whether long lines wrap in the task detail.
    public internal(set) var detailWraps = true
    /// The time of the latest input or tick.
    public internal(set) var now: Double
    /// Set once `quit` ran; the app exits.
    public internal(set) var wantsQuit = false
    /// The terminal size last reported (`.resize`).
    public internal(set) var screenSize: (width: Int, height: Int) = (80, 24)
    /// Bumped by every change: redraw only when it moved.
    public internal(set) var renderVersion = 0

    public init(state: ClusterState = ClusterState(), keyMap: KeyMap = .standard, readOnly: Bool = false,
                themeName: String = "default", now: Double = 0) {
        self.state = state
        self.keyMap = keyMap
        self.readOnly = readOnly
        self.themeName = themeName
        self.now = now
    }
}

extension ConsoleModel {
    /// The selected row of the current view.
    public var selectedRow: Int { selection[view] ?? 0 }

    mutating func select(_ row: Int, in target: ConsoleView? = nil) {
        let v = target ?? view
        let count = rowCount(v)
        let row = count == 0 ? 0 : min(max(0, row), count - 1)
        selection[v] = row
        // Rows a list shows: the frame takes 3 rows, a view's box and header about 4 more.
        let visible = max(1, screenSize.height - 7)
        scroll[v] = TableScroll.offset(previous: scroll[v] ?? 0, selected: row, rowCount: count, visibleRows: visible)
    }

    mutating func setResult(_ text: String, error: Bool) { resultLine = (text, error) }

    /// Keeps a notice (and shows it above the status bar).
    mutating func notify(_ text: String, error: Bool) {
        setResult(text, error: error)
        notices.append(Notice(time: now, text: text, isError: error))
        if notices.count > Notice.limit { notices.removeFirst(notices.count - Notice.limit) }
    }

    /// Opens a dialog with the notices, newest first.
    mutating func showNotices() {
        let lines = notices.isEmpty ? ["No notices."]
            : notices.reversed().map { "\(Format.clock($0.time))  \($0.isError ? "! " : "")\($0.text)" }
        dialog = ConsoleDialog(purpose: .message, dialog: Dialog(title: "Notices (\(notices.count))", lines: lines, buttons: ["OK"]))
    }

    mutating func open(_ target: ConsoleView) {
        guard target != view else { return }
        history.append(view)
        if history.count > 20 { history.removeFirst() }
        view = target
        showHelp = false
    }

    mutating func switchTab(_ target: ConsoleView) {
        history = []
        view = target
        showHelp = false
        if target == .taskDetail, detailTask == nil, let first = taskRowIDs().first { detailTask = first }
    }
}

/// One thing the console told the operator (see `ConsoleModel.notices`).
public struct Notice: Hashable, Sendable {
    /// When (the model's clock).
    public var time: Double
    public var text: String
    /// A problem rather than news.
    public var isError: Bool

    /// The most notices kept.
    public static let limit = 50

    public init(time: Double, text: String, isError: Bool) {
        self.time = time
        self.text = text
        self.isError = isError
    }
}
