// SPDX-License-Identifier: BSD-2-Clause
/* The timer's deadline table (deadlines.h). A linear scan over at most
 * TIMER_MAX_CLIENTS entries per event: cheaper than keeping a heap in
 * order for 16 clients, and nothing a client does can make it longer. */
#include "deadlines.h"

#include <kaal/component.h>
#include <kaal/string.h>

int timer_badge_index(uint64_t badge)
{
    if (!(badge & KAAL_RPC_BADGE_CLIENT) || (badge & KAAL_RPC_BADGE_INIT))
        return -1;
    uint64_t n = badge & ~KAAL_RPC_BADGE_CLIENT;
    if (n < 1 || n > TIMER_MAX_CLIENTS)
        return -1;
    return (int)(n - 1);
}

void timer_table_init(timer_table_t *t)
{
    memset(t, 0, sizeof(*t));
}

void timer_table_register(timer_table_t *t, unsigned i)
{
    if (i < TIMER_MAX_CLIENTS)
        t->c[i].registered = true;
}

void timer_table_forget(timer_table_t *t, unsigned i)
{
    if (i < TIMER_MAX_CLIENTS)
        t->c[i] = (timer_client_t){0};
}

kaal_error_t timer_table_set(timer_table_t *t, unsigned i, uint64_t deadline_ns)
{
    if (i >= TIMER_MAX_CLIENTS)
        return KAAL_ERANGE;
    if (!t->c[i].registered)
        return KAAL_ENOENT;
    t->c[i].deadline_ns = deadline_ns;
    return KAAL_OK;
}

uint64_t timer_table_next(const timer_table_t *t)
{
    uint64_t next = 0;
    for (unsigned i = 0; i < TIMER_MAX_CLIENTS; i++) {
        uint64_t d = t->c[i].deadline_ns;
        if (d != 0 && (next == 0 || d < next))
            next = d;
    }
    return next;
}

uint32_t timer_table_expire(timer_table_t *t, uint64_t now_ns)
{
    uint32_t fired = 0;
    for (unsigned i = 0; i < TIMER_MAX_CLIENTS; i++) {
        if (t->c[i].deadline_ns != 0 && t->c[i].deadline_ns <= now_ns) {
            t->c[i].deadline_ns = 0;
            fired |= 1u << i;
        }
    }
    return fired;
}

uint16_t timer_pit_count(uint64_t delay_ns)
{
    /* ceil(delay * PIT_HZ / 1e9) without overflow: above ~55 ms it is the
     * maximum anyway. */
    const uint64_t max_ns = 60000000u; /* > TIMER_PIT_MAX_COUNT ticks */
    if (delay_ns >= max_ns)
        return TIMER_PIT_MAX_COUNT;
    uint64_t ticks = (delay_ns * TIMER_PIT_HZ + 999999999u) / 1000000000u;
    if (ticks < 1)
        return 1;
    return ticks > TIMER_PIT_MAX_COUNT ? TIMER_PIT_MAX_COUNT : (uint16_t)ticks;
}
