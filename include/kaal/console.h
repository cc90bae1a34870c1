/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console service (services/console): every component's output on one
 * UART, a line at a time, optionally prefixed with the component's name.
 *
 * Protocol: endpoint RPC. A client seL4_Calls its "console" endpoint (the
 * cap tools/systoml-compile generates for every component when system.toml
 * says `[system] console = "NAME"`; init passes its slot in the start
 * record, <kaal/component.h>). Bytes travel in message registers, packed
 * eight to a word, little-endian. The badge names the client; console
 * badges always have KAAL_CONSOLE_BADGE_CLIENT set, so the console can tell
 * them from its ring signals, which arrive on the same Recv through its
 * bound notification.
 *
 *   OPEN  MR0..MR3 = the client's name (NUL padded). Starts a new life of
 *         the client: a partial line of an earlier life is ended first.
 *   WRITE MR0 = n bytes (at most KAAL_CONSOLE_MAX_BYTES), MR1.. = bytes.
 *         Line-buffered in the console: only whole lines reach the UART.
 *   RAW   like WRITE, but passed through at once without a prefix (the
 *         interactive client: the shell's prompt and echo).
 *   SYNC  replies once the UART driver has taken every byte written so far.
 * The reply's label is a kaal_error_t.
 */
#pragma once

#include <kaal/error.h>
#include <sel4/sel4.h>
#include <stddef.h>
#include <stdint.h>

#define KAAL_CONSOLE_LABEL_OPEN 0x4b4300
#define KAAL_CONSOLE_LABEL_WRITE 0x4b4301
#define KAAL_CONSOLE_LABEL_RAW 0x4b4302
#define KAAL_CONSOLE_LABEL_SYNC 0x4b4303

#define KAAL_CONSOLE_BADGE_CLIENT (1ull << 62) /* tools/systoml/schema.py mirrors it */
#define KAAL_CONSOLE_NAME_WORDS 4
#define KAAL_CONSOLE_MAX_BYTES ((120 - 1) * 8) /* seL4_MsgMaxLength - 1 words */

/* True once the runtime found a console endpoint in the start record: then
 * printf goes to the console, else through seL4_DebugPutChar. */
int kaal_console_connected(void);

/* Sends bytes now (a Call per KAAL_CONSOLE_MAX_BYTES). raw: see RAW above.
 * If the console refuses (an error label, e.g. it is stopped and init
 * answers for it), the bytes not yet sent go out through seL4_DebugPutChar
 * and the error is returned. */
kaal_error_t kaal_console_write(const void *bytes, size_t n_bytes, int raw);

/* A subsystem's banner line ("[Network] Interface eth0 up (...)\n"): after
 * printf's pending line, raw (the line carries its own prefix, the console
 * adds none); without a console, through printf. */
void kaal_console_announce(const char *banner);

/* Flushes printf's line and waits until the UART has every byte (before a
 * power-off). */
void kaal_console_sync(void);

/* Called by the start code with the start record's console_ep and name:
 * from then on printf goes to the console (nothing happens for ep 0). */
void kaal_console_attach(seL4_CPtr ep, const char *name);

/* Hands printf's buffered partial line to the console (kaal_exit does it). */
void kaal_console_flush(void);
