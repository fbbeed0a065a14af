import Celeriac
import CeleriacProtocol

/// Prints control replies the way `celery inspect`/`celery control` do: `->  node: OK` and the
/// reply's text or pretty JSON, then `N node(s) online.`; with `--json`, one JSON object
/// `{node: reply}`.
enum ReplyPrinter {
    static func print(_ replies: [ControlClient.Reply], json: Bool, destination: [String]?, timeout: Double) throws {
        if json {
            var object = JSONObject()
            for reply in replies { object[reply.nodename] = reply.result }
            FileHandleOutput.standardOutput(JSONWriter.string(.object(object)))
        } else {
            for reply in replies {
                if let error = reply.result["error"]?.stringValue, reply.result.objectValue?.count == 1 {
                    FileHandleOutput.standardOutput("->  \(reply.nodename): ERROR\n    \(error)")
                } else if let ok = reply.result["ok"]?.stringValue, reply.result.objectValue?.count == 1 {
                    FileHandleOutput.standardOutput("->  \(reply.nodename): OK\n        \(ok)")
                } else {
                    FileHandleOutput.standardOutput("->  \(reply.nodename): OK\n" + PrettyJSON.indented(PrettyJSON.render(reply.result), by: 4))
                }
            }
            if !replies.isEmpty {
                FileHandleOutput.standardOutput("\n\(replies.count) \(replies.count == 1 ? "node" : "nodes") online.")
            }
        }
        let seconds = PythonFloat.repr(timeout)
        if let destination {
            let missing = destination.filter { node in !replies.contains { $0.nodename == node } }
            if !missing.isEmpty {
                FileHandleOutput.standardError("No reply within \(seconds) s from: \(missing.joined(separator: ", ")) (it may be slow or offline; try a longer --timeout).")
            }
        } else if !replies.isEmpty {
            FileHandleOutput.standardError("Replies from \(replies.map(\.nodename).joined(separator: ", ")) within \(seconds) s; other workers may be slow (try a longer --timeout).")
        }
        if replies.isEmpty {
            FileHandleOutput.standardError("Error: No nodes replied within time constraint (\(seconds) s).")
            throw CLIExit.failure
        }
    }
}

/// Exit status 1 with the message already printed.
enum CLIExit: Error {
    case failure
}
