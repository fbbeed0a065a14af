/// Stores each distinct string once and hands out small indices: task names, worker
/// hostnames and queue names repeat across thousands of tasks.
public struct StringInterner: Hashable, Sendable {
    public private(set) var strings: [String] = []
    private var indices: [String: Int32] = [:]

    public init() {}

    /// The index of `text`, adding it when new.
    public mutating func intern(_ text: String) -> Int32 {
        if let index = indices[text] { return index }
        let index = Int32(strings.count)
        strings.append(text)
        indices[text] = index
        return index
    }

    /// The index of `text` if it was interned.
    public func index(of text: String) -> Int32? { indices[text] }

    /// The string at `index`, or nil for -1 and unknown indices.
    public subscript(index: Int32) -> String? {
        index >= 0 && Int(index) < strings.count ? strings[Int(index)] : nil
    }
}
