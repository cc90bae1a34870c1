// SPDX-License-Identifier: BSD-2-Clause
/*
 * The timer driver (README.md): PIT channel 0 in mode 0 (interrupt on
 * terminal count), re-armed for the nearest client deadline, and the
 * <kaal/timer.h> RPCs on the component's "clients" end.
 *
 * Model: time is kaal_time_ns() (the TSC); the PIT only wakes the driver.
 * Every event (the IRQ, a call) runs service(): clients whose deadline is
 * <= now are signalled and cleared, then the PIT is armed for the nearest
 * remaining one: ceil(delay) ticks, at most 65535 (~55 ms), so a longer
 * delay takes several interrupts (chained), and an interrupt that comes
 * early by the two clocks' difference just re-arms for the rest. Nothing
 * pending: the channel is left stopped (control word written, no count).
 * A client is signalled only from service() after comparing with the TSC,
 * so never before its deadline.
 *
 * Clients are their badge (KAAL_RPC_BADGE_CLIENT | n, n = 1..16, the
 * compiler's numbering); a call from any other badge is refused
 * (KAAL_ERANGE), and init's client-gone notice forgets that client's
 * deadline and notification.
 */
#include "timer_driver.h"

#include <kaal/component.h>
#include <kaal/timer.h>

#include "deadlines.h"

_Static_assert(TIMER_MAX_CLIENTS <= 32, "the expire mask is 32 bits");

enum { PIT_CH0 = 0, PIT_CMD = 3 };
#define PIT_CMD_CH0_MODE0 0x30 /* channel 0, lo/hi byte, mode 0, binary */

static struct timer_state {
    timer_table_t table;
    uint64_t ntfn[TIMER_MAX_CLIENTS]; /* kept notification handles */
    kaal_dddk_io_t *io;
    uint64_t armed_for; /* deadline the PIT is counting towards; 0: stopped */
} timer;

static void pit_arm(uint16_t count)
{
    kaal_dddk_out8(timer.io, PIT_CMD, PIT_CMD_CH0_MODE0);
    kaal_dddk_out8(timer.io, PIT_CH0, (uint8_t)(count & 0xff));
    kaal_dddk_out8(timer.io, PIT_CH0, (uint8_t)(count >> 8));
}

static void pit_stop(void)
{
    kaal_dddk_out8(timer.io, PIT_CMD, PIT_CMD_CH0_MODE0); /* counts nothing until written */
}

static void service(kaal_dddk_device_t *dev)
{
    uint64_t now = kaal_time_ns();
    uint32_t fired = timer_table_expire(&timer.table, now);
    for (unsigned i = 0; i < TIMER_MAX_CLIENTS; i++)
        if (fired & (1u << i))
            kaal_dddk_notify(dev, timer.ntfn[i]);
    uint64_t next = timer_table_next(&timer.table);
    if (next == 0) {
        if (timer.armed_for != 0)
            pit_stop();
        timer.armed_for = 0;
        return;
    }
    pit_arm(timer_pit_count(next - now)); /* next > now: expire took the rest */
    timer.armed_for = next;
}

static kaal_error_t timer_init(kaal_dddk_device_t *dev)
{
    timer.io = kaal_dddk_io(dev, 0);
    timer_table_init(&timer.table);
    const kaal_component_start_t *start = kaal_component();
    if (start != NULL && start->tsc_hz == 0)
        return KAAL_ENOSYS; /* no clock to compare deadlines with */
    pit_stop(); /* the firmware left channel 0 periodic */
    return KAAL_OK;
}

static void timer_irq(kaal_dddk_device_t *dev)
{
    service(dev);
}

static kaal_error_t timer_rpc(kaal_dddk_device_t *dev, uint64_t badge, const kaal_dddk_msg_t *req,
                              kaal_dddk_msg_t *reply)
{
    (void)reply;
    if (badge == KAAL_RPC_BADGE_INIT) {
        if (req->label == KAAL_RPC_LABEL_CLIENT_GONE && req->n_words >= 1) {
            int gone = timer_badge_index(req->words[0]);
            if (gone >= 0) {
                timer_table_forget(&timer.table, (unsigned)gone);
                kaal_dddk_drop_cap(dev, (unsigned)gone);
                timer.ntfn[gone] = 0;
                service(dev);
            }
        }
        return KAAL_OK;
    }
    int i = timer_badge_index(badge);
    if (i < 0)
        return KAAL_ERANGE;
    switch (req->label) {
    case KAAL_TIMER_RPC_REGISTER: {
        uint64_t handle = 0;
        kaal_error_t err = kaal_dddk_keep_cap(dev, req, (unsigned)i, &handle);
        if (err != KAAL_OK)
            return err;
        timer.ntfn[i] = handle;
        timer_table_register(&timer.table, (unsigned)i);
        return KAAL_OK;
    }
    case KAAL_TIMER_RPC_SET_TIMEOUT: {
        if (req->n_words < 1)
            return KAAL_EINVAL;
        kaal_error_t err = timer_table_set(&timer.table, (unsigned)i, req->words[0]);
        if (err == KAAL_OK)
            service(dev); /* one already past is signalled now */
        return err;
    }
    default:
        return KAAL_ENOSYS;
    }
}

KAAL_DRIVER(timer, .name = "timer", .match = KAAL_DDDK_MATCH_ISA("pit"),
            .resources = {.n_io = 1, .io_ports = {4}, .irq = true},
            .service = {.name = "timer"},
            .ops = {.init = timer_init, .irq = timer_irq, .rpc = timer_rpc}, .data = &timer);
