// SPDX-License-Identifier: BSD-2-Clause
/*
 * The IPC fastpath: seL4_Call and seL4_ReplyRecv in their common case,
 * done in one straight run of code that touches only the two TCBs, the
 * endpoint, the CNode slots on the way to the endpoint cap and the per-CPU
 * hot data, then switches directly to the other thread (no ready-queue
 * traffic) and leaves through sysret. Everything else, and every case
 * where one condition fails, goes to the slow path (syscall.c) with
 * nothing changed, so both paths have the same observable behaviour.
 *
 * Call is taken when: the message has at most 4 MRs (all in registers)
 * and no extra caps; the cap resolves to an endpoint cap with Write and
 * Grant or GrantReply (a reply cap can be made); a receiver is waiting;
 * it has a VSpace, an empty Caller slot, a priority >= the caller's and
 * >= every ready thread's (the slow path would put it at the head of its
 * ready queue and pick it); the caller already has its master reply cap.
 *
 * ReplyRecv is taken when: the reply has at most 4 MRs and no extra caps;
 * the cap resolves to an endpoint cap with Read; no sender is queued (the
 * receive would complete at once); a bound notification, if any, is not
 * active; the Caller slot holds a reply cap to a thread BlockedOnReply
 * without a fault, with a VSpace, and of a priority above every ready
 * thread (so it is what the scheduler would pick: the slow path puts it at
 * the tail of its ready queue).
 *
 * Invariants relied on: the current thread is never in a ready queue;
 * the scheduler flags are clear at a system-call entry (each kernel exit
 * clears them); reply caps have no CDT children (they cannot be derived).
 */
#include <kernel/fastpath.h>
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/interrupt.h>
#include <arch/fastpath.h>
#include <sel4/syscall.h>
#include <sel4/faults.h>

#define MSG_LENGTH_MASK 0x7full
#define MSG_EXTRA_CAPS_SHIFT 7
#define MSG_EXTRA_CAPS_MASK 0x3ull
#define MSG_CAPS_UNWRAPPED_MASK (0x7ull << 9)

/* cspace_resolve() for a full-depth lookup, without the lookup-fault
 * details (a failure goes to the slow path, which records them). */
FP_INLINE cte_t *fp_lookup(cap_t node, uint64_t cptr)
{
    uint64_t n_bits = 64;
    for (;;) {
        if (cap_type(node) != cap_cnode_cap)
            return 0;
        uint64_t radix = node.size_bits, guard_size = cap_cnode_guard_size(node);
        uint64_t level = radix + guard_size;
        if (level > n_bits || level == 0)
            return 0;
        uint64_t rest = cptr >> ((n_bits - level) & 63);
        uint64_t guard = guard_size ? (rest >> radix) & ((1ull << guard_size) - 1) : 0;
        if (guard != cap_cnode_guard(node))
            return 0;
        cte_t *slot = cap_cnode_slots(node) + (rest & ((1ull << radix) - 1));
        n_bits -= level;
        if (!n_bits || cap_type(slot->cap) != cap_cnode_cap)
            return slot; /* as cspace_resolve: stops early at a non-CNode */
        node = slot->cap;
    }
}

FP_INLINE bool fp_message_fits(uint64_t info)
{
    return (info & MSG_LENGTH_MASK) <= seL4_FastMessageRegisters &&
           !((info >> MSG_EXTRA_CAPS_SHIFT) & MSG_EXTRA_CAPS_MASK);
}

/* The delivered info: what was sent, no caps unwrapped. */
FP_INLINE uint64_t fp_delivered_info(uint64_t info)
{
    return info & ~MSG_CAPS_UNWRAPPED_MASK;
}

FP_INLINE _Noreturn void fp_switch_to(struct tcb *next)
{
    if (!next->time_slice_ticks)
        next->time_slice_ticks = TIME_SLICE_TICKS;
    kcpu.sched.current = next;
    arch_activate_thread(next);
}

