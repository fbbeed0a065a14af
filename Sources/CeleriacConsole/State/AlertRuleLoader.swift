import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TOMLKit

/// Reads alert rules from a TOML file (`celeriac console --alerts FILE`). Each rule is a table
/// under `[rules]`, named by its key:
/// ```toml
/// [rules.celery-backlog]
/// kind = "queue_depth"       # more than `above` messages waiting for `for`
/// queue = "celery"           # a name, a prefix ending in *, or * (default)
/// above = 100
/// for = "30s"                # seconds, or a number with s, m or h (default 0)
///
/// [rules.stuck]
/// kind = "queue_latency"     # the oldest waiting message ready for longer than `above`
/// queue = "*"                # (see QueueLatency for how the age is known)
/// above = "2m"
///
/// [rules.failing-tasks]
/// kind = "failure_rate"      # failed / finished in the last minute above `above`
/// task = "demo.*"            # default *
/// above = "25%"              # a ratio (0.25) or a percentage
/// minimum = 5                # finished tasks needed before it can fire (default 10)
///
/// [rules.worker-gone]
/// kind = "heartbeat_missing" # a worker seen before stopped sending heartbeats
/// worker = "*"
/// ```
/// Errors name the file, the line and the key, like a compiler.
public enum AlertRuleLoader {
    /// The kinds of rule, as `kind` names them.
    public static let kinds = ["queue_depth", "queue_latency", "failure_rate", "heartbeat_missing"]

    /// Reads the rules of the file at `path`, in file order.
    public static func load(path: String) throws(AlertRuleError) -> [AlertRule] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AlertRuleError(file: path, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AlertRuleError(file: path, message: "the file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Reads rules from TOML text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(AlertRuleError) -> [AlertRule] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw AlertRuleError(file: file, line: error.source.begin.line, message: "TOML syntax error: \(error.description)")
        } catch {
            throw AlertRuleError(file: file, message: "TOML syntax error: \(error)")
        }
        let reader = Reader(file: file, locator: TOMLLineLocator(text), lines: text.split(separator: "\n", omittingEmptySubsequences: false))
        for key in reader.ordered(table.keys, under: []) where key != "rules" {
            throw reader.error([key], "unknown key \"\(key)\" (rules are tables under [rules], such as [rules.backlog])")
        }
        guard let rulesValue = table["rules"] else { return [] }
        guard let rules = rulesValue.table else { throw reader.error(["rules"], "rules must be a table of tables ([rules.NAME])") }
        var result: [AlertRule] = []
        for name in reader.ordered(rules.keys, under: ["rules"]) {
            let path = ["rules", name]
            guard let rule = rules[name]?.table else {
                throw reader.error(path, "a rule must be a table ([rules.\(name)] with kind = ...)")
            }
            let condition = try reader.condition(rule, at: path)
            var bell = false
            if let value = rule["bell"] {
                guard let flag = value.bool else { throw reader.error(path + ["bell"], "must be true or false") }
                bell = flag
            }
            let command = try reader.string(rule["run"], at: path + ["run"])
            result.append(AlertRule(name: name, condition: condition, bell: bell, command: command))
        }
        return result
    }

    struct Reader {
        var file: String
        var locator: TOMLLineLocator
        var lines: [Substring]

        func error(_ path: [String], _ message: String) -> AlertRuleError {
            AlertRuleError(file: file, line: line(of: path), key: path.joined(separator: "."), message: message)
        }

        /// The key's line, or for a table only named in deeper headers (`[rulez.x]` for
        /// `rulez`), the first such header.
        func line(of path: [String]) -> Int? {
            if let line = locator.line(of: path) { return line }
            let header = "[" + path.joined(separator: ".")
            return lines.firstIndex { line in
                let text = line.trimmingWhitespace()
                return text.hasPrefix(header + ".") || text.hasPrefix(header + "]")
            }.map { $0 + 1 }
        }

        func ordered(_ keys: [String], under prefix: [String]) -> [String] {
            keys.sorted {
                (line(of: prefix + [$0]) ?? Int.max, $0) < (line(of: prefix + [$1]) ?? Int.max, $1)
            }
        }

