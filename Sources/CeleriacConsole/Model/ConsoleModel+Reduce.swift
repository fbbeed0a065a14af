import CeleriacProtocol

extension ConsoleModel {
    /// Applies one action and returns the effects to run (in order).
    @discardableResult
    public mutating func reduce(_ action: ConsoleAction) -> [Effect] {
        renderVersion &+= 1
        switch action {
        case .key(let key): return handle(key)
        case .named(let name): return perform(name)
        case .ingest(let inputs, let time):
            now = max(now, time)
            state.apply(inputs, now: time)
            clampSelections()
            return []
        case .tick(let time):
            now = max(now, time)
            state.apply(.tick, now: time)
            return []
        case .outcome(let outcome):
            record(outcome)
            return []
        case .edited(let id, let text):
            return edited(id: id, text: text)
        case .show(let target):
            switchTab(target)
            return []
        case .resize(let width, let height):
            screenSize = (max(0, width), max(0, height))
            clampSelections()
            return []
        case .notice(let text, let isError):
            notify(text, error: isError)
            return []
        }
    }

    private mutating func handle(_ key: Key) -> [Effect] {
        if case .resize = key { return [] }
        if dialog != nil { return handleDialog(key) }
        if input != nil { return handleInput(key) }
        if showHelp {
            if key == .escape || key == .character("q") || key == .character("?") { showHelp = false }
            return []
        }
        guard let name = keyMap.action(for: key, in: view.name) else { return [] }
        return perform(name)
    }

    private mutating func handleDialog(_ key: Key) -> [Effect] {
        guard var open = dialog else { return [] }
        let count = open.dialog.buttons.count
        switch key {
        case .left, .backTab, .character("h"):
            open.dialog.selectedButton = max(0, open.dialog.selectedButton - 1)
            dialog = open
        case .right, .tab, .character("l"):
            open.dialog.selectedButton = min(max(0, count - 1), open.dialog.selectedButton + 1)
            dialog = open
        case .escape, .character("n"), .character("q"):
            dialog = nil
        case .character("y"):
            return confirm(open)
        case .enter:
            if open.dialog.selectedButton == 0 { return confirm(open) }
            dialog = nil
        default: break
        }
        return []
    }

    private mutating func confirm(_ open: ConsoleDialog) -> [Effect] {
        dialog = nil
        guard case .confirm(let effect) = open.purpose else { return [] }
        setResult("\(effect.summary)…", error: false)
        if case .retry(let ids) = effect { marks.subtract(ids) }
        if case .revoke(let ids, _, _) = effect { marks.subtract(ids) }
        return [effect]
    }

    private mutating func handleInput(_ key: Key) -> [Effect] {
        guard var line = input else { return [] }
        let outcome = line.input.handle(key)
        input = line
        switch (line.kind, outcome) {
        case (.filter, .edited):
            applyFilter(line.input.text)
        case (.filter, .submitted):
            applyFilter(line.input.text)
            if filterError == nil { input = nil }
        case (.filter, .cancelled):
            input = nil
            filterError = nil
        case (.command, .submitted):
            input = nil
            return runCommand(line.input.text)
        case (.command, .cancelled):
            input = nil
        default: break
        }
        return []
    }

    /// Parses the filter; a syntax error leaves the filter as it was and is shown underlined.
    mutating func applyFilter(_ text: String) {
        do {
            filter = try TaskQuery.parse(text)
            filterText = text
            filterError = nil
            clampSelections()
        } catch {
            filterError = error
        }
    }

    mutating func runCommand(_ text: String) -> [Effect] {
        do {
            switch try ConsoleCommand.parse(text) {
            case .view(let target):
                switchTab(target)
                return []
            case .notices:
                showNotices()
                return []
            case .effect(let effect):
                return request(effect)
            }
        } catch {
            setResult(error.message, error: true)
            return []
        }
    }

    /// Runs an effect: destructive ones need a confirmation (and are refused read-only).
    mutating func request(_ effect: Effect) -> [Effect] {
        if effect == .quit {
            wantsQuit = true
            return [.quit]
        }
        if case .setTheme(let name) = effect { themeName = name }
        guard effect.isDestructive else { return [effect] }
        guard !readOnly else {
            setResult("read-only: \(effect.summary) is disabled (started with --read-only)", error: true)
            return []
        }
        dialog = ConsoleDialog(purpose: .confirm(effect),
                               dialog: Dialog(title: "Confirm", lines: [effect.summary + "?"], buttons: ["Yes", "No"],
                                              selectedButton: 1))
        return []
    }

    private mutating func record(_ outcome: EffectOutcome) {
        if case .browseQueue = outcome.effect, let page = outcome.page, outcome.error == nil {
            queuePage = page
        }
        if case .rateLimit(let task, let rate) = outcome.effect, outcome.error == nil, !outcome.replies.isEmpty,
           outcome.replies.allSatisfy({ !$0.isError }) {
            state.setRateLimit(rate, for: task)
        }
        let failed = outcome.error != nil || outcome.replies.contains(where: \.isError)
            || (outcome.replies.isEmpty && outcome.effect.isDestructive && !isBrokerSide(outcome.effect))
        // Every action's outcome is kept with the notices; reads (a queue page) are not.
        if outcome.effect.isDestructive || failed {
            notify(outcome.summary, error: failed)
        } else {
            setResult(outcome.summary, error: failed)
        }
        if outcome.replies.count > 1 || outcome.error != nil {
            var lines = outcome.replies.map { "\($0.worker): \($0.text)" }
            if let error = outcome.error { lines.append(error) }
            dialog = ConsoleDialog(purpose: .message,
                                   dialog: Dialog(title: outcome.effect.summary, lines: lines, buttons: ["OK"],
                                                  role: failed ? .error : .dialog))
        }
    }

    /// Effects no worker replies to: done on the broker, or (shutdown) never answered, as in Celery.
    private func isBrokerSide(_ effect: Effect) -> Bool {
        switch effect {
        case .retry, .editAndRetry, .purge, .deleteFailures, .shutdown: true
        default: false
        }
    }

    private mutating func edited(id: String, text: String) -> [Effect] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            setResult("not sent: the edited arguments are not valid JSON: \(error)", error: true)
            return []
        }
        guard let object = value.objectValue, let args = object["args"], args.arrayValue != nil,
              let kwargs = object["kwargs"], kwargs.objectValue != nil else {
            setResult("not sent: the edited text must be {\"args\": [...], \"kwargs\": {...}}", error: true)
            return []
        }
        return request(.editAndRetry(id: id, args: JSONWriter.string(args), kwargs: JSONWriter.string(kwargs)))
    }

    mutating func clampSelections() {
        for (v, row) in selection { select(row, in: v) }
    }
}
