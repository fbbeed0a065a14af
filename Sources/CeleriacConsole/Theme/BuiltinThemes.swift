// Built-in copies of the theme files in the top-level `themes/` folder, so the binary works
// wherever it is installed. The files are the source of truth: a test fails when these differ
// from them, so after editing a file copy its text here verbatim.

enum BuiltinThemes {
    /// The shipped themes by name, in the order `--theme` help lists them.
    static let sources: [(name: String, text: String)] = [
        ("default", defaultTheme),
        ("light", light),
        ("high-contrast", highContrast),
        ("mono", mono),
    ]

    static let defaultTheme = #"""
    # Celeriac console theme: default (for dark terminals)
    #
    # Every style role the console draws with is mapped below, in the order of Role.swift.
    # A role is either a colour alone (the foreground) or a table:
    #   role = { fg = COLOUR, bg = COLOUR, attrs = ["bold", "dim", "underline", "reverse", "italic"] }
    # A COLOUR is "default" (the terminal's own), one of the 16 ANSI names (black red green yellow
    # blue magenta cyan white, and brightBlack ... brightWhite), a 256-colour palette index (0-255),
    # or "#rrggbb". Colours degrade to what the terminal can show (truecolor -> 256 -> 16 -> 8 ->
    # none); on a terminal without colours a role with a background is shown in reverse.
    #
    # To make your own theme, copy this file, or write only the roles you want to change and add
    #   inherits = "default"
    # at the top: every role you leave out is then taken from that theme (any theme name or path).
    # Use it with `celeriac console --theme NAME|PATH` or CELERIAC_THEME=NAME|PATH.

    name = "default"
    description = "The default theme, for terminals with a dark background."

    [roles]
    text = "default"
    dim = "brightBlack"
    header = { fg = "brightWhite", attrs = ["bold"] }
    title = { fg = "brightCyan", attrs = ["bold"] }
    border = "brightBlack"
    borderFocused = "cyan"
    timestamp = "brightBlack"
    selection = { fg = "black", bg = "cyan", attrs = ["bold"] }
    selectionInactive = { fg = "default", bg = 238 }
    marked = { fg = "brightYellow", attrs = ["bold"] }
    filterMatch = { fg = "black", bg = "yellow" }
    statusBar = { fg = "brightWhite", bg = 236 }
    statusBarAlert = { fg = "brightWhite", bg = "red", attrs = ["bold"] }
    statusBarKey = { fg = "brightYellow", bg = 236, attrs = ["bold"] }
    tabActive = { fg = "black", bg = "cyan", attrs = ["bold"] }
    tabInactive = { fg = "white", bg = 236 }
    key = { fg = "brightYellow", attrs = ["bold"] }
    treeGuide = "brightBlack"
    input = { fg = "brightWhite", bg = 235 }
    cursor = { fg = "black", bg = "brightWhite" }
    placeholder = { fg = "brightBlack", bg = 235 }
    error = { fg = "brightRed", attrs = ["bold"] }
    warning = "yellow"
    alert = { fg = "brightWhite", bg = "red", attrs = ["bold"] }
    success = "green"
    info = "cyan"
    taskPending = "brightBlack"
    taskReceived = "blue"
    taskStarted = "brightCyan"
    taskSucceeded = "green"
    taskFailed = { fg = "brightRed", attrs = ["bold"] }
    taskRetry = "yellow"
    taskRevoked = "magenta"
    taskRejected = "red"
    workerOnline = "green"
    workerOffline = { fg = "red", attrs = ["bold"] }
    workerLagging = "yellow"
    sparkline = "#5fafd7"
    gauge = "green"
    gaugeWarning = "yellow"
    gaugeCritical = { fg = "red", attrs = ["bold"] }
    gaugeEmpty = "brightBlack"
    dialog = { fg = "brightWhite", bg = 237 }
    dialogTitle = { fg = "brightCyan", bg = 237, attrs = ["bold"] }
    button = { fg = "white", bg = 239 }
    buttonActive = { fg = "black", bg = "cyan", attrs = ["bold"] }
    jsonKey = "cyan"
    jsonString = "green"
    jsonNumber = "#d7af5f"
    jsonLiteral = "magenta"
    jsonPunctuation = "brightBlack"
    traceback = "red"
    """#

    static let light = #"""
    # Celeriac console theme: light (for light terminals)
    #
    # Every style role the console draws with is mapped below, in the order of Role.swift.
    # A role is either a colour alone (the foreground) or a table:
    #   role = { fg = COLOUR, bg = COLOUR, attrs = ["bold", "dim", "underline", "reverse", "italic"] }
    # A COLOUR is "default" (the terminal's own), one of the 16 ANSI names (black red green yellow
    # blue magenta cyan white, and brightBlack ... brightWhite), a 256-colour palette index (0-255),
    # or "#rrggbb". Colours degrade to what the terminal can show (truecolor -> 256 -> 16 -> 8 ->
    # none); on a terminal without colours a role with a background is shown in reverse.
    #
    # To make your own theme, copy this file, or write only the roles you want to change and add
    #   inherits = "default"
    # at the top: every role you leave out is then taken from that theme (any theme name or path).
    # Use it with `celeriac console --theme NAME|PATH` or CELERIAC_THEME=NAME|PATH.

