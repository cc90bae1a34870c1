// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer target for the console's multiplexer (services/console/mux.c):
 * any sequence of OPEN, WRITE and RAW from four clients and the shell.
 * Client k writes only its letter ('a' + k) and '\n', the shell only 'r'
 * and '\n', so the screen shows whose bytes are where. Invariants: every
 * screen line is either the shell's (only 'r') or one client's line,
 * "[ck] " followed by that client's letter only (never a mix: lines do not
 * interleave, and a client line never starts mid-line); and once every
 * client is reopened (which ends its partial line) each client's lines on
 * screen are exactly the lines it wrote, in order, broken only where they
 * reach CONSOLE_LINE_BYTES (nothing lost, doubled or split). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/console/mux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CLIENTS 4
#define MAX_LINES (1 << 16)
static char screen[1 << 17];
/* The model: the letters of each line client k wrote, in order. */
static uint16_t expect_lines[CLIENTS][MAX_LINES];
static size_t n_expect[CLIENTS], cur[CLIENTS];

static void model_end_line(unsigned k, size_t letters)
{
    if (n_expect[k] < MAX_LINES)
        expect_lines[k][n_expect[k]++] = (uint16_t)letters;
    cur[k] = 0;
}

static void model_byte(unsigned k, char c)
{
    cur[k]++;
    if (c == '\n')
        model_end_line(k, cur[k] - 1);
    else if (cur[k] == CONSOLE_LINE_BYTES)
        model_end_line(k, cur[k]);
}
static size_t screen_len;
static int overflow;

static void capture(void *ctx, const char *bytes, size_t n)
{
    (void)ctx;
    if (screen_len + n > sizeof(screen)) {
        overflow = 1;
        return;
    }
    memcpy(screen + screen_len, bytes, n);
    screen_len += n;
}

static void check_screen(void)
{
    size_t seen[CLIENTS] = {0};
    size_t i = 0;
    while (i < screen_len) {
        size_t end = i;
        while (end < screen_len && screen[end] != '\n')
            end++;
        if (end > i && screen[i] == '[') {
            if (end - i < 5 || screen[i + 1] != 'c' || screen[i + 3] != ']' || screen[i + 4] != ' ')
                abort();
            int k = screen[i + 2] - '0';
            if (k < 0 || k >= CLIENTS)
                abort();
            for (size_t j = i + 5; j < end; j++)
                if (screen[j] != 'a' + k)
                    abort();
            if (seen[k] >= n_expect[k] || expect_lines[k][seen[k]] != end - (i + 5))
                abort(); /* a line split, merged, lost or out of order */
            seen[k]++;
        } else {
            for (size_t j = i; j < end; j++)
                if (screen[j] != 'r')
                    abort();
        }
        i = end + 1;
    }
    for (int k = 0; k < CLIENTS; k++)
        if (seen[k] != n_expect[k])
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static console_mux_t mux;
    console_mux_init(&mux, capture, NULL, true);
    screen_len = 0;
    overflow = 0;
    memset(n_expect, 0, sizeof(n_expect));
    memset(cur, 0, sizeof(cur));
    char names[CLIENTS][3] = {"c0", "c1", "c2", "c3"};
    char buf[CONSOLE_LINE_BYTES * 2];
    for (unsigned k = 0; k < CLIENTS; k++)
        console_mux_open(&mux, k, names[k]);
    for (size_t i = 0; i + 1 < size;) {
        uint8_t op = data[i++], arg = data[i++];
        unsigned k = op % CLIENTS;
        size_t n = arg % sizeof(buf) < size - i ? arg % sizeof(buf) : size - i;
        switch ((op >> 2) % 3) {
        case 0:
            if (cur[k] > 0)
                model_end_line(k, cur[k]);
            console_mux_open(&mux, k, names[k]);
            break;
        case 1: /* client k: its letter, '\n' where the input byte is odd */
            for (size_t j = 0; j < n; j++) {
                buf[j] = data[i + j] & 1 ? '\n' : (char)('a' + k);
                model_byte(k, buf[j]);
            }
            console_mux_write(&mux, k, buf, n);
            i += n;
            break;
        default: /* the shell */
            for (size_t j = 0; j < n; j++)
                buf[j] = data[i + j] & 1 ? '\n' : 'r';
            console_mux_raw(&mux, buf, n);
            i += n;
            break;
        }
    }
    for (unsigned k = 0; k < CLIENTS; k++) { /* ends every partial line */
        if (cur[k] > 0)
            model_end_line(k, cur[k]);
        console_mux_open(&mux, k, names[k]);
    }
    if (!overflow && n_expect[0] < MAX_LINES && n_expect[1] < MAX_LINES &&
        n_expect[2] < MAX_LINES && n_expect[3] < MAX_LINES)
        check_screen();
    return 0;
}
