// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer target for the shell's line editor: any byte stream. After
 * every byte the editor's invariants hold (the line fits its buffer, is
 * NUL-terminated printable ASCII, history indices are in range) and the
 * dumb-terminal screen shows exactly the line being edited; the editor
 * never sends a control byte other than \r \n \b \a. Afterwards, Ctrl-C
 * and a fresh line always work: the editor is back in a sane state. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/shell.h>

#include "dddk/term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(kaal_lineedit_t *le, term_t *t)
{
    if (le->len >= KAAL_SHELL_LINE_MAX || le->line[le->len] != '\0' || strlen(le->line) != le->len)
        abort();
    for (size_t i = 0; i < le->len; i++)
        if (le->line[i] < 0x20 || le->line[i] > 0x7e)
            abort();
    if (le->hist_count > KAAL_SHELL_HISTORY || le->hist_pos > le->hist_count ||
        le->hist_newest >= KAAL_SHELL_HISTORY)
        abort();
    if (t->bad_controls != 0)
        abort();
    /* The screen row holds the line (the editor draws no prompt itself). */
    if ((size_t)t->col != le->len || memcmp(t->rows[t->row], le->line, le->len) != 0)
        abort();
    static char spaces[TERM_COLS];
    if (spaces[0] != ' ')
        memset(spaces, ' ', sizeof(spaces));
    if (memcmp(t->rows[t->row] + le->len, spaces, TERM_COLS - le->len) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kaal_lineedit_t le;
    static term_t term;
    term_init(&term);
    kaal_lineedit_init(&le, term_write, &term);
    for (size_t i = 0; i < size; i++) {
        kaal_line_status_t st = kaal_lineedit_feed(&le, data[i]);
        if (st == KAAL_LINE_READY && strlen(kaal_lineedit_line(&le)) >= KAAL_SHELL_LINE_MAX)
            abort();
        check(&le, &term);
    }
    /* back to sane: Ctrl-C, then a line is a line */
    if (kaal_lineedit_feed(&le, 0x03) != KAAL_LINE_CANCELLED)
        abort();
    const char *probe = "ok\r";
    kaal_line_status_t st = KAAL_LINE_EDITING;
    for (const char *p = probe; *p; p++)
        st = kaal_lineedit_feed(&le, (uint8_t)*p);
    if (st != KAAL_LINE_READY || strcmp(kaal_lineedit_line(&le), "ok") != 0)
        abort();
    return 0;
}
