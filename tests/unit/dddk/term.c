// SPDX-License-Identifier: BSD-2-Clause
/* A dumb terminal for the shell's host tests: printable ASCII is drawn at
 * the cursor, "\r" goes to column 0, "\n" one row down (scrolling at the
 * bottom), "\b" one column left, "\a" rings the bell. Any other control
 * byte is counted as bad: the line editor promises not to send any. The
 * tests compare what the screen shows, not the byte stream. */
#include "term.h"

#include <string.h>

static void clear_row(term_t *t, int r)
{
    memset(t->rows[r], ' ', TERM_COLS);
    t->rows[r][TERM_COLS] = '\0';
}

void term_init(term_t *t)
{
    memset(t, 0, sizeof(*t));
    for (int r = 0; r < TERM_ROWS; r++)
        clear_row(t, r);
}

static void put(term_t *t, char c)
{
    if (t->raw_len + 1 < sizeof(t->raw)) {
        t->raw[t->raw_len++] = c;
        t->raw[t->raw_len] = '\0';
    }
    switch (c) {
    case '\r': t->col = 0; return;
    case '\n':
        if (t->row == TERM_ROWS - 1) {
            memmove(t->rows[0], t->rows[1], sizeof(t->rows[0]) * (TERM_ROWS - 1));
            clear_row(t, TERM_ROWS - 1);
            t->scrolled++;
        } else {
            t->row++;
        }
        return;
    case '\b':
        if (t->col > 0)
            t->col--;
        return;
    case '\a': t->bells++; return;
    default: break;
    }
    if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e) {
        t->bad_controls++;
        return;
    }
    if (t->col < TERM_COLS)
        t->rows[t->row][t->col++] = c;
}

void term_write(void *ctx, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(ctx, bytes[i]);
}

const char *term_line(term_t *t, int r)
{
    static char buf[TERM_COLS + 1];
    int row = t->row + r;
    if (row < 0 || row >= TERM_ROWS)
        return "";
    memcpy(buf, t->rows[row], sizeof(buf));
    size_t n = TERM_COLS;
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}
