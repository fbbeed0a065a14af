extension KeyMap {
    /// The views of the console in tab order; the number keys 1–9 switch to them (3, the task
    /// detail, shows the task selected last).
    public static let viewOrder = ["overview", "tasks", "taskDetail", "failures", "workers", "queues", "taskTypes",
                                   "events", "audit"]

    /// The console's standard bindings: global navigation (number keys and Tab switch views,
    /// `?` help, `q`/Esc back, vim keys, `/` filter, `:` command line, space mark, Ctrl-L
    /// redraw) and each view's actions.
    public static let standard: KeyMap = {
        var global: [KeyBinding] = []
        for (index, view) in viewOrder.enumerated() {
            global.append(KeyBinding(.character(Character("\(index + 1)")), "view.\(view)", "show \(view)"))
        }
        global += [
            KeyBinding(.tab, "view.next", "next view"),
            KeyBinding(.backTab, "view.previous", "previous view"),
            KeyBinding(.character("?"), "view.help", "help: every key of this view"),
            KeyBinding(.function(1), "view.help", "help", visible: false),
            KeyBinding(.character("q"), "back", "back (quit from the top view)"),
            KeyBinding(.escape, "back", "back, close the dialog or clear the input"),
            KeyBinding(.ctrl("c"), "quit", "quit", visible: false),
            KeyBinding(.character("j"), "cursor.down", "next row"),
            KeyBinding(.down, "cursor.down", "next row", visible: false),
            KeyBinding(.character("k"), "cursor.up", "previous row"),
            KeyBinding(.up, "cursor.up", "previous row", visible: false),
            KeyBinding(.character("g"), "cursor.top", "first row"),
            KeyBinding(.home, "cursor.top", "first row", visible: false),
            KeyBinding(.character("G"), "cursor.bottom", "last row"),
            KeyBinding(.end, "cursor.bottom", "last row", visible: false),
            KeyBinding(.pageDown, "cursor.pageDown", "page down"),
            KeyBinding(.ctrl("f"), "cursor.pageDown", "page down", visible: false),
            KeyBinding(.pageUp, "cursor.pageUp", "page up"),
            KeyBinding(.ctrl("b"), "cursor.pageUp", "page up", visible: false),
            KeyBinding(.enter, "open", "open the selected row"),
            KeyBinding(.character("/"), "filter", "filter the rows"),
            KeyBinding(.character(":"), "command", "command line"),
            KeyBinding(.space, "mark", "mark or unmark the row"),
            KeyBinding(.ctrl("a"), "mark.all", "mark every row matching the filter"),
            KeyBinding(.ctrl("u"), "mark.none", "clear the marks", visible: true),
            KeyBinding(.ctrl("l"), "redraw", "redraw the screen"),
        ]
        let views: [String: [KeyBinding]] = [
            "tasks": [
                KeyBinding(.character("s"), "sort.next", "sort by the next column"),
                KeyBinding(.character("S"), "sort.reverse", "reverse the sort order"),
                KeyBinding(.character("r"), "task.revoke", "revoke (marked or selected) tasks"),
                KeyBinding(.character("T"), "task.terminate", "revoke and terminate running tasks"),
                KeyBinding(.character("y"), "task.retry", "retry failed tasks"),
            ],
            "taskDetail": [
                KeyBinding(.character("r"), "task.revoke", "revoke this task"),
                KeyBinding(.character("T"), "task.terminate", "revoke and terminate this task"),
                KeyBinding(.character("y"), "task.retry", "retry this task"),
                KeyBinding(.character("e"), "task.editRetry", "edit the arguments and retry"),
                KeyBinding(.character("w"), "pane.wrap", "wrap long lines on or off"),
            ],
            "failures": [
                KeyBinding(.character("y"), "task.retry", "retry (marked or selected) failures"),
                KeyBinding(.character("Y"), "task.retryMatching", "retry every failure matching the filter"),
                KeyBinding(.character("D"), "failure.delete", "delete (marked or selected) failures from the store"),
                KeyBinding(.character("e"), "task.editRetry", "edit the arguments and retry"),
            ],
            "workers": [
                KeyBinding(.character("+"), "worker.grow", "grow the pool by one"),
                KeyBinding(.character("-"), "worker.shrink", "shrink the pool by one"),
                KeyBinding(.character("X"), "worker.shutdown", "shut the worker down"),
            ],
            "workerDetail": [
                KeyBinding(.character("+"), "worker.grow", "grow the pool by one"),
                KeyBinding(.character("-"), "worker.shrink", "shrink the pool by one"),
                KeyBinding(.character("X"), "worker.shutdown", "shut the worker down"),
            ],
            "queues": [
                KeyBinding(.character("P"), "queue.purge", "purge the queue"),
                KeyBinding(.character("p"), "queue.pause", "pause consuming on every worker"),
                KeyBinding(.character("R"), "queue.resume", "resume consuming on every worker"),
                KeyBinding(.character("b"), "queue.browse", "browse the waiting messages"),
                KeyBinding(.character("]"), "queue.nextPage", "next page of messages"),
                KeyBinding(.character("["), "queue.previousPage", "previous page of messages"),
            ],
            "taskTypes": [
                KeyBinding(.character("l"), "taskType.rateLimit", "set the rate limit"),
                KeyBinding(.character("t"), "taskType.timeLimit", "set the time limits"),
            ],
            "events": [
                KeyBinding(.character("f"), "events.follow", "follow new events on or off"),
            ],
        ]
        return KeyMap(global: global, views: views)
    }()
}
