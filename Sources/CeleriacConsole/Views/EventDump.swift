import CeleriacProtocol

/// Formats an event the way `celery events --dump` prints it
/// (`celery.events.dumper.Dumper.on_event`):
/// `w1@host1 [2026-11-26 12:00:00.5+00:00] task succeeded: demo.add(ID) args=… kwargs=… result=3, runtime=0.01`.
public enum EventDump {
    public static func line(_ event: CeleryEvent, taskName: String? = nil) -> String {
        var fields = event.raw
        let type = event.type.rawValue.lowercased()
        let hostname = event.hostname ?? ""
        let timestamp = event.timestamp.map(Format.pythonDateTime) ?? "?"
        for key in ["timestamp", "type", "hostname"] { _ = fields.removeValue(forKey: key) }
        let human = type.replacingOccurrences(of: "-", with: " ")
        guard type.hasPrefix("task-") else {
            let rest = render(fields)
            return "\(hostname) [\(timestamp)] \(human)\(rest.isEmpty ? "" : ":") \(rest)"
        }
        let uuid = fields.removeValue(forKey: "uuid")?.stringValue ?? ""
        var task = ""
        if type == "task-received" || type == "task-sent" {
            let name = fields.removeValue(forKey: "name")?.stringValue ?? ""
            let args = fields.removeValue(forKey: "args")?.stringValue ?? ""
            let kwargs = fields.removeValue(forKey: "kwargs")?.stringValue ?? ""
            task = "\(name)(\(uuid)) args=\(args) kwargs=\(kwargs)"
        } else if let taskName {
            task = "\(taskName)(\(uuid))"
        }
        let rest = render(fields)
        return "\(hostname) [\(timestamp)] \(human)\(rest.isEmpty ? "" : ":") \(task) \(rest)"
    }

    /// `key=value, …` sorted by key, values as Python's `str()` prints them.
    static func render(_ fields: JSONObject) -> String {
        fields.members.sorted { $0.key < $1.key }.map { "\($0.key)=\(str($0.value))" }.joined(separator: ", ")
    }

    static func str(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return PythonRepr.repr(value)
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
