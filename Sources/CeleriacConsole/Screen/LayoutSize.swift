/// How much of a rectangle one part of a split takes.
///
/// `Rect.splitRows` and `Rect.splitColumns` first give `.fixed` parts their cells, then
/// `.fraction` parts their share of the whole, and finally share what is left between the
/// `.fill` parts by weight. Parts that do not fit are shrunk from the end, so the first parts of a
/// layout (usually the important ones) keep their size on small terminals.
public enum LayoutSize: Hashable, Sendable {
    /// Exactly this many cells.
    case fixed(Int)
    /// This fraction (0…1) of the whole length, rounded down.
    case fraction(Double)
    /// A share of whatever the other parts leave, proportional to the weight.
    case fill(weight: Int = 1)

    /// `.fill(weight: 1)`.
    public static var fill: LayoutSize { .fill(weight: 1) }
}
