import CeleriacProtocol

/// Why a message ended in the failure store.
public enum FailureReason: String, Sendable, Hashable, CaseIterable {
    /// The task raised and had no retry left.
    case failed
    /// No task of that name is registered on the worker that received it.
    case unregistered
    /// The message could not be decoded as a Celery task.
    case malformed
}

/// One entry of the failure store: the original message, untouched, with why it failed.
public struct FailureRecord: Sendable, Hashable {
    /// The task id (for a malformed message without one, an id the worker made up).
    public var taskID: String
    /// The task name, or empty when the message had none.
    public var name: String
    /// The queue the message was consumed from.
    public var queue: String
    /// Why it is here.
    public var reason: FailureReason
    /// The exception repr, as Celery's events show it (`DemoError('boom')`).
    public var exception: String
    /// The traceback text (may be empty).
    public var traceback: String
    /// The nodename of the worker that gave up on it.
    public var worker: String
    /// When, in seconds since the epoch.
    public var timestamp: Double
    /// The message bytes exactly as they were popped from the queue.
    public var envelope: [UInt8]

    /// A record.
    public init(taskID: String, name: String, queue: String, reason: FailureReason, exception: String,
                traceback: String = "", worker: String, timestamp: Double, envelope: [UInt8]) {
        self.taskID = taskID
        self.name = name
        self.queue = queue
        self.reason = reason
        self.exception = exception
        self.traceback = traceback
        self.worker = worker
        self.timestamp = timestamp
        self.envelope = envelope
    }

    /// The exception's type: the repr up to its first `(` (`DemoError`).
    public var exceptionType: String {
        String(exception.prefix { $0 != "(" && $0 != ":" })
    }

    /// The stored form: a JSON object. The envelope is kept as text when it is UTF-8 (every
    /// JSON message is) and as base64 otherwise, so no byte is ever lost.
    public var jsonValue: JSONValue {
        var object = JSONObject([
            ("id", .string(taskID)), ("name", .string(name)), ("queue", .string(queue)),
            ("reason", .string(reason.rawValue)), ("exception", .string(exception)),
            ("traceback", .string(traceback)), ("worker", .string(worker)), ("timestamp", .double(timestamp)),
        ])
        if let text = String(validating: envelope, as: UTF8.self) {
            object["envelope"] = .string(text)
        } else {
            object["envelope_b64"] = .string(Base64.encode(envelope))
        }
        return .object(object)
    }

    /// Reads the stored form back.
    public init(stored bytes: [UInt8]) throws(FailureStoreError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .corrupt("not JSON: \(error)")
        }
        guard let object = value.objectValue,
              let id = object["id"]?.stringValue,
              let reasonText = object["reason"]?.stringValue,
              let timestamp = object["timestamp"]?.numberValue
        else { throw .corrupt("missing id, reason or timestamp") }
        guard let reason = FailureReason(rawValue: reasonText) else { throw .corrupt("unknown reason \(reasonText)") }
        let envelope: [UInt8]
        if let text = object["envelope"]?.stringValue {
            envelope = Array(text.utf8)
        } else if let encoded = object["envelope_b64"]?.stringValue {
            do {
                envelope = try Base64.decode(encoded)
            } catch {
                throw .corrupt("envelope_b64: \(error)")
            }
        } else {
            throw .corrupt("no envelope")
        }
        self.init(taskID: id, name: object["name"]?.stringValue ?? "", queue: object["queue"]?.stringValue ?? "",
                  reason: reason, exception: object["exception"]?.stringValue ?? "",
                  traceback: object["traceback"]?.stringValue ?? "", worker: object["worker"]?.stringValue ?? "",
                  timestamp: timestamp, envelope: envelope)
    }
}
