// SPDX-License-Identifier: BSD-2-Clause
/* The shell's line editor: a state machine fed one byte at a time.
 *
 * Model: the cursor is always at the end of the line (no left/right
 * editing), so the screen is kept equal to "prompt + line" with nothing but
 * printable characters, "\b \b" (erase one) and "\r\n" (line done); any
 * terminal, even a dumb one, shows it right. Replacing the line (Ctrl-U,
 * history) erases it character by character and prints the new text.
 *
 * Escape sequences: ESC starts one; ESC [ (CSI) takes parameter and
 * intermediate bytes up to a final byte 0x40..0x7e, ESC O (SS3) one final
 * byte. Only A (up) and B (down) mean something; every other sequence is
 * swallowed whole. A control byte inside a sequence, or a sequence longer
 * than ESC_MAX_BYTES, ends it and the byte is handled as usual, so stray
 * escapes can never wedge the editor.
 *
 * History: a ring of the last KAAL_SHELL_HISTORY non-empty lines (a line
 * equal to the newest is not added twice). Browsing saves the line being
 * typed as the draft and brings it back when walking down past the newest.
 *
 * Invariants: see kaal_lineedit_t in <kaal/shell.h>.
 */
#include <kaal/shell.h>
#include <kaal/string.h>

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };
#define ESC_MAX_BYTES 16

#define CTRL_C 0x03
#define BACKSPACE 0x08
#define CTRL_U 0x15
#define ESCAPE 0x1b
#define DEL 0x7f

static void echo(kaal_lineedit_t *le, const char *s, size_t n)
{
    if (le->write != NULL && n > 0)
        le->write(le->ctx, s, n);
}

void kaal_lineedit_init(kaal_lineedit_t *le, kaal_shell_write_fn write, void *ctx)
{
    memset(le, 0, sizeof(*le));
    le->write = write;
    le->ctx = ctx;
}

const char *kaal_lineedit_line(const kaal_lineedit_t *le)
{
    return le->done;
}

static void erase_line(kaal_lineedit_t *le)
{
    while (le->len > 0) {
        echo(le, "\b \b", 3);
        le->line[--le->len] = '\0';
    }
}

static void replace_line(kaal_lineedit_t *le, const char *text)
{
    erase_line(le);
    size_t n = strnlen(text, KAAL_SHELL_LINE_MAX - 1);
    memcpy(le->line, text, n);
    le->line[n] = '\0';
    le->len = n;
    echo(le, le->line, n);
}

/* The k-th newest history entry, k >= 1. */
static const char *history_entry(const kaal_lineedit_t *le, unsigned k)
{
    return le->history[(le->hist_newest + KAAL_SHELL_HISTORY - (k - 1)) % KAAL_SHELL_HISTORY];
}

static void history_add(kaal_lineedit_t *le, const char *line)
{
    if (line[0] == '\0' || (le->hist_count > 0 && strcmp(history_entry(le, 1), line) == 0))
        return;
    le->hist_newest = (le->hist_newest + 1) % KAAL_SHELL_HISTORY;
    memcpy(le->history[le->hist_newest], line, KAAL_SHELL_LINE_MAX);
    if (le->hist_count < KAAL_SHELL_HISTORY)
        le->hist_count++;
}

static void history_up(kaal_lineedit_t *le)
{
    if (le->hist_pos == le->hist_count) {
        echo(le, "\a", 1);
        return;
    }
    if (le->hist_pos == 0)
        memcpy(le->draft, le->line, KAAL_SHELL_LINE_MAX);
    le->hist_pos++;
    replace_line(le, history_entry(le, le->hist_pos));
}

static void history_down(kaal_lineedit_t *le)
{
    if (le->hist_pos == 0) {
        echo(le, "\a", 1);
        return;
    }
    le->hist_pos--;
    replace_line(le, le->hist_pos == 0 ? le->draft : history_entry(le, le->hist_pos));
}

/* Feeds a byte to the escape parser; true if it was consumed. */
static bool feed_escape(kaal_lineedit_t *le, uint8_t byte)
{
    if (le->esc == ESC_NONE)
        return false;
    if (byte < 0x20 || ++le->esc_len > ESC_MAX_BYTES) {
        le->esc = ESC_NONE; /* broken sequence: the byte is handled as usual */
        return false;
    }
    if (le->esc == ESC_START) {
        le->esc = byte == '[' ? ESC_CSI : byte == 'O' ? ESC_SS3 : ESC_NONE;
        return true;
    }
    if (le->esc == ESC_CSI && byte >= 0x20 && byte <= 0x3f)
        return true; /* parameter or intermediate byte */
    le->esc = ESC_NONE;
    if (byte == 'A')
        history_up(le);
    else if (byte == 'B')
        history_down(le);
    return true;
}

kaal_line_status_t kaal_lineedit_feed(kaal_lineedit_t *le, uint8_t byte)
{
    bool was_cr = le->last_was_cr;
    le->last_was_cr = false;
    if (feed_escape(le, byte))
        return KAAL_LINE_EDITING;
    switch (byte) {
    case '\n':
        if (was_cr)
            return KAAL_LINE_EDITING; /* the LF of CR LF */
        /* fall through */
    case '\r':
        le->last_was_cr = byte == '\r';
        echo(le, "\r\n", 2);
        memcpy(le->done, le->line, KAAL_SHELL_LINE_MAX);
        history_add(le, le->line);
        le->hist_pos = 0;
        memset(le->line, 0, sizeof(le->line));
        le->len = 0;
        return KAAL_LINE_READY;
    case CTRL_C:
        echo(le, "^C\r\n", 4);
        memset(le->line, 0, sizeof(le->line));
        le->len = 0;
        le->hist_pos = 0;
        return KAAL_LINE_CANCELLED;
    case CTRL_U: erase_line(le); return KAAL_LINE_EDITING;
    case BACKSPACE:
    case DEL:
        if (le->len > 0) {
            le->line[--le->len] = '\0';
            echo(le, "\b \b", 3);
        }
        return KAAL_LINE_EDITING;
    case ESCAPE:
        le->esc = ESC_START;
        le->esc_len = 0;
        return KAAL_LINE_EDITING;
    default: break;
    }
    if (byte < 0x20 || byte > 0x7e)
        return KAAL_LINE_EDITING; /* other controls, non-ASCII: ignored */
    if (le->len == KAAL_SHELL_LINE_MAX - 1) {
        echo(le, "\a", 1);
        return KAAL_LINE_EDITING;
    }
    le->line[le->len++] = (char)byte;
    le->line[le->len] = '\0';
    echo(le, (const char *)&byte, 1);
    return KAAL_LINE_EDITING;
}
