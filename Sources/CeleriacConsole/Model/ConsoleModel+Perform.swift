import CeleriacProtocol

extension ConsoleModel {
    /// Performs a key-map action by name.
    mutating func perform(_ name: String) -> [Effect] {
        if name.hasPrefix("view.") {
            let target = String(name.dropFirst(5))
            switch target {
            case "next", "previous":
                let tabs = ConsoleView.tabs
                let index = tabs.firstIndex(of: view.tab) ?? 0
                let step = target == "next" ? 1 : tabs.count - 1
                switchTab(tabs[(index + step) % tabs.count])
            case "help": showHelp.toggle()
            default:
                if let v = ConsoleView(name: target) { switchTab(v) }
            }
            return []
        }
        let page = 10
        switch name {
        case "back":
            if filterError != nil || (!filterText.isEmpty && history.isEmpty && view != .overview) {
                applyFilter("")
                filterError = nil
                return []
            }
            if let previous = history.popLast() {
                view = previous
            } else if view != .overview {
                view = .overview
            } else {
                return request(.quit)
            }
        case "quit": return request(.quit)
        case "cursor.down": moveCursor(1)
        case "cursor.up": moveCursor(-1)
        case "cursor.pageDown": moveCursor(page)
        case "cursor.pageUp": moveCursor(-page)
        case "cursor.top": moveCursor(Int.min / 2)
        case "cursor.bottom": moveCursor(Int.max / 2)
        case "open": openSelected()
        case "filter": input = InputLine(kind: .filter, input: TextInput(filterText))
        case "command": input = InputLine(kind: .command, input: TextInput(""))
        case "mark": toggleMark()
        case "mark.all": marks.formUnion(markableIDs())
        case "mark.none": marks = []
        case "redraw": break
        case "sort.next":
            taskSort = TaskSortKey(rawValue: (taskSort.rawValue + 1) % TaskSortKey.allCases.count) ?? .received
        case "sort.reverse": sortAscending.toggle()
        case "task.revoke": return revokeTargets(terminate: false)
        case "task.terminate": return revokeTargets(terminate: true)
        case "task.retry": return retryTargets(all: false)
        case "task.retryMatching": return retryTargets(all: true)
        case "failure.delete": return deleteTargets()
        case "task.editRetry": return editTarget()
        case "pane.wrap": detailWraps.toggle()
        case "worker.grow", "worker.shrink", "worker.shutdown":
            guard let worker = selectedWorker() else { return nothingSelected() }
            switch name {
            case "worker.grow": return request(.poolGrow(worker: worker, n: 1))
            case "worker.shrink": return request(.poolShrink(worker: worker, n: 1))
            default: return request(.shutdown(worker: worker))
            }
        case "queue.purge", "queue.pause", "queue.resume", "queue.browse", "queue.nextPage", "queue.previousPage":
            guard let queue = selectedQueue() else { return nothingSelected() }
            switch name {
            case "queue.purge": return request(.purge(queue: queue))
            case "queue.pause": return request(.cancelConsumer(queue: queue, worker: nil))
            case "queue.resume": return request(.addConsumer(queue: queue, worker: nil))
            default:
                let current = browsedQueue == queue ? (queuePage?.page ?? 0) : 0
                let next = name == "queue.nextPage" ? current + 1 : name == "queue.previousPage" ? max(0, current - 1) : 0
                browsedQueue = queue
                return [.browseQueue(queue: queue, page: next)]
            }
        case "taskType.rateLimit", "taskType.timeLimit":
            guard !readOnly else { return request(.rateLimit(task: "", rate: "")) }
            let rows = taskTypeRows()
            guard selectedRow < rows.count else { return nothingSelected() }
            let verb = name == "taskType.rateLimit" ? "rate" : "timelimit"
            input = InputLine(kind: .command, input: TextInput("\(verb) \(rows[selectedRow].name) "))
        case "events.follow": eventsFollow.toggle()
        default: break
        }
        return []
    }

    private mutating func nothingSelected() -> [Effect] {
        setResult("nothing selected", error: true)
        return []
    }

