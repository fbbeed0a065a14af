/// The `:` command line: `:revoke ID [ID…]`, `:terminate ID`, `:retry ID`, `:rate TASK RATE`,
/// `:timelimit TASK SOFT [HARD]`, `:purge QUEUE`, `:pause QUEUE [WORKER]`, `:resume QUEUE
/// [WORKER]`, `:grow WORKER [N]`, `:shrink WORKER [N]`, `:shutdown WORKER`, `:theme NAME`,
/// `:view NAME`, `:notices`, `:q`.
public enum ConsoleCommand: Hashable, Sendable {
    case effect(Effect)
    case view(ConsoleView)
    /// `:notices`: list what the console told the operator.
    case notices

    /// The verbs, for errors and help.
    public static let verbs = ["revoke", "terminate", "retry", "rate", "timelimit", "purge", "pause", "resume", "grow",
                               "shrink", "shutdown", "theme", "view", "notices", "q"]

    /// Parses a command line (with or without the leading `:`).
    public static func parse(_ line: String) throws(CommandError) -> ConsoleCommand {
        var text = Substring(line)
        if text.first == ":" { text = text.dropFirst() }
        let words = text.split(separator: " ").map(String.init)
        guard let verb = words.first else { throw CommandError("empty command (try :q, :revoke ID, :rate TASK 10/s)") }
        let rest = Array(words.dropFirst())
        func need(_ count: Int, _ usage: String) throws(CommandError) {
            guard rest.count >= count else { throw CommandError("usage: :\(usage)") }
        }
        func count(_ index: Int) throws(CommandError) -> Int {
            guard index < rest.count else { return 1 }
            guard let n = Int(rest[index]), n > 0 else { throw CommandError("\"\(rest[index])\" is not a positive count") }
            return n
        }
        switch verb {
        case "q", "quit", "q!": return .effect(.quit)
        case "revoke":
            try need(1, "revoke ID [ID...]")
            return .effect(.revoke(ids: rest, terminate: false, signal: "SIGTERM"))
        case "terminate":
            try need(1, "terminate ID [ID...]")
            return .effect(.revoke(ids: rest, terminate: true, signal: "SIGTERM"))
        case "retry":
            try need(1, "retry ID [ID...]")
            return .effect(.retry(ids: rest))
        case "rate":
            try need(2, "rate TASK RATE (10/s, 100/m, 5/h, or 0 to lift)")
            guard Self.isRate(rest[1]) else { throw CommandError("\"\(rest[1])\" is not a rate (10/s, 100/m, 5/h, 0)") }
            return .effect(.rateLimit(task: rest[0], rate: rest[1]))
        case "timelimit":
            try need(2, "timelimit TASK SOFT [HARD] (seconds, or none)")
            let soft = try seconds(rest[1])
            let hard = rest.count > 2 ? try seconds(rest[2]) : nil
            return .effect(.timeLimit(task: rest[0], soft: soft, hard: hard))
        case "purge":
            try need(1, "purge QUEUE")
            return .effect(.purge(queue: rest[0]))
        case "pause":
            try need(1, "pause QUEUE [WORKER]")
            return .effect(.cancelConsumer(queue: rest[0], worker: rest.count > 1 ? rest[1] : nil))
        case "resume":
            try need(1, "resume QUEUE [WORKER]")
            return .effect(.addConsumer(queue: rest[0], worker: rest.count > 1 ? rest[1] : nil))
        case "grow":
            try need(1, "grow WORKER [N]")
            return .effect(.poolGrow(worker: rest[0], n: try count(1)))
        case "shrink":
            try need(1, "shrink WORKER [N]")
            return .effect(.poolShrink(worker: rest[0], n: try count(1)))
        case "shutdown":
            try need(1, "shutdown WORKER")
            return .effect(.shutdown(worker: rest[0]))
        case "theme":
            try need(1, "theme NAME")
            return .effect(.setTheme(rest[0]))
        case "notices":
            return .notices
        case "view":
            try need(1, "view NAME")
            guard let view = ConsoleView(name: rest[0]) else {
                throw CommandError("unknown view \"\(rest[0])\" (use \(ConsoleView.tabs.map(\.name).joined(separator: ", ")))")
            }
            return .view(view)
        default:
            throw CommandError("unknown command \"\(verb)\" (use \(verbs.joined(separator: ", ")))")
        }
    }

    static func isRate(_ text: String) -> Bool {
        if let n = Double(text) { return n >= 0 }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Double(parts[0]), n >= 0 else { return false }
        return ["s", "m", "h"].contains(String(parts[1]))
    }

    static func seconds(_ text: String) throws(CommandError) -> Double? {
        if text == "none" { return nil }
        guard let value = Double(text), value > 0, value.isFinite else {
            throw CommandError("\"\(text)\" is not a number of seconds (or none)")
        }
        return value
    }
}

/// A command line that cannot be run, with what to type instead.
public struct CommandError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
