/* SPDX-License-Identifier: BSD-2-Clause */
/* The console's multiplexer: whole lines of many clients onto one byte
 * stream (mux.c). Pure C, no seL4: the server (main.c) feeds it requests
 * and gives it the UART as `out`; the host tests give it a buffer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_MAX_CLIENTS 32 /* init starts at most 32 components */
#define CONSOLE_LINE_BYTES 256 /* longer lines are broken here */
#define CONSOLE_NAME_BYTES 32

typedef void (*console_out_fn)(void *ctx, const char *bytes, size_t n);

typedef struct console_client {
    char name[CONSOLE_NAME_BYTES]; /* "" until OPEN */
    char line[CONSOLE_LINE_BYTES]; /* bytes of the line not yet ended */
    size_t len;
} console_client_t;

typedef struct console_mux {
    console_out_fn out;
    void *ctx;
    bool prefix; /* "[name] " before every line */
    console_client_t clients[CONSOLE_MAX_CLIENTS];
    /* Bytes the interactive (raw) client wrote since its last '\n': the
     * terminal's line is not empty, so a line of another client first ends
     * it with a newline. */
    size_t open_len;
} console_mux_t;

void console_mux_init(console_mux_t *m, console_out_fn out, void *ctx, bool prefix);
/* A client (index < CONSOLE_MAX_CLIENTS) starts a life named `name`: a
 * partial line of its previous life is ended first. */
void console_mux_open(console_mux_t *m, unsigned client, const char *name);
/* The client went (init's KAAL_RPC_LABEL_CLIENT_GONE): a line it left
 * unfinished goes out now, ended, rather than with its next life's first. */
void console_mux_close(console_mux_t *m, unsigned client);
/* Line-buffered output: every complete line goes out at once, prefixed. */
void console_mux_write(console_mux_t *m, unsigned client, const char *bytes, size_t n);
/* Interactive output: out at once, no prefix, no buffering. */
void console_mux_raw(console_mux_t *m, const char *bytes, size_t n);