static KERNEL_FASTPATH_TEXT void fastpath_call(struct tcb *t)
{
    uint64_t info = arch_fp_msginfo(t);
    if (!fp_message_fits(info))
        return;
    cte_t *slot = fp_lookup(t->slots[TCB_CTABLE].cap, arch_fp_cptr(t));
    if (!slot)
        return;
    cap_t cap = slot->cap;
    if (cap_type(cap) != cap_endpoint_cap || !(cap.rights & CAP_RIGHT_WRITE) ||
        !(cap.rights & (CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY)))
        return;
    struct endpoint *ep = cap_ptr(cap);
    if (ep_state(ep) != EP_RECV)
        return;
    struct tcb *dest = ep->head;
    cte_t *master = &t->slots[TCB_REPLY];
    cte_t *caller_slot = &dest->slots[TCB_CALLER];
    if (dest->priority < t->priority || (int)dest->priority < sched_highest_ready_priority() ||
        !arch_fp_vspace_root(dest) || cap_type(caller_slot->cap) != cap_null_cap ||
        cap_type(master->cap) != cap_reply_cap || !master->cap.flag)
        return;

    ep_pop_head(ep); /* the receiver, dest, is the head */

    unsigned len = (unsigned)(info & MSG_LENGTH_MASK);
    arch_fp_transfer(t, dest, len, fp_delivered_info(info), cap.data);

    /* The caller waits for the reply through a reply cap in the
     * receiver's Caller slot, the CDT child of its master reply cap. */
    t->state = ThreadState_BlockedOnReply;
    cap_t reply = cap_make(cap_reply_cap, t, 0, 0);
    reply.rights = dest->blocked_can_grant ? CAP_RIGHT_GRANT : 0;
    cdt_link_after(master, caller_slot, reply, false, false); /* as cdt_insert for a reply cap */

    dest->state = ThreadState_Running;
    fp_switch_to(dest);
}

static KERNEL_FASTPATH_TEXT void fastpath_reply_recv(struct tcb *t)
{
    uint64_t info = arch_fp_msginfo(t);
    if (!fp_message_fits(info))
        return;
    cte_t *slot = fp_lookup(t->slots[TCB_CTABLE].cap, arch_fp_cptr(t));
    if (!slot)
        return;
    cap_t cap = slot->cap;
    if (cap_type(cap) != cap_endpoint_cap || !(cap.rights & CAP_RIGHT_READ))
        return;
    struct endpoint *ep = cap_ptr(cap);
    if (ep_state(ep) == EP_SEND)
        return;
    if (t->bound_ntfn && ntfn_state(t->bound_ntfn) == NTFN_ACTIVE)
        return;
    cte_t *reply_slot = &t->slots[TCB_CALLER];
    cap_t reply = reply_slot->cap;
    if (cap_type(reply) != cap_reply_cap || reply.flag)
        return;
    struct tcb *caller = cap_ptr(reply);
    if (caller->state != ThreadState_BlockedOnReply || caller->fault.type != seL4_Fault_NullFault ||
        !arch_fp_vspace_root(caller) || (int)caller->priority <= sched_highest_ready_priority())
        return;

    cdt_unlink(reply_slot); /* deletes the reply cap: it has no children */

    unsigned len = (unsigned)(info & MSG_LENGTH_MASK);
    arch_fp_transfer(t, caller, len, fp_delivered_info(info), 0);
    caller->state = ThreadState_Running;

    /* t waits on the endpoint, at the tail of its receive queue. */
    t->state = ThreadState_BlockedOnReceive;
    t->blocked_on = ep;
    t->blocked_can_grant = cap.rights & CAP_RIGHT_GRANT;
    ep_append(ep, t, EP_RECV);

    fp_switch_to(caller);
}

KERNEL_FASTPATH_TEXT void fastpath_syscall(int64_t sysno)
{
    struct tcb *t = kcpu.sched.current;
    if (t->foreign_abi || kcpu.sched.slice_expired || kcpu.sched.preempted)
        return;
    if (sysno == seL4_SysCall)
        fastpath_call(t);
    else if (sysno == seL4_SysReplyRecv)
        fastpath_reply_recv(t);
}