    name = "light"
    description = "For terminals with a light background."

    [roles]
    text = "default"
    dim = 244
    header = { fg = "black", attrs = ["bold"] }
    title = { fg = "blue", attrs = ["bold"] }
    border = 248
    borderFocused = "blue"
    timestamp = 242
    selection = { fg = "white", bg = "blue", attrs = ["bold"] }
    selectionInactive = { fg = "black", bg = 252 }
    marked = { fg = "#af5f00", attrs = ["bold"] }
    filterMatch = { fg = "black", bg = "#ffd75f" }
    statusBar = { fg = "black", bg = 252 }
    statusBarAlert = { fg = "white", bg = "red", attrs = ["bold"] }
    statusBarKey = { fg = "#005faf", bg = 252, attrs = ["bold"] }
    tabActive = { fg = "white", bg = "blue", attrs = ["bold"] }
    tabInactive = { fg = "black", bg = 252 }
    key = { fg = "#005faf", attrs = ["bold"] }
    treeGuide = 248
    input = { fg = "black", bg = 254 }
    cursor = { fg = "white", bg = "black" }
    placeholder = { fg = 244, bg = 254 }
    error = { fg = "red", attrs = ["bold"] }
    warning = "#af5f00"
    alert = { fg = "white", bg = "red", attrs = ["bold"] }
    success = "#008700"
    info = "blue"
    taskPending = 244
    taskReceived = "blue"
    taskStarted = "#005f87"
    taskSucceeded = "#008700"
    taskFailed = { fg = "red", attrs = ["bold"] }
    taskRetry = "#af5f00"
    taskRevoked = "magenta"
    taskRejected = "#870000"
    workerOnline = "#008700"
    workerOffline = { fg = "red", attrs = ["bold"] }
    workerLagging = "#af5f00"
    sparkline = "#005faf"
    gauge = "#008700"
    gaugeWarning = "#af5f00"
    gaugeCritical = { fg = "red", attrs = ["bold"] }
    gaugeEmpty = 250
    dialog = { fg = "black", bg = 254 }
    dialogTitle = { fg = "blue", bg = 254, attrs = ["bold"] }
    button = { fg = "black", bg = 250 }
    buttonActive = { fg = "white", bg = "blue", attrs = ["bold"] }
    jsonKey = "#005f87"
    jsonString = "#008700"
    jsonNumber = "#af5f00"
    jsonLiteral = "magenta"
    jsonPunctuation = 244
    traceback = "#870000"
    """#

    static let highContrast = #"""
    # Celeriac console theme: high contrast
    #
    # Every style role the console draws with is mapped below, in the order of Role.swift.
    # A role is either a colour alone (the foreground) or a table:
    #   role = { fg = COLOUR, bg = COLOUR, attrs = ["bold", "dim", "underline", "reverse", "italic"] }
    # A COLOUR is "default" (the terminal's own), one of the 16 ANSI names (black red green yellow
    # blue magenta cyan white, and brightBlack ... brightWhite), a 256-colour palette index (0-255),
    # or "#rrggbb". Colours degrade to what the terminal can show (truecolor -> 256 -> 16 -> 8 ->
    # none); on a terminal without colours a role with a background is shown in reverse.
    #
    # To make your own theme, copy this file, or write only the roles you want to change and add
    #   inherits = "default"
    # at the top: every role you leave out is then taken from that theme (any theme name or path).
    # Use it with `celeriac console --theme NAME|PATH` or CELERIAC_THEME=NAME|PATH.

    name = "high-contrast"
    description = "Bright colours on black with bold and underline, for low vision and glare."

