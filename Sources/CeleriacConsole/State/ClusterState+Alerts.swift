extension ClusterState {
    /// Re-evaluates every alert rule at `now` (each tick and after each batch).
    mutating func evaluateAlerts(now: Double) {
        var firing: [FiringAlert] = []
        var holding: Set<String> = []
        func hold(_ rule: AlertRule, _ subject: String, _ message: String, after duration: Double = 0) {
            let key = rule.name + "\u{1F}" + subject
            holding.insert(key)
            let since = conditionSince[key] ?? now
            conditionSince[key] = since
            if now - since >= duration {
                firing.append(FiringAlert(rule: rule.name, subject: subject, message: message, since: since))
            }
        }
        for rule in alertRules {
            switch rule.condition {
            case .queueDepthAbove(let pattern, let limit, let duration):
                for queue in queueList where Self.matches(pattern, queue.name) && queue.depth > limit {
                    hold(rule, queue.name, "\(rule.name): queue \(queue.name) has \(queue.depth) messages (> \(limit))",
                         after: duration)
                }
            case .queueLatencyAbove(let pattern, let seconds):
                for queue in queueList where Self.matches(pattern, queue.name) {
                    // A lower bound above the limit means the real age is above it too.
                    if let latency = queue.latency, latency.age > seconds {
                        hold(rule, queue.name, "\(rule.name): oldest message in \(queue.name) waited "
                             + "\(latency.isExact ? "" : "at least ")\(Int(latency.age))s (> \(Int(seconds))s)")
                    }
                }
            case .failureRateAbove(let pattern, let ratio, let minimum):
                for stats in taskTypes.values.sorted(by: { $0.name < $1.name }) where Self.matches(pattern, stats.name) {
                    let done = stats.done.total(now: now)
                    if done >= minimum, let rate = stats.failureRate(now: now), rate > ratio {
                        hold(rule, stats.name, "\(rule.name): \(stats.name) fails \(Int((rate * 100).rounded()))% (> \(Int((ratio * 100).rounded()))%)")
                    }
                }
            case .heartbeatMissing(let pattern):
                for worker in workerList where Self.matches(pattern, worker.hostname) {
                    if worker.lastHeartbeat != nil, !worker.isOnline(now: now) {
                        hold(rule, worker.hostname, "\(rule.name): no heartbeat from \(worker.hostname)")
                    }
                }
            }
        }
        conditionSince = conditionSince.filter { holding.contains($0.key) }
        if firing != alerts { alerts = firing }
    }

    /// `*` matches everything, `prefix*` a prefix, anything else itself.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasSuffix("*") { return text.hasPrefix(pattern.dropLast()) }
        return pattern == text
    }
}
