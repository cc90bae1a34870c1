// SPDX-License-Identifier: BSD-2-Clause
/* The console client in libkaal: printf of a component with a console
 * channel goes to the console server (<kaal/console.h>), a line per Call.
 *
 * Model: start.c calls kaal_console_attach() with the endpoint init found
 * (the start record's console_ep); it installs console_putc as
 * kaal_console_putc. console_putc collects bytes in one buffer and Calls
 * the console when a line ends or the buffer is full, so a component's
 * bytes reach the console in the order it printed them, and the console
 * sees whole lines. The first Call of each life of the component is OPEN
 * with its name (the console prefixes lines with it). Without a console
 * endpoint nothing changes: seL4_DebugPutChar, as in init and the kernel
 * (kaal_debug_putc: nothing where the system withholds the debug calls).
 * Single-threaded, like the rest of the runtime.
 */
#include <kaal/component.h>
#include <kaal/console.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <sel4/sel4.h>

static seL4_CPtr console_ep;                  /* 0: not connected */
static char my_name[KAAL_COMPONENT_NAME_MAX]; /* sent in OPEN */
static int opened;
static char line[KAAL_CONSOLE_MAX_BYTES]; /* printf's pending bytes */
static size_t line_len;

int kaal_console_connected(void)
{
    return console_ep != 0;
}

static kaal_error_t console_call(seL4_Word label, unsigned n_words)
{
    seL4_MessageInfo_t reply = seL4_Call(console_ep, seL4_MessageInfo_new(label, 0, 0, n_words));
    return (kaal_error_t)seL4_MessageInfo_get_label(reply);
}

static kaal_error_t console_open(void)
{
    char buf[KAAL_CONSOLE_NAME_WORDS * 8];
    memset(buf, 0, sizeof(buf));
    memcpy(buf, my_name, sizeof(buf) < sizeof(my_name) ? sizeof(buf) : sizeof(my_name));
    buf[sizeof(buf) - 1] = 0;
    for (unsigned w = 0; w < KAAL_CONSOLE_NAME_WORDS; w++) {
        seL4_Word v;
        memcpy(&v, buf + w * 8, 8);
        seL4_SetMR(w, v);
    }
    opened = 1;
    return console_call(KAAL_CONSOLE_LABEL_OPEN, KAAL_CONSOLE_NAME_WORDS);
}

/* A console that refuses (stopped: init's stand-in answers for it; more
 * clients than it has buffers for): the bytes still go out, via the kernel. */
static void debug_write(const void *bytes, size_t n_bytes)
{
    const char *p = bytes;
    for (size_t i = 0; i < n_bytes; i++)
        kaal_debug_putc(p[i]);
}

static kaal_error_t write_chunks(const void *bytes, size_t n_bytes, int raw);

/* printf may run anywhere, also between a server's seL4_SetMR calls for a
 * reply and its seL4_Reply: the message registers a console call
 * overwrites (its own words, and MR0-3, which every seL4_Call stub stores
 * from the reply) are put back afterwards. */
void kaal_console_announce(const char *banner)
{
    if (kaal_console_connected()) {
        kaal_console_flush();
        kaal_console_write(banner, strlen(banner), 1);
    } else {
        printf("%s", banner);
    }
}

kaal_error_t kaal_console_write(const void *bytes, size_t n_bytes, int raw)
{
    if (!console_ep)
        return KAAL_ENOENT;
    enum { SAVED = 1 + KAAL_CONSOLE_MAX_BYTES / 8 > KAAL_CONSOLE_NAME_WORDS
                       ? 1 + KAAL_CONSOLE_MAX_BYTES / 8
                       : KAAL_CONSOLE_NAME_WORDS };
    _Static_assert(SAVED >= 4 && SAVED <= seL4_MsgMaxLength, "saved registers");
    seL4_Word saved[SAVED];
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    memcpy(saved, ipc->msg, sizeof(saved));
    kaal_error_t err = write_chunks(bytes, n_bytes, raw);
    memcpy(ipc->msg, saved, sizeof(saved));
    return err;
}

static kaal_error_t write_chunks(const void *bytes, size_t n_bytes, int raw)
{
    if (!opened) {
        kaal_error_t err = console_open();
        if (err != KAAL_OK) {
            debug_write(bytes, n_bytes);
            return err;
        }
    }
    const uint8_t *p = bytes;
    while (n_bytes > 0) {
        size_t n = n_bytes < KAAL_CONSOLE_MAX_BYTES ? n_bytes : KAAL_CONSOLE_MAX_BYTES;
        seL4_SetMR(0, n);
        for (size_t off = 0; off < n; off += 8) {
            seL4_Word v = 0;
            memcpy(&v, p + off, n - off < 8 ? n - off : 8);
            seL4_SetMR(1 + off / 8, v);
        }
        kaal_error_t err = console_call(raw ? KAAL_CONSOLE_LABEL_RAW : KAAL_CONSOLE_LABEL_WRITE,
                                        (unsigned)(1 + (n + 7) / 8));
        if (err != KAAL_OK) {
            debug_write(p, n_bytes);
            return err;
        }
        p += n;
        n_bytes -= n;
    }
    return KAAL_OK;
}

void kaal_console_flush(void)
{
    if (console_ep && line_len > 0) {
        size_t n = line_len;
        line_len = 0;
        kaal_console_write(line, n, 0);
    }
}

void kaal_console_sync(void)
{
    kaal_console_flush();
    if (console_ep && opened)
        console_call(KAAL_CONSOLE_LABEL_SYNC, 0);
}

static void console_putc(char c)
{
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof(line))
        kaal_console_flush();
}

void kaal_console_attach(seL4_CPtr ep, const char *name)
{
    if (ep == 0)
        return;
    console_ep = ep;
    kaal_snprintf(my_name, sizeof(my_name), "%s", name);
    kaal_console_putc = console_putc;
}
