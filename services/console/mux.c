// SPDX-License-Identifier: BSD-2-Clause
/* The console's multiplexer: many clients' output onto one byte stream.
 *
 * Model: each client has a line buffer; its bytes collect there and a line
 * goes out (prefix, bytes, '\n') in one piece when it ends, so lines of
 * different clients never interleave inside a line, and each client's
 * lines go out in the order it wrote them. A line longer than
 * CONSOLE_LINE_BYTES is broken into several (each with its prefix). The
 * interactive client (the shell) writes raw: its prompt and echo go out at
 * once. While its line is unfinished (the prompt, a half-typed command), a
 * buffered line of another client first ends the terminal's line, so it
 * starts at column 0 and reads whole; the interactive line is not written
 * again (like kernel messages over a Unix shell): a prompt then appears only
 * where the shell printed it, which is what scripts driving the serial
 * console look for.
 *
 * Invariant: out is called only from here, one whole line (or raw chunk)
 * per emission, never from inside another emission.
 */
#include "mux.h"

#include <kaal/string.h>

void console_mux_init(console_mux_t *m, console_out_fn out, void *ctx, bool prefix)
{
    memset(m, 0, sizeof(*m));
    m->out = out;
    m->ctx = ctx;
    m->prefix = prefix;
}

static void emit_line(console_mux_t *m, console_client_t *c)
{
    if (m->open_len > 0) {
        m->out(m->ctx, "\n", 1);
        m->open_len = 0; /* the terminal's line is empty now */
    }
    if (m->prefix) {
        const char *name = c->name[0] ? c->name : "?";
        m->out(m->ctx, "[", 1);
        m->out(m->ctx, name, strlen(name));
        m->out(m->ctx, "] ", 2);
    }
    m->out(m->ctx, c->line, c->len);
    if (c->len == 0 || c->line[c->len - 1] != '\n')
        m->out(m->ctx, "\n", 1);
    c->len = 0;
}

void console_mux_open(console_mux_t *m, unsigned client, const char *name)
{
    if (client >= CONSOLE_MAX_CLIENTS)
        return;
    console_client_t *c = &m->clients[client];
    if (c->len > 0)
        emit_line(m, c);
    size_t n = strlen(name);
    if (n >= sizeof(c->name))
        n = sizeof(c->name) - 1;
    memcpy(c->name, name, n);
    c->name[n] = 0;
}

void console_mux_close(console_mux_t *m, unsigned client)
{
    if (client < CONSOLE_MAX_CLIENTS && m->clients[client].len > 0)
        emit_line(m, &m->clients[client]);
}

void console_mux_write(console_mux_t *m, unsigned client, const char *bytes, size_t n)
{
    if (client >= CONSOLE_MAX_CLIENTS)
        return;
    console_client_t *c = &m->clients[client];
    for (size_t i = 0; i < n; i++) {
        c->line[c->len++] = bytes[i];
        if (bytes[i] == '\n' || c->len == sizeof(c->line))
            emit_line(m, c);
    }
}

void console_mux_raw(console_mux_t *m, const char *bytes, size_t n)
{
    m->out(m->ctx, bytes, n);
    for (size_t i = 0; i < n; i++)
        m->open_len = bytes[i] == '\n' ? 0 : m->open_len + 1;
}
