/// An error reply a command handler raises; the dispatcher turns it into `-<text>`.
/// The text starts with the error code (`ERR`, `WRONGTYPE`, ...) as Redis writes it.
struct CommandError: Error {
    var text: String

    init(_ text: String) {
        self.text = text
    }

    static let wrongType = CommandError("WRONGTYPE Operation against a key holding the wrong kind of value")
    static let notInteger = CommandError("ERR value is not an integer or out of range")
    static let notFloat = CommandError("ERR value is not a valid float")
    static let syntax = CommandError("ERR syntax error")
    static let noSuchKey = CommandError("ERR no such key")
    static let indexOutOfRange = CommandError("ERR index out of range")
    static let overflow = CommandError("ERR increment or decrement would overflow")
    static let notPositive = CommandError("ERR value is out of range, must be positive")

    static func arity(_ name: String) -> CommandError {
        CommandError("ERR wrong number of arguments for '\(name)' command")
    }

    static func invalidExpire(_ name: String) -> CommandError {
        CommandError("ERR invalid expire time in '\(name)' command")
    }

    static func unknownSubcommand(_ sub: [UInt8], _ command: String) -> CommandError {
        CommandError("ERR unknown subcommand '\(String(decoding: sub.prefix(128), as: UTF8.self))'. Try \(command) HELP.")
    }
}
