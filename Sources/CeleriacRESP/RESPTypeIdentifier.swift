/// The first byte of every RESP frame.
public enum RESPTypeIdentifier: UInt8, Sendable, CaseIterable {
    case simpleString = 43  // +
    case simpleError = 45  // -
    case integer = 58  // :
    case bulkString = 36  // $
    case array = 42  // *
    case null = 95  // _
    case boolean = 35  // #
    case double = 44  // ,
    case bigNumber = 40  // (
    case bulkError = 33  // !
    case verbatimString = 61  // =
    case map = 37  // %
    case set = 126  // ~
    case attribute = 124  // |
    case push = 62  // >
}
