// SPDX-License-Identifier: BSD-2-Clause
/*
 * The timer component's test client (tests/system/test_timer.py), one ELF
 * in three roles (config `role`):
 *   1 ("a"): two rpc ends to the timer (two clients, badges 1 and 2 of its
 *      notification "alarm", minted here): errors before REGISTER, a
 *      deadline already past, one chained over several PIT periods, a
 *      replacement, a cancel, and the two clients' deadlines interleaved,
 *      checking the order of the signals;
 *   2 ("b"): meanwhile a series of periodic timeouts of its own;
 *   3 ("c"): wired without Grant: REGISTER carries no cap, refused.
 * Every wake-up is checked against kaal_time_ns(): a signal before its
 * deadline is "EARLY". Prints one line per check, "WRONG" on a failure,
 * and exits with the number of failures.
 */
#include <stdbool.h>

#include <kaal/component.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>
#include <kaal/timer.h>
#include <kaal/timing.h>

#include "timerclient_caps.h"

#define MS 1000000ull

static int failures;
static const char *who = "?";
static seL4_CPtr ntfn[3]; /* by client: [1] end timer, [2] end timer2 */
static const seL4_CPtr ep[3] = {0, KAAL_CAP_TIMER, KAAL_CAP_TIMER2};
static uint64_t pending[3]; /* deadlines set and not yet signalled */

static void check(bool ok, const char *what)
{
    printf("%s: %s%s\n", who, what, ok ? "" : " WRONG");
    failures += !ok;
}

static void set(unsigned c, uint64_t deadline)
{
    kaal_error_t e = kaal_timer_set_timeout(ep[c], deadline);
    if (e != KAAL_OK) {
        printf("%s: set_timeout %u: %s WRONG\n", who, c, kaal_strerror(e));
        failures++;
    }
    pending[c] = deadline;
}

/* Waits for the next signal; returns the clients signalled (bit c) after
 * checking that none came early and that no pending deadline earlier than
 * a signalled one was left out (order). */
static unsigned wait_signals(void)
{
    seL4_Word bits = 0;
    seL4_Wait(KAAL_CAP_ALARM, &bits);
    uint64_t now = kaal_time_ns();
    uint64_t latest = 0;
    for (unsigned c = 1; c <= 2; c++) {
        if (!(bits & (1u << c)))
            continue;
        if (pending[c] == 0 || now < pending[c]) {
            printf("%s: client %u signalled EARLY (now %lu, deadline %lu) WRONG\n", who, c,
                   (unsigned long)now, (unsigned long)pending[c]);
            failures++;
        }
        if (pending[c] > latest)
            latest = pending[c];
        pending[c] = 0;
    }
    for (unsigned c = 1; c <= 2; c++) {
        if (pending[c] != 0 && pending[c] < latest) {
            printf("%s: client %u (deadline %lu) passed over for a later one WRONG\n", who, c,
                   (unsigned long)pending[c]);
            failures++;
        }
    }
    return (unsigned)bits;
}