    [roles]
    text = { fg = "brightWhite", bg = "black" }
    dim = { fg = "white", bg = "black" }
    header = { fg = "brightWhite", bg = "black", attrs = ["bold", "underline"] }
    title = { fg = "brightYellow", bg = "black", attrs = ["bold"] }
    border = { fg = "brightWhite", bg = "black" }
    borderFocused = { fg = "brightYellow", bg = "black", attrs = ["bold"] }
    timestamp = { fg = "white", bg = "black" }
    selection = { fg = "black", bg = "brightYellow", attrs = ["bold"] }
    selectionInactive = { fg = "black", bg = "white" }
    marked = { fg = "brightMagenta", bg = "black", attrs = ["bold", "underline"] }
    filterMatch = { fg = "black", bg = "brightCyan", attrs = ["bold"] }
    statusBar = { fg = "black", bg = "brightWhite", attrs = ["bold"] }
    statusBarAlert = { fg = "brightWhite", bg = "red", attrs = ["bold"] }
    statusBarKey = { fg = "blue", bg = "brightWhite", attrs = ["bold", "underline"] }
    tabActive = { fg = "black", bg = "brightYellow", attrs = ["bold"] }
    tabInactive = { fg = "brightWhite", bg = "black", attrs = ["underline"] }
    key = { fg = "brightCyan", bg = "black", attrs = ["bold"] }
    treeGuide = { fg = "white", bg = "black" }
    input = { fg = "brightWhite", bg = "black", attrs = ["underline"] }
    cursor = { fg = "black", bg = "brightWhite" }
    placeholder = { fg = "white", bg = "black" }
    error = { fg = "brightRed", bg = "black", attrs = ["bold"] }
    warning = { fg = "brightYellow", bg = "black", attrs = ["bold"] }
    alert = { fg = "brightWhite", bg = "red", attrs = ["bold"] }
    success = { fg = "brightGreen", bg = "black", attrs = ["bold"] }
    info = { fg = "brightCyan", bg = "black" }
    taskPending = { fg = "white", bg = "black" }
    taskReceived = { fg = "brightBlue", bg = "black", attrs = ["bold"] }
    taskStarted = { fg = "brightCyan", bg = "black", attrs = ["bold"] }
    taskSucceeded = { fg = "brightGreen", bg = "black", attrs = ["bold"] }
    taskFailed = { fg = "brightRed", bg = "black", attrs = ["bold", "underline"] }
    taskRetry = { fg = "brightYellow", bg = "black", attrs = ["bold"] }
    taskRevoked = { fg = "brightMagenta", bg = "black", attrs = ["bold"] }
    taskRejected = { fg = "brightRed", bg = "black", attrs = ["bold"] }
    workerOnline = { fg = "brightGreen", bg = "black", attrs = ["bold"] }
    workerOffline = { fg = "brightRed", bg = "black", attrs = ["bold", "underline"] }
    workerLagging = { fg = "brightYellow", bg = "black", attrs = ["bold"] }
    sparkline = { fg = "brightCyan", bg = "black" }
    gauge = { fg = "brightGreen", bg = "black" }
    gaugeWarning = { fg = "brightYellow", bg = "black" }
    gaugeCritical = { fg = "brightRed", bg = "black", attrs = ["bold"] }
    gaugeEmpty = { fg = "white", bg = "black" }
    dialog = { fg = "brightWhite", bg = "black" }
    dialogTitle = { fg = "brightYellow", bg = "black", attrs = ["bold"] }
    button = { fg = "brightWhite", bg = "black", attrs = ["underline"] }
    buttonActive = { fg = "black", bg = "brightYellow", attrs = ["bold"] }
    jsonKey = { fg = "brightCyan", bg = "black", attrs = ["bold"] }
    jsonString = { fg = "brightGreen", bg = "black" }
    jsonNumber = { fg = "brightYellow", bg = "black" }
    jsonLiteral = { fg = "brightMagenta", bg = "black" }
    jsonPunctuation = { fg = "white", bg = "black" }
    traceback = { fg = "brightRed", bg = "black" }
    """#

    static let mono = #"""
    # Celeriac console theme: monochrome (used when NO_COLOR is set)
    #
    # Every style role the console draws with is mapped below, in the order of Role.swift.
    # A role is either a colour alone (the foreground) or a table:
    #   role = { fg = COLOUR, bg = COLOUR, attrs = ["bold", "dim", "underline", "reverse", "italic"] }
    # A COLOUR is "default" (the terminal's own), one of the 16 ANSI names (black red green yellow
    # blue magenta cyan white, and brightBlack ... brightWhite), a 256-colour palette index (0-255),
    # or "#rrggbb". Colours degrade to what the terminal can show (truecolor -> 256 -> 16 -> 8 ->
    # none); on a terminal without colours a role with a background is shown in reverse.
    #
    # To make your own theme, copy this file, or write only the roles you want to change and add
    #   inherits = "default"
    # at the top: every role you leave out is then taken from that theme (any theme name or path).
    # Use it with `celeriac console --theme NAME|PATH` or CELERIAC_THEME=NAME|PATH.

