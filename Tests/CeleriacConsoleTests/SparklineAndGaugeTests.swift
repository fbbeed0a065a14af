import CeleriacConsole
import Testing

@Suite("Sparkline and gauge")
struct SparklineAndGaugeTests {
    @Test func sparklineScalesToTheMaximumWithNewestOnTheRight() {
        let values: [Double] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
        #expect(Sparkline.render(values, width: 9, glyphs: .unicode) == " ▁▂▃▄▅▆▇█")
        #expect(Sparkline.render(values, width: 9, glyphs: .ascii) == " _.-=+*#@")
        // Only the last `width` values, right-aligned when there are fewer.
        #expect(Sparkline.render(values, width: 3, glyphs: .unicode) == "▆▇█")
        #expect(Sparkline.render([8, 8], width: 5, glyphs: .unicode) == "   ██")
        // A fixed maximum; values above it are full; tiny values still show.
        #expect(Sparkline.render([1, 100, 0.01], width: 3, maximum: 8, glyphs: .unicode) == "▁█▁")
        #expect(Sparkline.render([0, 0], width: 2, glyphs: .unicode) == "  ")
        #expect(Sparkline.render([.nan, -3], width: 2, glyphs: .unicode) == "  ")
    }

    @Test func sparklineDrawsInItsRole() {
        var screen = Screen(width: 6, height: 1)
        Sparkline.draw([1, 2, 4, 8], in: Rect(x: 1, y: 0, width: 4, height: 1), on: &screen)
        #expect(screen.text() == " ▁▂▄█")
        #expect(screen.role(x: 4, y: 0) == .sparkline)
    }

    @Test func gaugeFillsInEighthsWithALabel() {
        var screen = Screen(width: 10, height: 2)
        Gauge(fraction: 0.55).draw(in: Rect(x: 0, y: 0, width: 10, height: 1), on: &screen)
        Gauge(fraction: 0.5, label: "5/10").draw(in: Rect(x: 0, y: 1, width: 10, height: 1), on: &screen)
        #expect(screen.lines() == ["█████▌", "███5/10"])
        #expect(screen.role(x: 0, y: 0) == .gauge)
        #expect(screen.role(x: 8, y: 0) == .gaugeEmpty)
        #expect(screen.role(x: 3, y: 1) == .gauge)
        #expect(screen.role(x: 5, y: 1) == .text)
    }

    @Test func gaugeRolesFollowThresholdsAndASCIIUsesWholeCells() {
        #expect(Gauge(fraction: 0.5).role == .gauge)
        #expect(Gauge(fraction: 0.8).role == .gaugeWarning)
        #expect(Gauge(fraction: 2).role == .gaugeCritical)
        var screen = Screen(width: 8, height: 1, charset: .ascii)
        Gauge(fraction: 0.3).draw(in: screen.bounds, on: &screen)
        #expect(screen.text() == "##......")
    }
}
