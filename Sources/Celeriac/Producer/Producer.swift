import CeleriacProtocol
import CeleriacRedis
import Foundation
import Logging

/// Sends tasks as Celery's `send_task`/`apply_async` does: the message is built by
/// ``TaskMessageBuilder``, the queue is declared once, and the envelope LPUSHed to the key of
/// its priority. A send that meets an unreachable broker is retried with backoff (one log
/// line per attempt) and then fails with ``SendError``: it never vanishes silently.
public struct Producer: Sendable {
    /// The app whose configuration and transport are used.
    public let app: App

    /// A producer for `app`.
    public init(app: App) { self.app = app }

    /// Builds the message for a call, as Celery would write it.
    public func message(_ name: String, args: [JSONValue] = [], kwargs: JSONObject = JSONObject(),
                        options: SendOptions = SendOptions(), now: Date = Date()) throws(SendError) -> TaskMessage
    {
        let configuration = app.configuration
        var builder = TaskMessageBuilder(id: options.taskID ?? FastUUID.string(), name: name, origin: app.origin,
                                         replyTo: app.replyOID, deliveryTag: FastUUID.string())
        builder.args = args
        builder.kwargs = kwargs
        builder.queue = options.queue ?? options.routingKey ?? configuration.queue(forTask: name)
        builder.priority = options.priority ?? 0
        builder.retries = options.retries
        builder.shadow = options.shadow
        builder.groupID = options.groupID
        builder.groupIndex = options.groupIndex
        builder.rootID = options.rootID
        builder.parentID = options.parentID
        // As `send_task` (the call of a task the client does not define): args are a list, so
        // argsrepr is a list repr, and ignore_result is null unless given.
        builder.argsrepr = PythonSafeRepr.saferepr(.array(args), maxLength: PythonSafeRepr.celeryMaxLength)
        let ignoreResult = options.ignoreResult ?? (configuration.ignoreResult ? true : nil)
        builder.ignoreResult = ignoreResult ?? false
        builder.timeLimit = TimeLimit(hard: Self.seconds(options.timeLimit), soft: Self.seconds(options.softTimeLimit))
        builder.customHeaders = options.headers
        if ignoreResult == nil, options.headers["ignore_result"] == nil { builder.customHeaders["ignore_result"] = .null }
        if let countdown = options.countdown {
            guard countdown.isFinite else { throw SendError.invalidOption("countdown must be a finite number of seconds") }
            builder.eta = TaskMessageBuilder.eta(countdown: countdown, from: now)
        } else if let eta = options.eta {
            builder.eta = CeleryDateTime(date: eta)
        }
        switch options.expires {
        case .seconds(let seconds)?:
            guard seconds.isFinite else { throw SendError.invalidOption("expires must be a finite number of seconds") }
            builder.expires = CeleryDateTime(timeIntervalSince1970: now.timeIntervalSince1970 + seconds)
            builder.expirationSeconds = seconds
        case .date(let date)?:
            builder.expires = CeleryDateTime(date: date)
            builder.expirationSeconds = date.timeIntervalSince(now)
        case nil:
            break
        }
        builder.embed.callbacks = options.link.isEmpty ? nil : options.link
        builder.embed.errbacks = options.linkError.isEmpty ? nil : options.linkError
        builder.embed.chain = options.chain
        builder.embed.chord = options.chord
        do {
            return try builder.build()
        } catch {
            throw SendError.invalidOption("\(error)")
        }
    }

    /// Seconds as JSON: whole numbers as integers (as Python passes `time_limit=20`).
    static func seconds(_ value: Double?) -> JSONValue {
        guard let value else { return .null }
        if value.rounded() == value, abs(value) < 1e15 { return .integer(Int(value)) }
        return .double(value)
    }

    /// Sends a task and returns its result handle.
    @discardableResult
    public func send(_ name: String, args: [JSONValue] = [], kwargs: JSONObject = JSONObject(),
                     options: SendOptions = SendOptions()) async throws(SendError) -> AsyncResult
    {
        let message = try message(name, args: args, kwargs: kwargs, options: options)
        try await publish(message)
        return app.result(message.id)
    }