        func condition(_ rule: TOMLTable, at path: [String]) throws(AlertRuleError) -> AlertRule.Condition {
            guard let kind = try string(rule["kind"], at: path + ["kind"]) else {
                throw error(path, "missing kind (one of \(AlertRuleLoader.kinds.joined(separator: ", ")))")
            }
            let allowed: Set<String>
            let condition: AlertRule.Condition
            switch kind {
            case "queue_depth":
                allowed = ["kind", "queue", "above", "for", "bell", "run"]
                guard let above = try count(rule["above"], at: path + ["above"]) else {
                    throw error(path, "a queue_depth rule needs above = N (messages)")
                }
                condition = .queueDepthAbove(queue: try string(rule["queue"], at: path + ["queue"]) ?? "*", depth: above,
                                             duration: try seconds(rule["for"], at: path + ["for"]) ?? 0)
            case "failure_rate":
                allowed = ["kind", "task", "above", "minimum", "bell", "run"]
                guard let above = try ratio(rule["above"], at: path + ["above"]) else {
                    throw error(path, "a failure_rate rule needs above = 0.25 or \"25%\"")
                }
                condition = .failureRateAbove(task: try string(rule["task"], at: path + ["task"]) ?? "*", ratio: above,
                                              minimum: try count(rule["minimum"], at: path + ["minimum"]) ?? 10)
            case "heartbeat_missing":
                allowed = ["kind", "worker", "bell", "run"]
                condition = .heartbeatMissing(worker: try string(rule["worker"], at: path + ["worker"]) ?? "*")
            case "queue_latency":
                allowed = ["kind", "queue", "above", "bell", "run"]
                guard let above = try seconds(rule["above"], at: path + ["above"]) else {
                    throw error(path, "a queue_latency rule needs above = SECONDS (\"30s\", \"5m\")")
                }
                condition = .queueLatencyAbove(queue: try string(rule["queue"], at: path + ["queue"]) ?? "*", seconds: above)
            default:
                throw error(path + ["kind"], "unknown kind \"\(kind)\" (one of \(AlertRuleLoader.kinds.joined(separator: ", ")))")
            }
            for key in ordered(rule.keys, under: path) where !allowed.contains(key) {
                throw error(path + [key], "unknown key \"\(key)\" for a \(kind) rule (it has \(allowed.sorted().joined(separator: ", ")))")
            }
            return condition
        }

        func string(_ value: (any TOMLValueConvertible)?, at path: [String]) throws(AlertRuleError) -> String? {
            guard let value else { return nil }
            guard let text = value.string, !text.isEmpty else { throw error(path, "must be a non-empty string") }
            return text
        }

        func count(_ value: (any TOMLValueConvertible)?, at path: [String]) throws(AlertRuleError) -> Int? {
            guard let value else { return nil }
            guard let number = value.int, number >= 0 else { throw error(path, "must be a whole number, 0 or more") }
            return number
        }

        /// `30`, `2.5`, `"30s"`, `"5m"`, `"1h"`.
        func seconds(_ value: (any TOMLValueConvertible)?, at path: [String]) throws(AlertRuleError) -> Double? {
            guard let value else { return nil }
            if let number = value.int, number >= 0 { return Double(number) }
            if let number = value.double, number >= 0, number.isFinite { return number }
            if let text = value.string, let unit = text.last, let factor = ["s": 1.0, "m": 60, "h": 3600][unit],
               let number = Double(text.dropLast()), number >= 0, number.isFinite {
                return number * factor
            }
            throw error(path, "must be seconds: a number, or a number with s, m or h (\"30s\", \"5m\")")
        }

        /// `0.25` or `"25%"`, between 0 and 1.
        func ratio(_ value: (any TOMLValueConvertible)?, at path: [String]) throws(AlertRuleError) -> Double? {
            guard let value else { return nil }
            var ratio: Double?
            if let number = value.double { ratio = number } else if let number = value.int { ratio = Double(number) }
            if let text = value.string, text.hasSuffix("%"), let percent = Double(text.dropLast()) { ratio = percent / 100 }
            guard let ratio, ratio >= 0, ratio <= 1 else { throw error(path, "must be a ratio from 0 to 1 (0.25) or a percentage (\"25%\")") }
            return ratio
        }
    }
}

/// An alerts file that cannot be used, with where: `alerts.toml:7: rules.backlog.above: must be...`.
public struct AlertRuleError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(key.map { "\($0): " } ?? "")\(message)"
    }
}
