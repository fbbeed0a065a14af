/// Bytes from a pool pipe that are not a valid frame. The parent kills a child that sends
/// them; a child exits when its parent does.
public struct PoolFrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Sendable, Hashable {
        /// The length prefix is zero or above the frame limit.
        case badLength
        /// The kind byte names no frame.
        case unknownKind
        /// The body does not hold what its kind needs.
        case badPayload
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "pool frame \(code.rawValue): \(message)" }
}
