/* SPDX-License-Identifier: BSD-2-Clause */
/* A dumb terminal model for the shell's tests (see term.c). */
#pragma once

#include <stddef.h>

#define TERM_ROWS 64
#define TERM_COLS 256

typedef struct term {
    char rows[TERM_ROWS][TERM_COLS + 1]; /* space-padded, NUL at TERM_COLS */
    int row, col;
    unsigned bells, bad_controls, scrolled;
    char raw[16384]; /* everything written, NUL-terminated, truncated */
    size_t raw_len;
} term_t;

void term_init(term_t *t);
/* A kaal_shell_write_fn: ctx is the term_t. */
void term_write(void *ctx, const char *bytes, size_t n);
/* Row r (0 = the cursor's row, -1 the one above, ...) without trailing
 * spaces, in a static buffer. */
const char *term_line(term_t *t, int r);
