import CeleriacProtocol

extension ControlServer {
    /// What handling a request produced.
    struct Outcome: Sendable {
        /// The reply, or nil when the command never replies (`shutdown`).
        var reply: JSONValue?
        /// Whether the target is to be shut down once the reply (if any) is sent.
        var shutdown = false
    }

    /// Celery's old `dump_*` names for inspect commands (each is registered as an alias).
    static let aliases = [
        "dump_conf": "conf", "dump_schedule": "scheduled", "dump_reserved": "reserved", "dump_active": "active",
        "dump_revoked": "revoked", "dump_tasks": "registered",
    ]

    /// Runs a request's command. Errors a Python handler would raise become
    /// `{"error": repr(exc)}`, as kombu's `Node.dispatch` reports them.
    func run(_ request: ControlRequest) async -> Outcome {
        let method = Self.aliases[request.method] ?? request.method
        var arguments = request.arguments
        if method == "hello", let stamped = arguments["revoked"]?.objectValue {
            // Celery before 5.6 sent its LimitedSet's `_data` ({id: stamp}); only the ids count.
            arguments["revoked"] = .array(stamped.keys.map(JSONValue.string))
        }
        let command: ControlCommand
        do {
            command = try ControlCommand(method: method, arguments: arguments)
        } catch {
            logger.warning("control request \(method) has bad arguments: \(error)")
            return Outcome(reply: ControlReplies.error(PythonRepr.exceptionRepr(type: "TypeError", arguments: [.string(error.message)])))
        }
        return await run(command, arguments: arguments)
    }

    /// Runs a parsed command.
    func run(_ command: ControlCommand, arguments: JSONObject) async -> Outcome {
        switch command {
        case .ping:
            return Outcome(reply: ControlReplies.pong)
        case .stats:
            return Outcome(reply: await target.statistics().jsonValue)
        case .active(let safe):
            let requests = await target.activeRequests()
            return Outcome(reply: ControlReplies.requests(safe == true ? requests.map(Self.safe) : requests))
        case .reserved:
            return Outcome(reply: ControlReplies.requests(await target.reservedRequests()))
        case .scheduled:
            let held = await target.scheduledRequests()
            return Outcome(reply: .array(held.map { ControlReplies.scheduledEntry(eta: $0.eta, priority: $0.priority, request: $0.request) }))
        case .revoked:
            return Outcome(reply: ControlReplies.revokedIDs(await target.revokedIDs()))
        case .registered(let items):
            let builtins = arguments["builtins"]?.boolValue ?? false
            return Outcome(reply: TaskInfoItems.registered(await target.registeredTasks(), items: items, builtins: builtins))
        case .queryTask(let ids):
            return Outcome(reply: await queryTask(ids))
        case .activeQueues:
            return Outcome(reply: .array(await target.activeQueues().map(\.jsonValue)))
        case .conf(let withDefaults):
            return Outcome(reply: .object(await target.configuration(withDefaults: withDefaults)))
        case .clock:
            return Outcome(reply: ControlReplies.clock(await target.clockValue()))
        case .report:
            return Outcome(reply: ControlReplies.report(WorkerReport.text(configuration: await target.configuration(withDefaults: false))))
        case .revoke(let ids, let terminate, let signal):
            return Outcome(reply: await revoke(ids, terminate: terminate, signal: signal))
        case .rateLimit(let taskName, let rateLimit):
            return Outcome(reply: await setRateLimit(taskName, rateLimit))
        case .timeLimit(let taskName, let hard, let soft):
            let changed = await target.setTimeLimits(task: taskName, soft: soft.numberValue, hard: hard.numberValue)
            if !changed { logger.error("Change time limit attempt for unknown task \(taskName)") }
            return Outcome(reply: changed ? ControlReplies.timeLimitsSet : ControlReplies.unknownTask)
        case .addConsumer(let queue, let exchange, let exchangeType, let routingKey):
            // Celery schedules the change and always answers ok, even for a queue it consumes.
            _ = await target.addConsumer(QueueInfo(name: queue, exchange: exchange, exchangeType: exchangeType ?? "direct",
                                                   routingKey: routingKey))
            return Outcome(reply: ControlReplies.consumerAdded(queue))
        case .cancelConsumer(let queue):
            await target.cancelConsumer(queue)
            return Outcome(reply: ControlReplies.consumerCancelled(queue))
        case .poolGrow(let n):
            return Outcome(reply: await target.resizePool(by: n) ? ControlReplies.poolWillGrow : Self.poolCannotResize("grow"))
        case .poolShrink(let n):
            return Outcome(reply: await target.resizePool(by: -n) ? ControlReplies.poolWillShrink : Self.poolCannotResize("shrink"))
        case .enableEvents:
            return Outcome(reply: ControlReplies.eventsEnabled(changed: await target.setTaskEvents(true)))
        case .disableEvents:
            return Outcome(reply: ControlReplies.eventsDisabled(changed: await target.setTaskEvents(false)))
        case .heartbeat:
            await target.sendHeartbeat()
            return Outcome(reply: .null)
        case .shutdown:
            // Celery's handler raises WorkerShutdown, which kombu lets through: no reply.
            return Outcome(reply: nil, shutdown: true)
        case .hello(let fromNode, let revoked):
            return Outcome(reply: await hello(from: fromNode, revoked: revoked))
        case .other("terminate", let arguments):
            // `terminate(signal, task_id)` is revoke with terminate=True.
            guard let signal = arguments["signal"]?.stringValue, let ids = arguments["task_id"], !ids.isNull else {
                let message = "terminate() missing 2 required positional arguments: 'signal' and 'task_id'"
                return Outcome(reply: ControlReplies.error(PythonRepr.exceptionRepr(type: "TypeError", arguments: [.string(message)])))
            }
            let list = ids.arrayValue?.compactMap(\.stringValue) ?? ids.stringValue.map { [$0] } ?? []
            return Outcome(reply: await revoke(list, terminate: true, signal: signal))
        case .other("autoscale", let arguments):
            // `max`/`min` as Celery's `int` conversion reads them; a target without an
            // autoscaler answers Celery's ValueError.
            func bound(_ key: String) -> Int? {
                arguments[key]?.intValue.map(Int.init) ?? arguments[key]?.stringValue.flatMap { Int($0) }
            }
            return Outcome(reply: await target.autoscale(max: bound("max"), min: bound("min")))
        case .other(let method, _):
            logger.error("No such control command: \(method)")
            return Outcome(reply: ControlReplies.unknownMethod(method))
        }
    }

