/// The own fields of each event type, in the order Celery sends them; combine them with a
/// source, clock and timestamp through ``CeleryEvent/init(type:source:clock:fields:timestamp:)``.
public enum EventFields {
    /// `task-sent`: uuid, root_id, parent_id, name, args, kwargs, retries, eta, expires, queue,
    /// exchange, routing_key (args and kwargs are reprs).
    public static func taskSent(uuid: String, rootID: String, parentID: String?, name: String, args: String,
                                kwargs: String, retries: Int, eta: String?, expires: String?, queue: String,
                                exchange: String = "", routingKey: String) -> JSONObject
    {
        ["uuid": .string(uuid), "root_id": .string(rootID), "parent_id": .optionalString(parentID),
         "name": .string(name), "args": .string(args), "kwargs": .string(kwargs), "retries": .integer(retries),
         "eta": .optionalString(eta), "expires": .optionalString(expires), "queue": .string(queue),
         "exchange": .string(exchange), "routing_key": .string(routingKey)]
    }

    /// The `task-sent` fields of a message built for publishing.
    public static func taskSent(for message: TaskMessage) -> JSONObject {
        let queue = message.properties.deliveryInfo.routingKey ?? ""
        return taskSent(uuid: message.id, rootID: message.headers.rootID, parentID: message.headers.parentID,
                        name: message.task, args: message.headers.argsrepr ?? "", kwargs: message.headers.kwargsrepr ?? "",
                        retries: message.headers.retries, eta: message.headers.eta?.isoformat,
                        expires: message.headers.expires?.isoformat, queue: queue,
                        exchange: message.properties.deliveryInfo.exchange ?? "", routingKey: queue)
    }

    /// `task-received`: uuid, name, args, kwargs, root_id, parent_id, retries, eta, expires.
    public static func taskReceived(uuid: String, name: String, args: String, kwargs: String, rootID: String,
                                    parentID: String?, retries: Int, eta: String?, expires: String?) -> JSONObject
    {
        ["uuid": .string(uuid), "name": .string(name), "args": .string(args), "kwargs": .string(kwargs),
         "root_id": .string(rootID), "parent_id": .optionalString(parentID), "retries": .integer(retries),
         "eta": .optionalString(eta), "expires": .optionalString(expires)]
    }

    /// The `task-received` fields of a decoded message.
    public static func taskReceived(for message: TaskMessage) -> JSONObject {
        taskReceived(uuid: message.id, name: message.task, args: message.headers.argsrepr ?? PythonSafeRepr.argsrepr(message.body.args),
                     kwargs: message.headers.kwargsrepr ?? PythonSafeRepr.kwargsrepr(message.body.kwargs),
                     rootID: message.headers.rootID, parentID: message.headers.parentID, retries: message.headers.retries,
                     eta: message.headers.raw["eta"]?.stringValue, expires: message.headers.raw["expires"]?.stringValue)
    }

    /// `task-started`: uuid.
    public static func taskStarted(uuid: String) -> JSONObject {
        ["uuid": .string(uuid)]
    }

    /// `task-succeeded`: uuid, result (the repr of the return value), runtime in seconds.
    public static func taskSucceeded(uuid: String, result: String, runtime: Double) -> JSONObject {
        ["uuid": .string(uuid), "result": .string(result), "runtime": .double(runtime)]
    }

    /// `task-failed`: uuid, exception (repr), traceback (left out for unregistered tasks).
    public static func taskFailed(uuid: String, exception: String, traceback: String?) -> JSONObject {
        var fields: JSONObject = ["uuid": .string(uuid), "exception": .string(exception)]
        if let traceback { fields["traceback"] = .string(traceback) }
        return fields
    }

    /// `task-retried`: uuid, exception (repr, `"None"` when no exc was given), traceback.
    public static func taskRetried(uuid: String, exception: String, traceback: String) -> JSONObject {
        ["uuid": .string(uuid), "exception": .string(exception), "traceback": .string(traceback)]
    }

    /// `task-revoked`: uuid, terminated, signum (or null), expired.
    public static func taskRevoked(uuid: String, terminated: Bool, signum: Int?, expired: Bool) -> JSONObject {
        ["uuid": .string(uuid), "terminated": .bool(terminated), "signum": signum.map(JSONValue.integer) ?? .null,
         "expired": .bool(expired)]
    }

    /// `task-rejected`: uuid, requeue.
    public static func taskRejected(uuid: String, requeue: Bool) -> JSONObject {
        ["uuid": .string(uuid), "requeue": .bool(requeue)]
    }

    /// `task-cancelled`: uuid.
    public static func taskCancelled(uuid: String) -> JSONObject {
        ["uuid": .string(uuid)]
    }

    /// `worker-online`, `worker-heartbeat`, `worker-offline`: freq, active, processed, loadavg,
    /// sw_ident, sw_ver, sw_sys.
    public static func worker(freq: Double, active: Int, processed: Int, loadavg: [Double],
                              swIdent: String = "py-celery", swVer: String, swSys: String) -> JSONObject
    {
        ["freq": .double(freq), "active": .integer(active), "processed": .integer(processed),
         "loadavg": .array(loadavg.map(JSONValue.double)), "sw_ident": .string(swIdent), "sw_ver": .string(swVer),
         "sw_sys": .string(swSys)]
    }

    /// The `worker-heartbeat` a `heartbeat` control command triggers: freq (an integer, 5 in
    /// Celery) and only the `sw_*` fields.
    public static func requestedHeartbeat(freq: Int = 5, swIdent: String = "py-celery", swVer: String, swSys: String) -> JSONObject {
        ["freq": .integer(freq), "sw_ident": .string(swIdent), "sw_ver": .string(swVer), "sw_sys": .string(swSys)]
    }
}
