/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time: a monotonic clock every component reads without a system call, and
 * the timer component's service (drivers/timer) that signals a client's
 * notification when a deadline it set is due (runtime/timer).
 *
 * The clock is the TSC scaled by its frequency. The kernel measures the
 * frequency at boot and hands it to the root task as seL4 does on x86 (the
 * extra bootinfo header SEL4_BOOTINFO_HEADER_X86_TSC_FREQ); init passes it
 * on in every component's start record (kaal_component()->tsc_hz).
 *
 * The timer protocol, on a client's rpc_client end wired to the timer
 * component's "clients" end (that end is declared `grant = true`, so the
 * client's cap has seL4's Grant right and the notification cap travels,
 * docs/system-toml.md; client badges are KAAL_RPC_BADGE_CLIENT | 1..16):
 *   KAAL_TIMER_RPC_REGISTER     extraCaps = 1: the notification cap (the
 *                               client may badge it). Once per client badge;
 *                               again replaces it. Reply label kaal_error_t.
 *   KAAL_TIMER_RPC_SET_TIMEOUT  MR0 = deadline in kaal_time_ns() ns; 0
 *                               cancels. One pending timeout per client; a
 *                               new one replaces it; one already past is
 *                               signalled at once. KAAL_ENOENT before
 *                               REGISTER. Reply label kaal_error_t.
 * The timer seL4_Signals the registered notification once when
 * kaal_time_ns() >= the deadline (never before); the client seL4_Waits
 * (or seL4_Polls) on it. A signal may already be pending from a timeout
 * that was replaced or cancelled just as it fired: check kaal_time_ns().
 * Errors: KAAL_EINVAL (REGISTER without a cap: the channel lacks Grant),
 * KAAL_ERANGE (a badge beyond the timer's table), KAAL_ENOENT (SET_TIMEOUT
 * before REGISTER), KAAL_EAGAIN (the timer stopped or restarted while
 * serving the call: it lost the registrations, register again).
 */
#pragma once

#include <stdint.h>

#include <sel4/sel4.h>
#include <kaal/error.h>

/* RPC labels (the message's label; the reply's label is a kaal_error_t). */
#define KAAL_TIMER_RPC_REGISTER 1    /* extraCaps[0] = notification cap */
#define KAAL_TIMER_RPC_SET_TIMEOUT 2 /* MR0 = deadline_ns (0: cancel) */

/* tsc ticks at tsc_hz as nanoseconds: floor(tsc * 1e9 / tsc_hz), exact
 * for every 64-bit tsc (128-bit product); 0 if tsc_hz is 0; saturates at
 * UINT64_MAX (after ~584 years). */
uint64_t kaal_tsc_to_ns(uint64_t tsc, uint64_t tsc_hz);

/* ns as TSC ticks at tsc_hz, rounded up (so a deadline converted to ticks
 * is never early); saturates at UINT64_MAX. */
uint64_t kaal_ns_to_tsc(uint64_t ns, uint64_t tsc_hz);

/* Monotonic nanoseconds since boot: rdtsc scaled by kaal_component()->tsc_hz,
 * no system call. 0 when there is no start record or no frequency (the root
 * task, or a kernel that reported none). */
uint64_t kaal_time_ns(void);

/* Gives the timer component the notification ntfn (sent by IPC cap
 * transfer) it signals when this client's timeout is due. */
kaal_error_t kaal_timer_register(seL4_CPtr timer_ep, seL4_CPtr ntfn);

/* kaal_timer_register with a badged copy of the caller's own notification
 * events, made in slot of its CNode (whatever the slot held is deleted
 * first): Write only, badge set, so the timer's signal sets those bits in
 * the word the caller's Wait or Recv returns. KAAL_ESEL4: the copy could
 * not be made. */
kaal_error_t kaal_timer_register_badged(seL4_CPtr timer_ep, seL4_CPtr events, seL4_CPtr slot,
                                        seL4_Word badge);

/* Sets this client's one pending timeout to deadline_ns (kaal_time_ns()
 * time), replacing any; 0 cancels. A deadline already past is signalled
 * at once. */
kaal_error_t kaal_timer_set_timeout(seL4_CPtr timer_ep, uint64_t deadline_ns);
