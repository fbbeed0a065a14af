/// Which characters a screen may draw with.
///
/// `.unicode` is for UTF-8 terminals; `.ascii` is for everything else: box lines become `+-|`,
/// sparklines use an ASCII ramp, and any non-ASCII text is drawn as `?` so that the screen never
/// sends bytes the terminal would misread.
public enum Charset: Hashable, Sendable {
    case unicode
    case ascii
}
