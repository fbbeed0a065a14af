import CeleriacProtocol
import Logging

/// The two lines a worker logs for every task, as Celery words them, built in one string of
/// the right size: interpolated, each grew its string twice (two per task, issue #6). Called
/// inside `logger.info(...)`, so nothing is built when INFO is off.
enum TaskLogLines {
    /// `Task demo.add[id] received`.
    static func received(_ request: TaskRequest) -> Logger.Message {
        var line = String()
        line.reserveCapacity(24 + request.name.utf8.count + request.id.utf8.count)
        line += "Task "
        line += request.name
        line += "["
        line += request.id
        line += "] received"
        return Logger.Message(stringLiteral: line)
    }

    /// `Task demo.add[id] succeeded in 0.0001s: 3`.
    static func succeeded(_ request: TaskRequest, runtime: Double, repr: String) -> Logger.Message {
        let seconds = PythonFloat.repr(runtime)
        var line = String()
        line.reserveCapacity(32 + request.name.utf8.count + request.id.utf8.count + seconds.utf8.count + repr.utf8.count)
        line += "Task "
        line += request.name
        line += "["
        line += request.id
        line += "] succeeded in "
        line += seconds
        line += "s: "
        line += repr
        return Logger.Message(stringLiteral: line)
    }
}
