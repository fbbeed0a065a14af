/// Everything that changes a `ConsoleModel`: keys, named actions from the key map, data from
/// the cluster, time, effect outcomes and the editor.
public enum ConsoleAction: Hashable, Sendable {
    /// A key from the terminal; the model maps it through its `KeyMap` (or an open input or dialog).
    case key(Key)
    /// A key-map action by name (`"cursor.down"`, `"task.revoke"`).
    case named(String)
    /// A batch of cluster inputs received by `now`.
    case ingest([ClusterInput], now: Double)
    /// Time passed (re-evaluates ages, alerts and countdowns).
    case tick(now: Double)
    /// An effect finished.
    case outcome(EffectOutcome)
    /// The editor opened by `Effect.openEditor` closed with this text.
    case edited(id: String, text: String)
    /// Switch to a view.
    case show(ConsoleView)
    /// The terminal's size: the model keeps the selection of long lists in view with it.
    case resize(width: Int, height: Int)
    /// Something to tell the operator (a file named on the command line has a problem, an
    /// alert's command did not start): shown above the status bar and kept in the notices.
    case notice(String, isError: Bool)
}

/// A dialog the model shows: a confirmation for an effect, or a message.
public struct ConsoleDialog: Hashable, Sendable {
    public enum Purpose: Hashable, Sendable {
        /// Confirm, then run the effect.
        case confirm(Effect)
        /// Information only (an outcome, an error).
        case message
    }

    public var purpose: Purpose
    public var dialog: Dialog

    public init(purpose: Purpose, dialog: Dialog) {
        self.purpose = purpose
        self.dialog = dialog
    }
}

/// An open input line.
public struct InputLine: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case filter, command }
    public var kind: Kind
    public var input: TextInput

    public init(kind: Kind, input: TextInput) {
        self.kind = kind
        self.input = input
    }
}

/// The columns the Tasks view sorts by.
public enum TaskSortKey: Int, CaseIterable, Hashable, Sendable {
    case id, name, state, worker, queue, args, received, runtime
}
