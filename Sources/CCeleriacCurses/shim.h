// The C side of the console's terminal backend. Swift cannot see ncurses' function-like macros
// (COLOR_PAIR, KEY_F, A_BOLD, mouse masks) and must not touch its mutable globals (stdscr,
// COLS, LINES, COLORS, COLOR_PAIRS) directly under strict concurrency, so everything it needs is
// wrapped here in static inline functions. Only CeleriacConsoleCurses imports this module.
#ifndef CCELERIAC_CURSES_SHIM_H
#define CCELERIAC_CURSES_SHIM_H

// Wide-character curses (cchar_t, wget_wch, waddnwstr) needs this before the first include.
#define _XOPEN_SOURCE_EXTENDED 1
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncurses.h>

// Globals.
static inline FILE *celeriac_stdin(void) { return stdin; }
static inline FILE *celeriac_stdout(void) { return stdout; }
static inline WINDOW *celeriac_stdscr(void) { return stdscr; }
static inline int celeriac_colors(void) { return COLORS; }
static inline int celeriac_color_pairs(void) { return COLOR_PAIRS; }
static inline int celeriac_width(WINDOW *window) { return getmaxx(window); }
static inline int celeriac_height(WINDOW *window) { return getmaxy(window); }

// Attributes.
static inline attr_t celeriac_a_normal(void) { return A_NORMAL; }
static inline attr_t celeriac_a_bold(void) { return A_BOLD; }
static inline attr_t celeriac_a_dim(void) { return A_DIM; }
static inline attr_t celeriac_a_underline(void) { return A_UNDERLINE; }
static inline attr_t celeriac_a_reverse(void) { return A_REVERSE; }
static inline attr_t celeriac_a_italic(void) {
#ifdef A_ITALIC
    return A_ITALIC;
#else
    return A_NORMAL;
#endif
}

// Drawing with an attribute set and a colour pair.
static inline int celeriac_attr_set(WINDOW *window, attr_t attributes, short pair) {
    return wattr_set(window, attributes, pair, NULL);
}

// Keys (return codes of wget_wch and the KEY_* codes).
static inline int celeriac_ok(void) { return OK; }
static inline int celeriac_err(void) { return ERR; }
static inline int celeriac_key_code_yes(void) { return KEY_CODE_YES; }
static inline int celeriac_key_up(void) { return KEY_UP; }
static inline int celeriac_key_down(void) { return KEY_DOWN; }
static inline int celeriac_key_left(void) { return KEY_LEFT; }
static inline int celeriac_key_right(void) { return KEY_RIGHT; }
static inline int celeriac_key_home(void) { return KEY_HOME; }
static inline int celeriac_key_end(void) { return KEY_END; }
static inline int celeriac_key_ppage(void) { return KEY_PPAGE; }
static inline int celeriac_key_npage(void) { return KEY_NPAGE; }
static inline int celeriac_key_enter(void) { return KEY_ENTER; }
static inline int celeriac_key_backspace(void) { return KEY_BACKSPACE; }
static inline int celeriac_key_dc(void) { return KEY_DC; }
static inline int celeriac_key_ic(void) { return KEY_IC; }
static inline int celeriac_key_btab(void) { return KEY_BTAB; }
static inline int celeriac_key_resize(void) { return KEY_RESIZE; }
static inline int celeriac_key_mouse(void) { return KEY_MOUSE; }
static inline int celeriac_key_f(int n) { return KEY_F(n); }

// Mouse.
static inline mmask_t celeriac_mouse_mask_wanted(void) {
    mmask_t mask = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON3_PRESSED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    mask |= BUTTON5_PRESSED;
#endif
    return mask;
}
static inline mmask_t celeriac_button1(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED; }
static inline mmask_t celeriac_button3(void) { return BUTTON3_PRESSED | BUTTON3_CLICKED | BUTTON3_RELEASED; }
static inline mmask_t celeriac_wheel_up(void) { return BUTTON4_PRESSED; }
static inline mmask_t celeriac_wheel_down(void) {
#ifdef BUTTON5_PRESSED
    return BUTTON5_PRESSED;
#else
    return 0;
#endif
}

// Locale.
static inline const char *celeriac_codeset(void) { return nl_langinfo(CODESET); }

#endif
