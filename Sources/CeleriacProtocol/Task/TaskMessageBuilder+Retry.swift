extension TaskMessageBuilder {
    /// The message Celery's `Task.retry()` publishes for a received message: the **same id**,
    /// `retries + 1`, an absolute `eta`, `parent_id` = the task's own id, and the original
    /// root id, group, time limits, expiry, priority, queue, reply oid and `origin` (which is
    /// also copied into the properties).
    public static func retry(of message: TaskMessage, eta: CeleryDateTime?, deliveryTag: String) -> TaskMessageBuilder {
        let headers = message.headers
        let properties = message.properties
        var builder = TaskMessageBuilder(id: headers.id, name: headers.task, origin: headers.origin ?? "",
                                         replyTo: properties.replyTo ?? "", deliveryTag: deliveryTag)
        builder.args = message.body.args
        builder.kwargs = message.body.kwargs
        builder.embed = message.body.embed
        builder.eta = eta
        builder.expires = headers.expires
        builder.shadow = headers.shadow
        builder.groupID = headers.group
        builder.groupIndex = headers.groupIndex
        builder.retries = headers.retries + 1
        builder.timeLimit = headers.timeLimit
        builder.rootID = headers.rootID
        builder.parentID = headers.id
        builder.ignoreResult = headers.ignoreResult
        builder.replacedTaskNesting = headers.replacedTaskNesting
        builder.stampedHeaders = headers.stampedHeaders?.compactMap(\.stringValue)
        builder.stamps = headers.stamps
        builder.queue = properties.deliveryInfo.routingKey ?? "celery"
        builder.priority = Priority.of(properties)
        builder.originInProperties = true
        return builder
    }
}
