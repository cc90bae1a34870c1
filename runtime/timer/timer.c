// SPDX-License-Identifier: BSD-2-Clause
/* The clock and the timer component's client side (<kaal/timer.h>):
 * kaal_time_ns reads the TSC and scales it by the start record's tsc_hz
 * (no system call); register and set_timeout are one seL4_Call each on the
 * client's end of the timer's "clients" channel. */
#include <kaal/component.h>
#include <kaal/sysdesc.h>
#include <kaal/timer.h>
#include <kaal/timing.h>

uint64_t kaal_time_ns(void)
{
    const kaal_component_start_t *start = kaal_component();
    if (start == NULL || start->tsc_hz == 0)
        return 0;
    return kaal_tsc_to_ns(kaal_rdtsc(), start->tsc_hz);
}

static kaal_error_t reply_error(seL4_MessageInfo_t reply)
{
    seL4_Word label = seL4_MessageInfo_get_label(reply);
    if (label == KAAL_RPC_LABEL_SERVER_GONE)
        return KAAL_EAGAIN; /* the timer died serving it: register again */
    return label <= KAAL_ESEL4 ? (kaal_error_t)label : KAAL_EFORMAT;
}

kaal_error_t kaal_timer_register(seL4_CPtr timer_ep, seL4_CPtr ntfn)
{
    seL4_SetCap(0, ntfn);
    return reply_error(seL4_Call(timer_ep, seL4_MessageInfo_new(KAAL_TIMER_RPC_REGISTER, 0, 1, 0)));
}

kaal_error_t kaal_timer_register_badged(seL4_CPtr timer_ep, seL4_CPtr events, seL4_CPtr slot,
                                        seL4_Word badge)
{
    seL4_CNode_Delete(KAAL_SYSDESC_SLOT_CNODE, slot, seL4_WordBits);
    if (seL4_CNode_Mint(KAAL_SYSDESC_SLOT_CNODE, slot, seL4_WordBits, KAAL_SYSDESC_SLOT_CNODE,
                        events, seL4_WordBits, seL4_CapRights_new(0, 0, 0, 1),
                        badge) != seL4_NoError)
        return KAAL_ESEL4;
    return kaal_timer_register(timer_ep, slot);
}

kaal_error_t kaal_timer_set_timeout(seL4_CPtr timer_ep, uint64_t deadline_ns)
{
    seL4_SetMR(0, deadline_ns);
    return reply_error(
        seL4_Call(timer_ep, seL4_MessageInfo_new(KAAL_TIMER_RPC_SET_TIMEOUT, 0, 0, 1)));
}
