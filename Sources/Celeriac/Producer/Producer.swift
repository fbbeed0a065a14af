import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
        let builder = try builder(name, args: args, kwargs: kwargs, options: options, now: now)
        do {
            return try builder.build()
        } catch {
            throw SendError.invalidOption("\(error)")
        }
    }

    /// What the send paths need of a call: the task id, where it goes and the envelope bytes,
    /// written straight from the builder (the same bytes as `message(...).encoded()`). The
    /// full message is built only when a `task-sent` event needs it.
    func prepare(_ name: String, args: [JSONValue], kwargs: JSONObject, options: SendOptions) throws(SendError) -> PreparedMessage {
        let builder = try builder(name, args: args, kwargs: kwargs, options: options, now: Date())
        do {
            let message = app.configuration.sendSentEvent ? try builder.build() : nil
            return PreparedMessage(id: builder.id, name: name, queue: builder.queue, priority: Priority.clamp(builder.priority),
                                   bytes: try message?.encoded() ?? builder.encodedEnvelope(), message: message)
        } catch {
            throw SendError.invalidOption("\(error)")
        }
    }

    /// The builder of a call's message, with every option applied.
    func builder(_ name: String, args: [JSONValue], kwargs: JSONObject, options: SendOptions, now: Date) throws(SendError) -> TaskMessageBuilder {
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
        builder.argsrepr = Self.argsrepr(args)
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
        return builder
    }

    /// `saferepr(list(args), 1024)`; a short list of integers (the common case) is written
    /// directly, since its repr is its JSON text and far below the length budget.
    static func argsrepr(_ args: [JSONValue]) -> String {
        if args.count <= 32 {
            var text: [UInt8] = [UInt8(ascii: "[")]
            text.reserveCapacity(2 + args.count * 8)
            var simple = true
            for (index, arg) in args.enumerated() {
                guard case .int(let number) = arg else {
                    simple = false
                    break
                }
                if index > 0 { text.append(contentsOf: ", ".utf8) }
                JSONWriter.appendInteger(number, to: &text)
            }
            if simple {
                text.append(UInt8(ascii: "]"))
                return String(decoding: text, as: UTF8.self)
            }
        }
        return PythonSafeRepr.saferepr(.array(args), maxLength: PythonSafeRepr.celeryMaxLength)
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
        let prepared = try prepare(name, args: args, kwargs: kwargs, options: options)
        try await publish(prepared)
        return app.result(prepared.id)
    }

    /// Publishes a built message (declaring its queue the first time), then the `task-sent`
    /// event if `task_send_sent_event` is on.
    public func publish(_ message: TaskMessage) async throws(SendError) {
        let queue = message.properties.deliveryInfo.routingKey ?? app.configuration.defaultQueue
        try await publish(PreparedMessage(id: message.id, name: message.task, queue: queue, priority: Priority.of(message.properties),
                                          bytes: message.encoded(), message: message))
    }

    private func publish(_ prepared: PreparedMessage) async throws(SendError) {
        let transport = app.transport
        let key = Array(Priority.queueKey(prepared.queue, priority: prepared.priority).utf8)
        try await withRetry { "send \(prepared.name)[\(prepared.id)]" } _: { () async throws(RedisError) in
            try await transport.declareOnce(prepared.queue)
            // The LPUSH of `transport.publish`, encoded on the connection's event loop.
            let reply = try await transport.client.send([Self.lpush, key, prepared.bytes])
            guard reply.int != nil else { throw RedisError.unexpectedReply("LPUSH answered \(reply)") }
        }
        await sentEvent(for: prepared)
    }

    /// The `task-sent` event of a published message, when `task_send_sent_event` is on.
    func sentEvent(for prepared: PreparedMessage) async {
        if app.configuration.sendSentEvent, let message = prepared.message {
            await app.events.send(.taskSent, fields: EventFields.taskSent(for: message))
        }
    }

    /// Sends many calls in one pipelined write per queue (after declaring each queue once).
    /// Either every message was written, or ``SendError`` says how many were not.
    @discardableResult
    public func sendMany(_ calls: [(name: String, args: [JSONValue], kwargs: JSONObject, options: SendOptions)]) async throws(SendError) -> [AsyncResult] {
        var prepared: [PreparedMessage] = []
        prepared.reserveCapacity(calls.count)
        for call in calls { prepared.append(try prepare(call.name, args: call.args, kwargs: call.kwargs, options: call.options)) }
        try await publishMany(prepared)
        return prepared.map { app.result($0.id) }
    }

    /// Publishes built messages in one pipeline.
    public func publishMany(_ messages: [TaskMessage]) async throws(SendError) {
        try await publishMany(messages.map { message in
            PreparedMessage(id: message.id, name: message.task, queue: message.properties.deliveryInfo.routingKey ?? app.configuration.defaultQueue,
                            priority: Priority.of(message.properties), bytes: message.encoded(), message: message)
        })
    }

    /// One pipeline with one LPUSH per run of messages bound for the same key (see
    /// ``PreparedMessage/pushes(_:)``), written on a connection of its own.
    private func publishMany(_ messages: [PreparedMessage]) async throws(SendError) {
        guard !messages.isEmpty else { return }
        var queues: [String] = []
        for message in messages where !queues.contains(message.queue) { queues.append(message.queue) }
        let batch = PreparedMessage.pushes(messages)
        let transport = app.transport
        try await withRetry { "send \(messages.count) tasks" } _: { () async throws(RedisError) in
            for queue in queues { try await transport.declareOnce(queue) }
            try await transport.client.withPipeline(batch)
        }
        for message in messages { await sentEvent(for: message) }
    }

    private static let lpush = Array("LPUSH".utf8)

    /// Runs `body`, retrying connection failures with doubling delays.
    private func withRetry(_ what: () -> String, _ body: () async throws(RedisError) -> Void) async throws(SendError) {
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
                        throw SendError.brokerUnavailable("\(what()) failed after \(attempt) attempts: \(error)")
                    }
                    app.logger.warning("\(what()): broker unreachable (\(error)); retry \(attempt)/\(configuration.publishMaxRetries) in \(delay) s")
                    try? await Task.sleep(for: .seconds(delay))
                    delay = min(delay * 2, configuration.publishRetryMaxDelay)
                default:
                    throw SendError.broker("\(what()) failed: \(error)")
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