    /// `active(safe=True)`: args and kwargs as their reprs (the message's `argsrepr`/`kwargsrepr`).
    static func safe(_ info: TaskRequestInfo) -> TaskRequestInfo {
        var copy = info
        if case .array(let args) = info.args { copy.args = .string(PythonSafeRepr.argsrepr(args)) }
        if case .object(let kwargs) = info.kwargs { copy.kwargs = .string(PythonSafeRepr.kwargsrepr(kwargs)) }
        return copy
    }

    /// What a Celery pool without `grow`/`shrink` (solo, threads) answers: the AttributeError.
    static func poolCannotResize(_ verb: String) -> JSONValue {
        ControlReplies.error(PythonRepr.exceptionRepr(type: "AttributeError",
                                                      arguments: [.string("'TaskPool' object has no attribute '\(verb)'")]))
    }

    /// `query_task`: each known id with its state, in the order asked; unknown ids left out.
    func queryTask(_ ids: [String]) async -> JSONValue {
        let active = await target.activeRequests()
        let reserved = await target.reservedRequests()
        let scheduled = await target.scheduledRequests().map(\.request)
        var entries: [(ControlReplies.QueryState, TaskRequestInfo)] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted {
            if let info = active.first(where: { $0.id == id }) {
                entries.append((.active, info))
            } else if let info = reserved.first(where: { $0.id == id }) {
                entries.append((.reserved, info))
            } else if let info = scheduled.first(where: { $0.id == id }) {
                entries.append((.scheduled, info))
            } else if let info = await target.readyRequest(id: id) {
                entries.append((.ready, info))
            }
        }
        return ControlReplies.queryTask(entries)
    }

    /// `revoke`: flags the ids (a set, as Celery makes one); with terminate, ends those the
    /// worker holds with the signal.
    func revoke(_ ids: [String], terminate: Bool, signal: String?) async -> JSONValue {
        var unique: [String] = []
        for id in ids where !unique.contains(id) { unique.append(id) }
        guard terminate else {
            _ = await target.revoke(unique, terminate: false, signal: "SIGTERM")
            logger.info("Tasks flagged as revoked: \(unique.joined(separator: ", "))")
            return ControlReplies.revokeFlagged(unique)
        }
        switch SignalName.normalized(signal) {
        case .success(let name):
            let terminated = await target.revoke(unique, terminate: true, signal: name)
            for id in terminated { logger.info("Terminating \(id) (\(name))") }
            return ControlReplies.revokeTerminated(terminated)
        case .failure(let failure):
            // Celery flags the ids before it looks the signal up.
            _ = await target.revoke(unique, terminate: false, signal: "SIGTERM")
            return ControlReplies.error(failure.pythonRepr)
        }
    }

    /// `rate_limit`: the string is checked first (a bad unit is Python's KeyError, a bad
    /// number Celery's own message), then the task; an empty or zero limit disables it.
    func setRateLimit(_ taskName: String, _ value: JSONValue) async -> JSONValue {
        let perSecond: Double
        do {
            perSecond = try RateLimit.tasksPerSecond(value)
        } catch {
            return ControlReplies.invalidRateLimit(error)
        }
        let text: String
        switch value {
        case .string(let string): text = string
        case .null: text = ""
        default: text = PythonRepr.repr(value)
        }
        guard await target.setRateLimit(task: taskName, tasksPerSecond: perSecond, text: text) else {
            logger.error("Rate limit attempt for unknown task \(taskName)")
            return ControlReplies.unknownTask
        }
        let disabled = text.isEmpty || value.numberValue == 0
        if disabled {
            logger.info("Rate limits disabled for tasks of type \(taskName)")
            return ControlReplies.rateLimitDisabled
        }
        logger.info("New rate limit for tasks of type \(taskName): \(text).")
        return ControlReplies.rateLimitSet
    }

    /// `hello` from another node: merges its revoked ids, answers with ours and our clock.
    /// A node's own hello (seen when it mingles while listening) gets null, as in Celery.
    func hello(from node: String, revoked: [String]) async -> JSONValue {
        guard node != target.nodename else { return .null }
        logger.info("sync with \(node)")
        if !revoked.isEmpty { await target.mergeRevoked(revoked) }
        // Celery answers with `app.clock.forward()`: adjusting by zero moves the clock one step.
        await target.observeClock(0)
        return ControlReplies.hello(revoked: await target.revokedIDs(), clock: await target.clockValue())
    }
}