    /// Publishes a built message (declaring its queue the first time), then the `task-sent`
    /// event if `task_send_sent_event` is on.
    public func publish(_ message: TaskMessage) async throws(SendError) {
        let queue = message.properties.deliveryInfo.routingKey ?? app.configuration.defaultQueue
        let priority = Priority.of(message.properties)
        let bytes = message.encoded()
        try await withRetry("send \(message.task)[\(message.id)]") { () async throws(RedisError) in
            try await app.transport.declareOnce(queue)
            try await app.transport.publish(bytes, toQueue: queue, priority: priority)
        }
        if app.configuration.sendSentEvent {
            await app.events.send(.taskSent, fields: EventFields.taskSent(for: message))
        }
    }

    /// Sends many calls in one pipelined write per queue (after declaring each queue once).
    /// Either every message was written, or ``SendError`` says how many were not.
    @discardableResult
    public func sendMany(_ calls: [(name: String, args: [JSONValue], kwargs: JSONObject, options: SendOptions)]) async throws(SendError) -> [AsyncResult] {
        var messages: [TaskMessage] = []
        messages.reserveCapacity(calls.count)
        for call in calls { messages.append(try message(call.name, args: call.args, kwargs: call.kwargs, options: call.options)) }
        try await publishMany(messages)
        return messages.map { app.result($0.id) }
    }

    /// Publishes built messages in one pipeline.
    public func publishMany(_ messages: [TaskMessage]) async throws(SendError) {
        guard !messages.isEmpty else { return }
        var queues: [String] = []
        var pipeline = RedisPipeline(capacity: messages.count * 700)
        for message in messages {
            let queue = message.properties.deliveryInfo.routingKey ?? app.configuration.defaultQueue
            if !queues.contains(queue) { queues.append(queue) }
            pipeline.append([Array("LPUSH".utf8), Array(Priority.queueKey(queue, priority: Priority.of(message.properties)).utf8),
                             message.encoded()])
        }
        let batch = pipeline
        try await withRetry("send \(messages.count) tasks") { () async throws(RedisError) in
            for queue in queues { try await app.transport.declareOnce(queue) }
            try await app.transport.client.withPipeline(batch)
        }
        if app.configuration.sendSentEvent {
            for message in messages { await app.events.send(.taskSent, fields: EventFields.taskSent(for: message)) }
        }
    }

    /// Runs `body`, retrying connection failures with doubling delays.
    private func withRetry(_ what: String, _ body: () async throws(RedisError) -> Void) async throws(SendError) {
        let configuration = app.configuration
        var delay = configuration.publishRetryDelay
        var attempt = 0
        while true {
            do {
                try await body()
                return
            } catch {
                switch error {
                case .connectionClosed, .timeout:
                    attempt += 1
                    guard attempt <= configuration.publishMaxRetries else {
                        throw SendError.brokerUnavailable("\(what) failed after \(attempt) attempts: \(error)")
                    }
                    app.logger.warning("\(what): broker unreachable (\(error)); retry \(attempt)/\(configuration.publishMaxRetries) in \(delay) s")
                    try? await Task.sleep(for: .seconds(delay))
                    delay = min(delay * 2, configuration.publishRetryMaxDelay)
                default:
                    throw SendError.broker("\(what) failed: \(error)")
                }
            }
        }
    }
}

/// Why a task was not sent.
public enum SendError: Error, Sendable, CustomStringConvertible {
    /// An option that cannot be used (a non-finite countdown, a header of the wrong kind).
    case invalidOption(String)
    /// The broker stayed unreachable through every retry.
    case brokerUnavailable(String)
    /// The broker refused the command.
    case broker(String)

    public var description: String {
        switch self {
        case .invalidOption(let text): return "invalid option: \(text)"
        case .brokerUnavailable(let text), .broker(let text): return text
        }
    }
}

extension RedisClient {
    /// Writes a pipeline in one go on a connection of its own and fails if any command failed.
    func withPipeline(_ pipeline: RedisPipeline) async throws(RedisError) {
        do {
            try await withConnection { connection in
                for result in await connection.pipeline(pipeline) {
                    if case .failure(let error) = result { throw error }
                }
            }
        } catch let error as RedisError {
            throw error
        } catch {
            throw .unexpectedReply("\(error)")
        }
    }
}
