import CeleriacConsole
import Testing

@Suite("Rect layout")
struct RectTests {
    let screen = Rect(x: 0, y: 0, width: 80, height: 24)

    @Test func insetShrinksEverySideAndNeverGoesNegative() {
        #expect(screen.inset(by: 1) == Rect(x: 1, y: 1, width: 78, height: 22))
        #expect(screen.inset(top: 2, left: 3) == Rect(x: 3, y: 2, width: 77, height: 22))
        #expect(Rect(x: 0, y: 0, width: 3, height: 3).inset(by: 5).isEmpty)
    }

    @Test func splitRowsGivesFixedPartsFirstAndTheRestToFill() {
        let parts = screen.splitRows([.fixed(1), .fill, .fixed(1)])
        #expect(parts == [
            Rect(x: 0, y: 0, width: 80, height: 1),
            Rect(x: 0, y: 1, width: 80, height: 22),
            Rect(x: 0, y: 23, width: 80, height: 1),
        ])
    }

    @Test func splitColumnsByFractionAndWeights() {
        let parts = screen.splitColumns([.fraction(0.25), .fill(weight: 1), .fill(weight: 2)])
        #expect(parts.map(\.width) == [20, 20, 40])
        #expect(parts.map(\.x) == [0, 20, 40])
        // Rounding leftovers go to the last fill part so the parts cover the whole width.
        let odd = Rect(x: 0, y: 0, width: 10, height: 1).splitColumns([.fill, .fill, .fill])
        #expect(odd.map(\.width) == [3, 3, 4])
    }

    @Test func overflowingFixedPartsShrinkFromTheEnd() {
        let parts = Rect(x: 0, y: 0, width: 10, height: 5).splitRows([.fixed(3), .fixed(4), .fill, .fixed(2)])
        #expect(parts.map(\.height) == [3, 2, 0, 0])
    }

    @Test func intersectionAndContainment() {
        let a = Rect(x: 2, y: 2, width: 5, height: 5)
        #expect(a.intersection(Rect(x: 5, y: 5, width: 10, height: 10)) == Rect(x: 5, y: 5, width: 2, height: 2))
        #expect(a.intersection(Rect(x: 20, y: 20, width: 1, height: 1)).isEmpty)
        #expect(a.contains(x: 2, y: 6))
        #expect(!a.contains(x: 7, y: 2))
        #expect(screen.centered(width: 10, height: 4) == Rect(x: 35, y: 10, width: 10, height: 4))
    }
}
