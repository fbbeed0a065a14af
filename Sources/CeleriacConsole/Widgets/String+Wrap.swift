import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension String {
    /// The text broken into lines of at most `width` columns: at spaces where possible, inside a
    /// word only when the word alone is too wide. Existing line breaks and runs of spaces
    /// (indentation) are kept, the space a line is broken at is dropped, and tabs become four
    /// spaces. An empty text is one empty line.
    public func wrapped(toWidth width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        let expanded = replacingScalar("\t", with: "    ")
        for paragraph in expanded.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            var started = false
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                let wordWidth = word.displayWidth
                if started, lineWidth > 0, lineWidth + 1 + wordWidth > width {
                    result.append(line)
                    line = ""
                    lineWidth = 0
                    started = false
                }
                if started {
                    line.append(" ")
                    lineWidth += 1
                }
                for character in word {
                    let w = character.displayWidth
                    if lineWidth + w > width, lineWidth > 0 {
                        result.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    line.append(character)
                    lineWidth += w
                }
                started = true
            }
            result.append(line)
        }
        return result
    }
}
