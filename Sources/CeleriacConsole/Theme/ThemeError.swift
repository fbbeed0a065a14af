/// A theme that could not be found or loaded. The description names the file, the line and the
/// key, like a compiler: `themes/bad.toml:12: roles.selecton: unknown role "selecton"`.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case syntax, unknownKey, unknownRole, badColor, badAttribute, wrongType, missingRoles
            case notFound, unreadable, inheritanceCycle
        }

        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        public var description: String { kind.rawValue }

        /// The file is not valid TOML.
        public static let syntax = Code(.syntax)
        /// A key the theme format does not have.
        public static let unknownKey = Code(.unknownKey)
        /// A key in `[roles]` that is not a `Role`.
        public static let unknownRole = Code(.unknownRole)
        /// A colour that is none of the accepted forms.
        public static let badColor = Code(.badColor)
        /// An attribute name that does not exist.
        public static let badAttribute = Code(.badAttribute)
        /// A value of the wrong TOML type.
        public static let wrongType = Code(.wrongType)
        /// A theme without `inherits` that leaves roles out.
        public static let missingRoles = Code(.missingRoles)
        /// No theme of that name or path.
        public static let notFound = Code(.notFound)
        /// The file exists but cannot be read as UTF-8 text.
        public static let unreadable = Code(.unreadable)
        /// Themes that inherit from each other in a loop.
        public static let inheritanceCycle = Code(.inheritanceCycle)
    }

    /// The kind of problem.
    public var code: Code
    /// The theme file (path, or `built-in NAME`).
    public var file: String
    /// The 1-based line the problem is on, when it is known.
    public var line: Int?
    /// The dotted key the problem is about (`roles.selection.bg`), when there is one.
    public var key: String?
    /// What is wrong and, where it helps, what would be right.
    public var message: String

    public init(_ code: Code, file: String, line: Int? = nil, key: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}
