/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The timer component's bookkeeping (README.md), pure C and host-tested:
 * one pending deadline per client in a bounded table indexed by the
 * client's rpc badge, which deadline the hardware timer must fire for
 * next, which deadlines are due, and PIT counts for a delay.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kaal/error.h>

#define TIMER_MAX_CLIENTS 16
#define TIMER_PIT_HZ 1193182u
#define TIMER_PIT_MAX_COUNT 65535u /* ~54.9 ms: longer delays are chained */

typedef struct timer_client {
    bool registered;      /* its notification is kept */
    uint64_t deadline_ns; /* kaal_time_ns() time; 0: none pending */
} timer_client_t;

typedef struct timer_table {
    timer_client_t c[TIMER_MAX_CLIENTS];
} timer_table_t;

/* The table index of a client's rpc badge: the badge must carry
 * KAAL_RPC_BADGE_CLIENT (the end is `bound_notification`) and its low bits
 * be 1..TIMER_MAX_CLIENTS. -1 for anything else (init's badge too). */
int timer_badge_index(uint64_t badge);

void timer_table_init(timer_table_t *t);
/* The client registered (again): its pending deadline stays. */
void timer_table_register(timer_table_t *t, unsigned i);
/* The client went: no notification, nothing pending. */
void timer_table_forget(timer_table_t *t, unsigned i);
/* Sets client i's one deadline (0: cancel), replacing any.
 * KAAL_ENOENT: not registered; KAAL_ERANGE: no such index. */
kaal_error_t timer_table_set(timer_table_t *t, unsigned i, uint64_t deadline_ns);
/* The earliest pending deadline, 0 if none. */
uint64_t timer_table_next(const timer_table_t *t);
/* Clears every deadline <= now_ns and returns the clients it cleared, bit
 * i for client i (each is signalled once, never before its deadline). */
uint32_t timer_table_expire(timer_table_t *t, uint64_t now_ns);
/* The PIT count (mode 0) for a delay: enough ticks that the interrupt
 * comes no sooner than delay_ns, rounded up; at least 1, at most
 * TIMER_PIT_MAX_COUNT (the interrupt then comes early and is re-armed). */
uint16_t timer_pit_count(uint64_t delay_ns);