    name = "mono"
    description = "No colours: bold, dim, underline and reverse only."

    [roles]
    text = { fg = "default", bg = "default" }
    dim = { fg = "default", bg = "default", attrs = ["dim"] }
    header = { fg = "default", bg = "default", attrs = ["bold", "underline"] }
    title = { fg = "default", bg = "default", attrs = ["bold"] }
    border = { fg = "default", bg = "default" }
    borderFocused = { fg = "default", bg = "default", attrs = ["bold"] }
    timestamp = { fg = "default", bg = "default", attrs = ["dim"] }
    selection = { fg = "default", bg = "default", attrs = ["reverse"] }
    selectionInactive = { fg = "default", bg = "default", attrs = ["reverse", "dim"] }
    marked = { fg = "default", bg = "default", attrs = ["bold", "underline"] }
    filterMatch = { fg = "default", bg = "default", attrs = ["underline"] }
    statusBar = { fg = "default", bg = "default", attrs = ["reverse"] }
    statusBarAlert = { fg = "default", bg = "default", attrs = ["reverse", "bold"] }
    statusBarKey = { fg = "default", bg = "default", attrs = ["reverse", "bold"] }
    tabActive = { fg = "default", bg = "default", attrs = ["reverse", "bold"] }
    tabInactive = { fg = "default", bg = "default", attrs = ["dim"] }
    key = { fg = "default", bg = "default", attrs = ["bold"] }
    treeGuide = { fg = "default", bg = "default", attrs = ["dim"] }
    input = { fg = "default", bg = "default", attrs = ["underline"] }
    cursor = { fg = "default", bg = "default", attrs = ["reverse"] }
    placeholder = { fg = "default", bg = "default", attrs = ["dim"] }
    error = { fg = "default", bg = "default", attrs = ["bold"] }
    warning = { fg = "default", bg = "default", attrs = ["bold"] }
    alert = { fg = "default", bg = "default", attrs = ["reverse", "bold"] }
    success = { fg = "default", bg = "default" }
    info = { fg = "default", bg = "default" }
    taskPending = { fg = "default", bg = "default", attrs = ["dim"] }
    taskReceived = { fg = "default", bg = "default" }
    taskStarted = { fg = "default", bg = "default", attrs = ["bold"] }
    taskSucceeded = { fg = "default", bg = "default" }
    taskFailed = { fg = "default", bg = "default", attrs = ["bold", "underline"] }
    taskRetry = { fg = "default", bg = "default", attrs = ["underline"] }
    taskRevoked = { fg = "default", bg = "default", attrs = ["dim", "underline"] }
    taskRejected = { fg = "default", bg = "default", attrs = ["bold"] }
    workerOnline = { fg = "default", bg = "default" }
    workerOffline = { fg = "default", bg = "default", attrs = ["bold", "underline"] }
    workerLagging = { fg = "default", bg = "default", attrs = ["underline"] }
    sparkline = { fg = "default", bg = "default" }
    gauge = { fg = "default", bg = "default", attrs = ["reverse"] }
    gaugeWarning = { fg = "default", bg = "default", attrs = ["reverse", "bold"] }
    gaugeCritical = { fg = "default", bg = "default", attrs = ["reverse", "bold", "underline"] }
    gaugeEmpty = { fg = "default", bg = "default", attrs = ["dim"] }
    dialog = { fg = "default", bg = "default" }
    dialogTitle = { fg = "default", bg = "default", attrs = ["bold"] }
    button = { fg = "default", bg = "default" }
    buttonActive = { fg = "default", bg = "default", attrs = ["reverse", "bold"] }
    jsonKey = { fg = "default", bg = "default", attrs = ["bold"] }
    jsonString = { fg = "default", bg = "default" }
    jsonNumber = { fg = "default", bg = "default" }
    jsonLiteral = { fg = "default", bg = "default", attrs = ["italic"] }
    jsonPunctuation = { fg = "default", bg = "default", attrs = ["dim"] }
    traceback = { fg = "default", bg = "default" }
    """#
}
