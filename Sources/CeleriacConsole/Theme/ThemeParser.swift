import TOMLKit

/// Turns the text of a theme file into a `Theme`.
///
/// The format (the shipped files in `themes/` are the reference):
/// ```toml
/// name = "mine"              # optional; defaults to the file name
/// inherits = "default"       # optional; roles left out come from that theme
/// [roles]
/// text = "white"             # a colour alone sets the foreground
/// selection = { fg = "black", bg = "#5fafd7", attrs = ["bold"] }
/// ```
/// Without `inherits` the theme must map every role.
struct ThemeParser {
    /// Where the text came from, for error messages.
    var file: String
    /// Loads the parent theme of `inherits = NAME`.
    var loadParent: (String) throws(ThemeError) -> Theme

    private static let topLevelKeys: Set<String> = ["name", "inherits", "description", "roles"]

    func parse(_ text: String, defaultName: String) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(.syntax, file: file, line: error.source.begin.line,
                             message: "TOML syntax error: \(error.description)")
        } catch {
            throw ThemeError(.syntax, file: file, message: "TOML syntax error: \(error)")
        }
        let context = Context(file: file, locator: TOMLLineLocator(text))

        for key in context.ordered(table.keys, under: []) where !ThemeParser.topLevelKeys.contains(key) {
            throw context.error(.unknownKey, [key],
                                "unknown key \"\(key)\" (a theme has name, inherits, description and [roles])")
        }
        let name = try context.string(table["name"], at: ["name"]) ?? defaultName
        let parentName = try context.string(table["inherits"], at: ["inherits"])
        _ = try context.string(table["description"], at: ["description"])

        var styles: [Role: Style] = [:]
        if let rolesValue = table["roles"] {
            guard let roles = rolesValue.table else {
                throw context.error(.wrongType, ["roles"], "roles must be a table ([roles])")
            }
            for key in context.ordered(roles.keys, under: ["roles"]) {
                let path = ["roles", key]
                guard let role = Role(rawValue: key) else {
                    throw context.error(.unknownRole, path, "unknown role \"\(key)\"\(Role.suggestion(for: key))")
                }
                styles[role] = try context.style(roles[key], at: path)
            }
        }

        guard let parentName else {
            let missing = Role.allCases.filter { styles[$0] == nil }
            guard missing.isEmpty else {
                throw context.error(.missingRoles, ["roles"],
                                    "roles missing: \(missing.map(\.rawValue).joined(separator: ", ")) "
                                    + "(map every role, or add inherits = \"default\" to take the rest from default)")
            }
            return Theme(name: name, styles: styles)
        }
        do throws(ThemeError) {
            return Theme(name: name, styles: styles, base: try loadParent(parentName))
        } catch where error.file == file && error.line == nil {
            // Errors about this file's `inherits` get the line of the key.
            var located = error
            located.line = context.locator.line(of: ["inherits"])
            throw located
        }
    }
}

extension ThemeParser {
    /// What the value readers need to report an error at the right line.
    struct Context {
        var file: String
        var locator: TOMLLineLocator

        func error(_ code: ThemeError.Code, _ path: [String], _ message: String) -> ThemeError {
            ThemeError(code, file: file, line: locator.line(of: path), key: path.joined(separator: "."), message: message)
        }

        /// Keys in file order, so the first error reported is the first one in the file.
        func ordered(_ keys: [String], under prefix: [String]) -> [String] {
            keys.sorted {
                (locator.line(of: prefix + [$0]) ?? Int.max, $0) < (locator.line(of: prefix + [$1]) ?? Int.max, $1)
            }
        }

        func string(_ value: (any TOMLValueConvertible)?, at path: [String]) throws(ThemeError) -> String? {
            guard let value else { return nil }
            guard let text = value.string else { throw error(.wrongType, path, "must be a string") }
            return text
        }
    }
}
