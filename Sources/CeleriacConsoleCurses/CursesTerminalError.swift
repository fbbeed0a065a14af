/// Why the console cannot take over the terminal. Each message says what to do instead of
/// drawing garbage on a terminal that cannot show the console.
public struct CursesTerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// `TERM` is not set.
        public static let termUnset = Code("termUnset")
        /// `TERM` is `dumb` (or another type that cannot address the cursor).
        public static let dumbTerminal = Code("dumbTerminal")
        /// Standard input or output is not a terminal (a pipe, a file, a CI log).
        public static let notATerminal = Code("notATerminal")
        /// ncurses does not know the terminal type or could not start.
        public static let initFailed = Code("initFailed")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
