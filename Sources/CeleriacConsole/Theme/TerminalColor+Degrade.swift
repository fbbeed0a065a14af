extension TerminalColor {
    /// The closest colour a terminal of `depth` can show.
    ///
    /// The nearest-colour algorithm, step by step:
    /// - `default` stays `default` at every depth; at `.mono` every colour becomes `default`.
    /// - `.truecolor` shows everything as it is.
    /// - `.indexed256`: ANSI colours and palette indices stay as they are. `#rrggbb` becomes the
    ///   nearest entry of the 6×6×6 colour cube (16–231) or of the grey ramp (232–255), whichever
    ///   is closer. The sixteen ANSI entries (0–15) are never chosen for RGB colours because
    ///   users restyle them; the cube and ramp are fixed.
    /// - `.ansi16`: ANSI colours stay; a palette index 0–15 is that ANSI colour; any other index
    ///   or RGB value becomes the ANSI colour nearest to its RGB in xterm's default palette.
    /// - `.ansi8`: as `.ansi16`, then a bright colour becomes its normal one (bright black,
    ///   which would vanish on a black background as `black`, becomes `white`), and RGB values
    ///   search only the eight normal colours.
    ///
    /// "Nearest" is the smallest redmean distance (see `RGB.distance(to:)`); ties go to the
    /// lower index. Greys (channels within 24 of each other) are matched only against the
    /// palette's greys (black, bright black, white, bright white; black and white for 8
    /// colours) and other colours only against the chromatic entries (red … cyan and their
    /// bright forms), because a distance in RGB alone would turn a mid grey into cyan and a
    /// light green into grey.
    public func degraded(to depth: ColorDepth) -> TerminalColor {
        switch (self, depth) {
        case (.default, _): return .default
        case (_, .mono): return .default
        case (_, .truecolor): return self
        case (.ansi, .indexed256), (.indexed, .indexed256): return self
        case (.rgb(let rgb), .indexed256): return .indexed(TerminalColor.nearest256(rgb))
        case (.ansi(let ansi), .ansi16): return .ansi(ansi)
        case (.ansi(let ansi), _): return .ansi(TerminalColor.normal(ansi))
        case (.indexed(let index), .ansi16) where index < 16:
            return .ansi(ANSIColor(rawValue: Int(index)) ?? .white)
        case (.indexed(let index), .ansi8) where index < 16:
            return .ansi(TerminalColor.normal(ANSIColor(rawValue: Int(index)) ?? .white))
        case (.indexed(let index), _): return .ansi(TerminalColor.nearestANSI(RGB.xterm(index), depth: depth))
        case (.rgb(let rgb), _): return .ansi(TerminalColor.nearestANSI(rgb, depth: depth))
        }
    }

    private static func normal(_ ansi: ANSIColor) -> ANSIColor {
        ansi == .brightBlack ? .white : ansi.normal
    }

    /// The nearest of the ANSI colours a terminal of `depth` has.
    static func nearestANSI(_ rgb: RGB, depth: ColorDepth) -> ANSIColor {
        let channels = [Int(rgb.red), Int(rgb.green), Int(rgb.blue)]
        let isGrey = (channels.max() ?? 0) - (channels.min() ?? 0) <= 24
        let candidates: [ANSIColor]
        switch (isGrey, depth) {
        case (true, .ansi8): candidates = [.black, .white]
        case (true, _): candidates = [.black, .brightBlack, .white, .brightWhite]
        case (false, .ansi8): candidates = [.red, .green, .yellow, .blue, .magenta, .cyan]
        case (false, _):
            candidates = [.red, .green, .yellow, .blue, .magenta, .cyan,
                          .brightRed, .brightGreen, .brightYellow, .brightBlue, .brightMagenta, .brightCyan]
        }
        var best = candidates.first ?? .black
        var bestDistance = Int.max
        for candidate in candidates {
            let d = rgb.distance(to: candidate.rgb)
            if d < bestDistance {
                best = candidate
                bestDistance = d
            }
        }
        return best
    }

    /// The nearest palette index among the colour cube and the grey ramp.
    static func nearest256(_ rgb: RGB) -> UInt8 {
        var best: UInt8 = 16
        var bestDistance = Int.max
        for index in 16...255 {
            let d = rgb.distance(to: RGB.xterm(UInt8(index)))
            if d < bestDistance {
                best = UInt8(index)
                bestDistance = d
            }
        }
        return best
    }
}
