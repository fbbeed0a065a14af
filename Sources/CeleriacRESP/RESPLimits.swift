/// Bounds the parser enforces so that no input can make it allocate without limit or recurse
/// without end. Every bound produces a typed error when crossed.
public struct RESPLimits: Sendable, Hashable {
    /// Largest bulk string or verbatim string, in bytes (Redis's `proto-max-bulk-len`, 512 MB).
    public var maxBulkLength: Int
    /// Deepest nesting of aggregates.
    public var maxDepth: Int
    /// Most elements in one aggregate (Redis allows 1024*1024 in a multibulk request).
    public var maxElements: Int
    /// Longest line: a simple string, an error, an integer, a type header, or an inline command.
    public var maxLineLength: Int

    public init(
        maxBulkLength: Int = 512 * 1024 * 1024,
        maxDepth: Int = 128,
        maxElements: Int = 1024 * 1024,
        maxLineLength: Int = 64 * 1024
    ) {
        self.maxBulkLength = maxBulkLength
        self.maxDepth = maxDepth
        self.maxElements = maxElements
        self.maxLineLength = maxLineLength
    }

    public static let `default` = RESPLimits()
}