static void role_a(void)
{
    seL4_CPtr cnode = KAAL_SYSDESC_SLOT_CNODE, slot = KAAL_COMPONENT_FIRST_FREE_SLOT;
    for (unsigned c = 1; c <= 2; c++) {
        ntfn[c] = slot + c;
        if (seL4_CNode_Mint(cnode, ntfn[c], seL4_WordBits, cnode, KAAL_CAP_ALARM, seL4_WordBits,
                            seL4_AllRights, 1u << c) != seL4_NoError)
            check(false, "mint a badged notification");
    }
    check(kaal_timer_set_timeout(ep[1], kaal_time_ns() + MS) == KAAL_ENOENT,
          "set_timeout before register: no such thing");
    /* REGISTER without a cap (the message names none). */
    seL4_MessageInfo_t r = seL4_Call(ep[1], seL4_MessageInfo_new(KAAL_TIMER_RPC_REGISTER, 0, 0, 0));
    check(seL4_MessageInfo_get_label(r) == KAAL_EINVAL, "register without a cap: invalid argument");
    r = seL4_Call(ep[1], seL4_MessageInfo_new(77, 0, 0, 0));
    check(seL4_MessageInfo_get_label(r) == KAAL_ENOSYS, "unknown request: not implemented");
    for (unsigned c = 1; c <= 2; c++)
        check(kaal_timer_register(ep[c], ntfn[c]) == KAAL_OK, "register");
    check(kaal_timer_register(ep[1], ntfn[1]) == KAAL_OK, "register again (replaces)");

    uint64_t t = kaal_time_ns();
    set(1, t > 1000 ? t - 1000 : 1);
    check(wait_signals() == 2, "deadline already past: signalled at once");

    t = kaal_time_ns();
    set(1, t + 20 * MS);
    check(wait_signals() == 2, "20 ms timeout: signalled, not early");

    t = kaal_time_ns();
    set(1, t + 150 * MS); /* > 55 ms: chained over three PIT periods */
    check(wait_signals() == 2, "150 ms timeout (chained): signalled, not early");

    t = kaal_time_ns();
    set(1, t + 10 * MS);
    set(1, t + 80 * MS); /* replaces: nothing at 10 ms */
    check(wait_signals() == 2, "replaced 10 ms by 80 ms: one signal, not before 80 ms");

    t = kaal_time_ns();
    set(1, t + 15 * MS);
    set(1, 0); /* cancel */
    pending[1] = 0;
    set(2, t + 60 * MS);
    check(wait_signals() == 4, "cancelled 15 ms: only the other client's 60 ms came");

    /* Interleaved, 50 ms apart: client 2 at 50 and 100, client 1 at 150,
     * client 2 at 200, client 1 at 250; each set after the one before it
     * fired, so the timer re-arms for a nearer deadline of the other. */
    t = kaal_time_ns();
    set(1, t + 150 * MS);
    set(2, t + 50 * MS);
    unsigned got[5];
    got[0] = wait_signals();
    set(2, t + 100 * MS);
    got[1] = wait_signals();
    set(2, t + 200 * MS);
    got[2] = wait_signals();
    set(1, t + 250 * MS);
    got[3] = wait_signals();
    got[4] = wait_signals();
    check(got[0] == 4 && got[1] == 4 && got[2] == 2 && got[3] == 4 && got[4] == 2,
          "two clients interleaved: 2, 2, 1, 2, 1 in deadline order");
    seL4_Word left = 0;
    seL4_Poll(KAAL_CAP_ALARM, &left);
    check(left == 0, "no stray signal left over");
}

static void role_b(void)
{
    ntfn[1] = KAAL_CAP_ALARM;
    check(kaal_timer_register(ep[1], ntfn[1]) == KAAL_OK, "register");
    bool early = false;
    uint64_t late_ns[8];
    for (int i = 0; i < 8; i++) {
        uint64_t d = kaal_time_ns() + 25 * MS;
        kaal_timer_set_timeout(ep[1], d);
        seL4_Word bits;
        seL4_Wait(KAAL_CAP_ALARM, &bits);
        uint64_t now = kaal_time_ns();
        early |= now < d;
        late_ns[i] = now >= d ? now - d : 0;
    }
    check(!early, "8 periodic 25 ms timeouts, none early");
    /* For information only (no test judges it): how late the wake-ups were. */
    printf("%s: wake-up lateness median %lu us\n", who,
           (unsigned long)(kaal_median_u64(late_ns, 8) / 1000));
}

static void role_c(void)
{
    check(kaal_timer_register(ep[1], KAAL_CAP_ALARM) == KAAL_EINVAL,
          "register over a channel without grant: the cap did not travel (invalid argument)");
}

int main(void)
{
    int64_t role = kaal_component_config_int("role", 0);
    who = kaal_component()->name;
    if (kaal_time_ns() == 0) {
        check(false, "kaal_time_ns() runs (tsc_hz in the start record)");
        return 1;
    }
    uint64_t a = kaal_time_ns(), b = kaal_time_ns();
    check(b >= a, "kaal_time_ns() is monotonic");
    if (role == 1)
        role_a();
    else if (role == 2)
        role_b();
    else if (role == 3)
        role_c();
    printf("%s: done, %d failures\n", who, failures);
    return failures;
}
