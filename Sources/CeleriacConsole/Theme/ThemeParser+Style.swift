import TOMLKit

extension ThemeParser.Context {
    private static let styleKeys = ["fg", "bg", "attrs"]

    /// A role's style: a colour string (the foreground) or a table of `fg`, `bg` and `attrs`.
    func style(_ value: (any TOMLValueConvertible)?, at path: [String]) throws(ThemeError) -> Style {
        guard let value else { return .plain }
        if value.string != nil || value.int != nil {
            return Style(foreground: try color(value, at: path))
        }
        guard let table = value.table else {
            throw error(.wrongType, path, "a role takes a colour string or a table like { fg = \"white\", bg = \"blue\", attrs = [\"bold\"] }")
        }
        var style = Style()
        for key in ordered(table.keys, under: path) where !Self.styleKeys.contains(key) {
            throw error(.unknownKey, path + [key], "unknown key \"\(key)\" (a role has fg, bg and attrs)")
        }
        if let fg = table["fg"] { style.foreground = try color(fg, at: path + ["fg"]) }
        if let bg = table["bg"] { style.background = try color(bg, at: path + ["bg"]) }
        if let attrs = table["attrs"] { style.attributes = try attributes(attrs, at: path + ["attrs"]) }
        return style
    }

    private func color(_ value: any TOMLValueConvertible, at path: [String]) throws(ThemeError) -> TerminalColor {
        if let index = value.int {
            guard (0...255).contains(index) else {
                throw error(.badColor, path, "colour index \(index) is out of range (0-255)")
            }
            return .indexed(UInt8(index))
        }
        guard let text = value.string else {
            throw error(.badColor, path, "a colour must be a string or a palette index")
        }
        guard let color = TerminalColor(parsing: text) else {
            throw error(.badColor, path, "bad colour \"\(text)\" (use default, an ANSI name such as red or "
                        + "brightBlack, a palette index 0-255, or #rrggbb)")
        }
        return color
    }

    private func attributes(_ value: any TOMLValueConvertible, at path: [String]) throws(ThemeError) -> TextAttributes {
        guard let array = value.array else {
            throw error(.wrongType, path, "attrs must be an array such as [\"bold\", \"underline\"]")
        }
        var result: TextAttributes = []
        for element in array {
            guard let name = element.string,
                  let match = TextAttributes.named.first(where: { $0.name == name.lowercased() }) else {
                throw error(.badAttribute, path, "unknown attribute \(element) (use "
                            + TextAttributes.named.map(\.name).joined(separator: ", ") + ")")
            }
            result.insert(match.attribute)
        }
        return result
    }
}
