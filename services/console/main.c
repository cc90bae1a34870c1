// SPDX-License-Identifier: BSD-2-Clause
/* The console server component: the only client of the uart16550 driver's
 * byte stream. Every other component's printf arrives here over endpoint
 * RPC (<kaal/console.h>) and leaves through the driver's "tx" ring a whole
 * line at a time (mux.c); keyboard bytes from the driver's "rx" ring go on
 * to the one interactive client over the "input" ring (the shell).
 *
 * Model: one thread. The events notification (ring signals) is bound to its
 * TCB, so one Recv on the "clients" endpoint wakes for either a client's
 * Call (badge with KAAL_CONSOLE_BADGE_CLIENT) or a ring signal (any other
 * badge: the notification word). Before every Recv the loop moves all
 * waiting keyboard bytes to the input ring, hands finished tx buffers to the
 * driver, and arms the rings it waits on; a request is answered only after
 * its bytes are in the tx ring, so a client's lines stay in order and a
 * fast printer is slowed to the UART's pace instead of losing lines. Input
 * waits in the driver's ring while the shell has no free buffer.
 */
#include <kaal/component.h>
#include <kaal/console.h>
#include <kaal/dddk.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>

#include "console_caps.h"
#include "mux.h"

static kaal_bytestream_writer_t uart_tx; /* we produce, the driver consumes */
static kaal_bytestream_reader_t uart_rx; /* the driver produces */
static kaal_bytestream_writer_t input;   /* to the shell */
static console_mux_t mux;

/* Keyboard bytes read from the driver but not yet taken by the input ring. */
static uint8_t pending[64];
static size_t pending_off, pending_len;

static void kick(kaal_bytestream_writer_t *w, seL4_CPtr signal)
{
    kaal_bytestream_flush(w);
    if (w->published) {
        w->published = false;
        if (kaal_ring_producer_should_signal(&w->ring.active))
            seL4_Signal(signal);
    }
}

/* Keyboard bytes to the shell, as many as its free buffers take. */
static void pump_input(void)
{
    for (;;) {
        if (pending_off == pending_len) {
            pending_off = 0;
            pending_len = kaal_bytestream_read(&uart_rx, pending, sizeof(pending));
            if (pending_len == 0)
                break;
        }
        size_t done =
            kaal_bytestream_write(&input, pending + pending_off, pending_len - pending_off);
        pending_off += done;
        if (pending_off < pending_len)
            break; /* the shell has no free buffer: the rest waits */
    }
    kick(&input, KAAL_CAP_INPUT);
    if (uart_rx.released) {
        uart_rx.released = false;
        if (kaal_ring_producer_should_signal(&uart_rx.ring.free))
            seL4_Signal(KAAL_CAP_UART_RX);
    }
}

/* mux output: into the driver's tx ring, waiting for it to give buffers
 * back when all are in flight. */
static void uart_out(void *ctx, const char *bytes, size_t n)
{
    (void)ctx;
    while (n > 0) {
        size_t done = kaal_bytestream_write(&uart_tx, bytes, n);
        bytes += done;
        n -= done;
        if (n > 0) {
            kick(&uart_tx, KAAL_CAP_UART_TX);
            /* Keystrokes keep moving while output waits for the UART:
             * else the driver's rx ring fills and it drops bytes. */
            pump_input();
            if (kaal_ring_consumer_arm(&uart_tx.ring.free)) {
                seL4_Word bits;
                seL4_Wait(KAAL_CAP_EVENTS, &bits);
            }
        }
    }
}

/* True if it is safe to block: every ring we wait on is armed and empty. */
static bool arm_all(void)
{
    bool idle = true;
    if (pending_off < pending_len)
        idle &= kaal_ring_consumer_arm(&input.ring.free);
    else
        idle &= kaal_ring_consumer_arm(&uart_rx.ring.active);
    return idle;
}

static size_t get_bytes(char *buf, size_t max)
{
    size_t n = seL4_GetMR(0);
    if (n > max)
        n = max;
    for (size_t off = 0; off < n; off += 8) {
        seL4_Word v = seL4_GetMR(1 + off / 8);
        memcpy(buf + off, &v, n - off < 8 ? n - off : 8);
    }
    return n;
}