    private mutating func moveCursor(_ delta: Int) {
        switch view {
        case .taskDetail, .workerDetail:
            let current = scroll[view] ?? 0
            scroll[view] = max(0, min(current &+ delta, 100_000))
        default:
            if view == .events { eventsFollow = delta > 0 && selectedRow + delta >= rowCount(.events) - 1 }
            select(selectedRow &+ delta)
        }
    }

    private mutating func openSelected() {
        switch view {
        case .tasks:
            let rows = taskRowIDs()
            guard selectedRow < rows.count else { return }
            detailTask = rows[selectedRow]
            scroll[.taskDetail] = 0
            open(.taskDetail)
        case .failures:
            let rows = failureRows()
            guard selectedRow < rows.count else { return }
            detailTask = rows[selectedRow].taskID
            scroll[.taskDetail] = 0
            open(.taskDetail)
        case .workers:
            guard let worker = selectedWorker() else { return }
            detailWorker = worker
            scroll[.workerDetail] = 0
            open(.workerDetail)
        case .queues:
            if let queue = selectedQueue() {
                browsedQueue = queue
                renderVersion &+= 1
            }
        default: break
        }
    }

    /// Task ids the current view can mark (the rows matching the filter).
    private func markableIDs() -> [String] {
        switch view {
        case .tasks: taskRowIDs()
        case .failures: failureRows().map(\.taskID)
        default: []
        }
    }

    private mutating func toggleMark() {
        let ids = markableIDs()
        guard selectedRow < ids.count else { return }
        let id = ids[selectedRow]
        if marks.contains(id) { marks.remove(id) } else { marks.insert(id) }
        select(selectedRow + 1)
    }

    /// The ids an action applies to: the marked ones shown in this view, else the selected row
    /// (or the detail's task).
    private func targetIDs() -> [String] {
        if view == .taskDetail { return detailTask.map { [$0] } ?? [] }
        let ids = markableIDs()
        let marked = ids.filter { marks.contains($0) }
        if !marked.isEmpty { return marked }
        return selectedRow < ids.count ? [ids[selectedRow]] : []
    }

    private mutating func revokeTargets(terminate: Bool) -> [Effect] {
        let ids = targetIDs()
        guard !ids.isEmpty else { return nothingSelected() }
        return request(.revoke(ids: ids, terminate: terminate, signal: "SIGTERM"))
    }

    private mutating func retryTargets(all: Bool) -> [Effect] {
        let ids = all ? failureRows().filter(\.stored).map(\.taskID) : targetIDs()
        guard !ids.isEmpty else { return nothingSelected() }
        let stored = Set(state.failureStore.map(\.taskID))
        let retriable = ids.filter { stored.contains($0) }
        guard !retriable.isEmpty else {
            setResult("cannot retry: the failure store does not hold the original message", error: true)
            return []
        }
        return request(.retry(ids: retriable))
    }

    private mutating func deleteTargets() -> [Effect] {
        let ids = targetIDs()
        guard !ids.isEmpty else { return nothingSelected() }
        let stored = Set(state.failureStore.map(\.taskID))
        let kept = ids.filter { stored.contains($0) }
        guard !kept.isEmpty else {
            setResult("nothing to delete: the failure store does not hold these", error: true)
            return []
        }
        return request(.deleteFailures(ids: kept))
    }

    private mutating func editTarget() -> [Effect] {
        guard !readOnly else { return request(.editAndRetry(id: "", args: "", kwargs: "")) }
        guard let id = targetIDs().first else { return nothingSelected() }
        guard let entry = state.failureStore.first(where: { $0.taskID == id }) else {
            setResult("cannot edit: the failure store does not hold the original message of \(id)", error: true)
            return []
        }
        let (args, kwargs) = FailureArguments.extract(from: entry.envelope)
        let text = "{\"args\": \(args), \"kwargs\": \(kwargs)}"
        return [.openEditor(id: id, text: text)]
    }

    func selectedWorker() -> String? {
        if view == .workerDetail { return detailWorker }
        let list = state.workerList
        return selectedRow < list.count ? list[selectedRow].hostname : nil
    }

    func selectedQueue() -> String? {
        let list = state.queueList
        return selectedRow < list.count ? list[selectedRow].name : nil
    }
}
