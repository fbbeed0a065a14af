/// A semantic style role. Views ask for a role ("this is a failed task", "this is the
/// selection"), never for a colour; the `Theme` decides what each role looks like, so one theme
/// file restyles every view and a monochrome terminal still distinguishes what matters.
///
/// The raw value is the key used in theme files (`[roles]` table).
public enum Role: String, CaseIterable, Hashable, Sendable, Comparable {
    // General text.
    /// Ordinary text.
    case text
    /// Secondary text: units, hints, empty-table messages, scroll indicators.
    case dim
    /// Table and section headers.
    case header
    /// Titles of panes and boxes.
    case title
    /// Box and separator lines.
    case border
    /// The border of the focused pane.
    case borderFocused
    /// Timestamps and durations in lists.
    case timestamp

    // Lists and tables.
    /// The selected row.
    case selection
    /// The selected row of a pane that does not have the focus.
    case selectionInactive
    /// Rows marked for a bulk action.
    case marked
    /// Text that matches the current filter.
    case filterMatch

    // Chrome.
    /// The status bar at the bottom.
    case statusBar
    /// The status bar while it shows an alert or an error.
    case statusBarAlert
    /// Key names in the status bar's key hints.
    case statusBarKey
    /// The tab of the current view.
    case tabActive
    /// Tabs of the other views.
    case tabInactive
    /// Key names in the help view and in hints outside the status bar.
    case key
    /// Lines between sections of the help view and of the tree of a canvas.
    case treeGuide

    // Input.
    /// The filter line and the `:` command line.
    case input
    /// The cell under the text cursor of an input line.
    case cursor
    /// Placeholder text shown in an empty input line.
    case placeholder

    // Messages.
    /// Errors (a failed action, a broken theme).
    case error
    /// Warnings.
    case warning
    /// A firing alert rule.
    case alert
    /// A successful action outcome.
    case success
    /// Neutral information.
    case info

    // Task states.
    /// A task that was sent but not yet received.
    case taskPending
    /// A task received by a worker.
    case taskReceived
    /// A task that is running.
    case taskStarted
    /// A task that succeeded.
    case taskSucceeded
    /// A task that failed.
    case taskFailed
    /// A task waiting to be retried.
    case taskRetry
    /// A revoked task.
    case taskRevoked
    /// A task a worker rejected.
    case taskRejected

    // Workers.
    /// A worker whose heartbeats arrive.
    case workerOnline
    /// A worker that went offline.
    case workerOffline
    /// A worker whose heartbeat is late.
    case workerLagging

    // Charts.
    /// Sparklines.
    case sparkline
    /// The filled part of a gauge.
    case gauge
    /// A gauge past its warning level.
    case gaugeWarning
    /// A gauge past its critical level.
    case gaugeCritical
    /// The empty part of a gauge.
    case gaugeEmpty

    // Dialogs.
    /// The inside of a modal dialog.
    case dialog
    /// A dialog's title.
    case dialogTitle
    /// A dialog button.
    case button
    /// The focused dialog button.
    case buttonActive

    // Pretty JSON and tracebacks.
    /// Object keys in pretty JSON.
    case jsonKey
    /// Strings in pretty JSON.
    case jsonString
    /// Numbers in pretty JSON.
    case jsonNumber
    /// `true`, `false` and `null` in pretty JSON.
    case jsonLiteral
    /// Braces, brackets, commas and colons in pretty JSON.
    case jsonPunctuation
    /// Traceback lines.
    case traceback

    public static func < (lhs: Role, rhs: Role) -> Bool {
        // Declaration order, so listings (missing roles, theme dumps) read like the file.
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