/* One client request; returns the reply's label (a kaal_error_t). */
static kaal_error_t serve(seL4_Word badge, seL4_MessageInfo_t info)
{
    seL4_Word client = badge & ~KAAL_CONSOLE_BADGE_CLIENT;
    if (client >= CONSOLE_MAX_CLIENTS)
        return KAAL_EINVAL;
    seL4_Word words = seL4_MessageInfo_get_length(info);
    static char buf[KAAL_CONSOLE_MAX_BYTES + 8];
    switch (seL4_MessageInfo_get_label(info)) {
    case KAAL_CONSOLE_LABEL_OPEN: {
        char name[KAAL_CONSOLE_NAME_WORDS * 8 + 1];
        memset(name, 0, sizeof(name));
        for (unsigned w = 0; w < KAAL_CONSOLE_NAME_WORDS && w < words; w++) {
            seL4_Word v = seL4_GetMR(w);
            memcpy(name + w * 8, &v, 8);
        }
        console_mux_open(&mux, (unsigned)client, name);
        return KAAL_OK;
    }
    case KAAL_CONSOLE_LABEL_WRITE:
    case KAAL_CONSOLE_LABEL_RAW: {
        if (words < 1 || seL4_GetMR(0) > (words - 1) * 8 || seL4_GetMR(0) > KAAL_CONSOLE_MAX_BYTES)
            return KAAL_EINVAL;
        size_t n = get_bytes(buf, KAAL_CONSOLE_MAX_BYTES);
        if (seL4_MessageInfo_get_label(info) == KAAL_CONSOLE_LABEL_RAW)
            console_mux_raw(&mux, buf, n);
        else
            console_mux_write(&mux, (unsigned)client, buf, n);
        kick(&uart_tx, KAAL_CAP_UART_TX);
        return KAAL_OK;
    }
    case KAAL_CONSOLE_LABEL_SYNC:
        kick(&uart_tx, KAAL_CAP_UART_TX);
        while (kaal_ring_consumer_available(&uart_tx.ring.free) < KAAL_RING_UART_TX_QUEUE_DEPTH) {
            pump_input();
            if (kaal_ring_consumer_arm(&uart_tx.ring.free)) {
                seL4_Word bits;
                seL4_Wait(KAAL_CAP_EVENTS, &bits);
            }
        }
        return KAAL_OK;
    default: return KAAL_EINVAL;
    }
}

int main(void)
{
    kaal_error_t err = kaal_bytestream_writer_attach(
        &uart_tx, (void *)KAAL_RING_UART_TX_QUEUE_VADDR, (void *)KAAL_RING_UART_TX_DATA_VADDR,
        KAAL_RING_UART_TX_DATA_SIZE_BYTES,
        KAAL_RING_UART_TX_DATA_SIZE_BYTES / KAAL_RING_UART_TX_QUEUE_DEPTH);
    if (err == KAAL_OK)
        err = kaal_bytestream_reader_attach(&uart_rx, (void *)KAAL_RING_UART_RX_QUEUE_VADDR,
                                            (void *)KAAL_RING_UART_RX_DATA_VADDR,
                                            KAAL_RING_UART_RX_DATA_SIZE_BYTES);
    if (err == KAAL_OK)
        err = kaal_bytestream_writer_attach(
            &input, (void *)KAAL_RING_INPUT_QUEUE_VADDR, (void *)KAAL_RING_INPUT_DATA_VADDR,
            KAAL_RING_INPUT_DATA_SIZE_BYTES,
            KAAL_RING_INPUT_DATA_SIZE_BYTES / KAAL_RING_INPUT_QUEUE_DEPTH);
    if (err != KAAL_OK) {
        printf("console: rings: %s\n", kaal_strerror(err));
        return 1;
    }
    if (seL4_TCB_BindNotification(KAAL_SYSDESC_SLOT_TCB, KAAL_CAP_EVENTS) != seL4_NoError) {
        printf("console: cannot bind its notification\n");
        return 1;
    }
    console_mux_init(&mux, uart_out, NULL, kaal_component_config_int("prefix", 1) != 0);

    bool have_reply = false;
    seL4_MessageInfo_t reply = seL4_MessageInfo_new(0, 0, 0, 0);
    for (;;) {
        pump_input();
        kick(&uart_tx, KAAL_CAP_UART_TX);
        if (!arm_all()) {
            if (have_reply) {
                seL4_Reply(reply);
                have_reply = false;
            }
            continue;
        }
        seL4_Word badge;
        seL4_MessageInfo_t info = have_reply ? seL4_ReplyRecv(KAAL_CAP_CLIENTS, reply, &badge)
                                             : seL4_Recv(KAAL_CAP_CLIENTS, &badge);
        have_reply = false;
        if (badge == KAAL_RPC_BADGE_INIT) {
            /* init: a client went (<kaal/component.h>); end its line. */
            if (seL4_MessageInfo_get_label(info) == KAAL_RPC_LABEL_CLIENT_GONE &&
                seL4_MessageInfo_get_length(info) >= 1)
                console_mux_close(&mux, (unsigned)(seL4_GetMR(0) & ~KAAL_CONSOLE_BADGE_CLIENT));
            reply = seL4_MessageInfo_new(0, 0, 0, 0);
            have_reply = true;
            continue;
        }
        if (!(badge & KAAL_CONSOLE_BADGE_CLIENT))
            continue; /* a ring signal: the loop's top handles it */
        reply = seL4_MessageInfo_new((seL4_Word)serve(badge, info), 0, 0, 0);
        have_reply = true;
    }
}
