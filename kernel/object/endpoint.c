// SPDX-License-Identifier: BSD-2-Clause
/*
 * Endpoint IPC, seL4's classic (non-MCS) model. An endpoint is a FIFO
 * queue of threads that are all blocked the same way: senders (state
 * EP_SEND) or receivers (EP_RECV); a send meets the head receiver or joins
 * the queue, and the other way round. A Call leaves the caller
 * BlockedOnReply and puts a reply cap to it in the receiver's Caller slot,
 * as a CDT child of the caller's master reply cap (its Reply slot), so
 * cancelling the caller finds and deletes it. Message transfer copies the
 * message registers (four in CPU registers, the rest through both IPC
 * buffers), and with the Grant right the extra caps: a cap to the endpoint
 * being used is unwrapped into its badge, others are derived into the
 * receiver's one receive slot. A faulting sender's message is its fault.
 *
 * Invariants: a thread is in at most one queue, and then blocked_on names
 * the object and its state says which queue; an endpoint is EP_IDLE
 * exactly when its queue is empty.
 */
#include <kernel/ipc.h>
#include <kernel/fault.h>
#include <kernel/invocation.h>
#include <kernel/vspace.h>

/* The queue operations (ep_append, ep_pop_head, ep_dequeue) are in <kernel/ipc.h>. */

/* The IPC buffer of t, with t's VSpace root read from its VTable slot (the
 * slot empties when the VSpace is deleted, so this never walks freed
 * tables). */
static seL4_IPCBuffer *tcb_ipc_buffer(struct tcb *t)
{
    t->vspace_root = arch_tcb_vspace_root(t);
    return arch_ipc_buffer(t);
}

static uint64_t get_mr(const struct tcb *t, const seL4_IPCBuffer *buf, unsigned i)
{
    if (i < seL4_FastMessageRegisters)
        return arch_get_mr(t, i);
    return buf ? buf->msg[i] : 0;
}

static void set_mr(struct tcb *t, seL4_IPCBuffer *buf, unsigned i, uint64_t v)
{
    if (i < seL4_FastMessageRegisters)
        arch_set_mr(t, i, v);
    else if (buf)
        buf->msg[i] = v;
}

/* The receive slot named by the receiver's IPC buffer, if empty. */
static cte_t *receive_slot(struct tcb *r, const seL4_IPCBuffer *rbuf)
{
    cte_t *node = cspace_find_slot(r->slots[TCB_CTABLE].cap, rbuf->receiveCNode);
    if (!node)
        return NULL;
    /* depth 0 names the CNode cap's own slot */
    cte_t *slot = rbuf->receiveDepth == 0
                      ? node
                      : cspace_find_target(node->cap, rbuf->receiveIndex, rbuf->receiveDepth);
    return slot && cte_is_empty(slot) ? slot : NULL;
}

static seL4_MessageInfo_t transfer_caps(seL4_MessageInfo_t info, cte_t *const *extra, unsigned n,
                                        struct endpoint *ep, struct tcb *r, seL4_IPCBuffer *rbuf)
{
    info = seL4_MessageInfo_set_extraCaps(info, 0);
    info = seL4_MessageInfo_set_capsUnwrapped(info, 0);
    if (!n || !rbuf)
        return info;
    cte_t *dest = receive_slot(r, rbuf);
    unsigned i, unwrapped = 0;
    for (i = 0; i < n; i++) {
        cte_t *src = extra[i];
        cap_t cap = src->cap;
        if (cap_type(cap) == cap_endpoint_cap && ep && cap_ptr(cap) == ep) {
            rbuf->caps_or_badges[i] = cap.data;
            unwrapped |= 1u << i;
            continue;
        }
        if (!dest)
            break;
        derive_ret_t d = cap_derive(src, cap);
        if (d.status != seL4_NoError || cap_type(d.cap) == cap_null_cap)
            break;
        cdt_insert(d.cap, src, dest);
        dest = NULL;
    }
    info = seL4_MessageInfo_set_extraCaps(info, i);
    return seL4_MessageInfo_set_capsUnwrapped(info, unwrapped);
}

static void transfer_normal(struct tcb *s, struct endpoint *ep, uint64_t badge, bool grant,
                            struct tcb *r)
{
    seL4_MessageInfo_t info = { { arch_get_msginfo(s) } };
    unsigned len = (unsigned)seL4_MessageInfo_get_length(info);
    if (len > seL4_MsgMaxLength)
        len = seL4_MsgMaxLength;
    /* The IPC buffers (a page-table walk each) only when the message
     * does not fit the registers or caps may be transferred. */
    bool need_bufs = len > seL4_FastMessageRegisters ||
                     (grant && seL4_MessageInfo_get_extraCaps(info) > 0);
    seL4_IPCBuffer *sbuf = need_bufs ? tcb_ipc_buffer(s) : NULL;
    seL4_IPCBuffer *rbuf = need_bufs ? tcb_ipc_buffer(r) : NULL;
    if ((!sbuf || !rbuf) && len > seL4_FastMessageRegisters)
        len = seL4_FastMessageRegisters;

    cte_t *extra[seL4_MsgMaxExtraCaps];
    unsigned n_extra = 0;
    if (grant && sbuf) {
        unsigned want = (unsigned)seL4_MessageInfo_get_extraCaps(info);
        for (unsigned i = 0; i < want; i++) {
            extra[i] = cspace_find_slot(s->slots[TCB_CTABLE].cap, sbuf->caps_or_badges[i]);
            if (!extra[i]) {
                n_extra = 0;
                break;
            }
            n_extra = i + 1;
        }
    }
    for (unsigned i = 0; i < len; i++)
        set_mr(r, rbuf, i, get_mr(s, sbuf, i));
    info = transfer_caps(info, extra, n_extra, ep, r, rbuf);
    info = seL4_MessageInfo_set_length(info, len);
    arch_set_msginfo(r, info.words[0]);
    arch_set_badge(r, badge);
}

static void transfer_fault(struct tcb *s, uint64_t badge, struct tcb *r)
{
    uint64_t mr[seL4_MsgMaxLength];
    seL4_IPCBuffer *rbuf = tcb_ipc_buffer(r);
    unsigned len = fault_message(s, mr);
    if (!rbuf && len > seL4_FastMessageRegisters)
        len = seL4_FastMessageRegisters;
    for (unsigned i = 0; i < len; i++)
        set_mr(r, rbuf, i, mr[i]);
    arch_set_msginfo(r, seL4_MessageInfo_new((uint64_t)s->fault.type, 0, 0, len).words[0]);
    arch_set_badge(r, badge);
}

void ipc_transfer(struct tcb *sender, struct endpoint *ep, uint64_t badge, bool grant,
                  struct tcb *receiver)
{
    if (sender->fault.type == seL4_Fault_NullFault)
        transfer_normal(sender, ep, badge, grant, receiver);
    else
        transfer_fault(sender, badge, receiver);
}

/* seL4's setupCallerCap: the caller waits for a reply through a reply cap
 * in the receiver's Caller slot, child of the caller's master reply cap. */
static void setup_caller(struct tcb *caller, struct tcb *receiver, bool can_grant)
{
    caller->state = ThreadState_BlockedOnReply;
    sched_remove(caller);
    cte_t *master = &caller->slots[TCB_REPLY];
    if (cap_type(master->cap) != cap_reply_cap) {
        cap_t m = cap_make(cap_reply_cap, caller, 0, 0);
        m.flag = 1;
        m.rights = CAP_RIGHT_GRANT;
        master->cap = m;
        master->mdb_prev = master->mdb_next = 0;
    }
    ipc_delete_caller_cap(receiver);
    cap_t reply = cap_make(cap_reply_cap, caller, 0, 0);
    reply.rights = can_grant ? CAP_RIGHT_GRANT : 0;
    cdt_insert(reply, master, &receiver->slots[TCB_CALLER]);
}

void ipc_delete_caller_cap(struct tcb *t)
{
    if (cap_type(t->slots[TCB_CALLER].cap) != cap_null_cap)
        cdt_delete(&t->slots[TCB_CALLER]);
}

void ipc_send(struct tcb *t, bool blocking, bool is_call, uint64_t badge, bool can_grant,
              bool can_grant_reply, struct endpoint *ep)
{
    if (ep_state(ep) != EP_RECV) {
        if (!blocking)
            return;
        t->state = ThreadState_BlockedOnSend;
        t->blocked_on = ep;
        t->blocked_badge = badge;
        t->blocked_can_grant = can_grant;
        t->blocked_can_grant_reply = can_grant_reply;
        t->blocked_is_call = is_call;
        sched_remove(t);
        ep_append(ep, t, EP_SEND);
        return;
    }
    struct tcb *dest = ep_pop_head(ep);
    ipc_transfer(t, ep, badge, can_grant, dest);
    bool reply_can_grant = dest->blocked_can_grant;
    dest->state = ThreadState_Running;
    if (is_call) {
        if (can_grant || can_grant_reply) {
            setup_caller(t, dest, reply_can_grant);
        } else {
            t->state = ThreadState_Inactive;
            sched_remove(t);
        }
    }
    sched_wake(dest);
}

void ipc_receive(struct tcb *t, cap_t cap, bool blocking)
{
    struct endpoint *ep = cap_ptr(cap);
    if (t->bound_ntfn && ntfn_deliver_bound(t))
        return;
    if (ep_state(ep) != EP_SEND) {
        if (!blocking) {
            arch_set_badge(t, 0);
            return;
        }
        t->state = ThreadState_BlockedOnReceive;
        t->blocked_on = ep;
        t->blocked_can_grant = cap.rights & CAP_RIGHT_GRANT;
        sched_remove(t);
        ep_append(ep, t, EP_RECV);
        return;
    }
    struct tcb *sender = ep_pop_head(ep);
    ipc_transfer(sender, ep, sender->blocked_badge, sender->blocked_can_grant, t);
    if (sender->blocked_is_call) {
        if (sender->blocked_can_grant || sender->blocked_can_grant_reply) {
            setup_caller(sender, t, cap.rights & CAP_RIGHT_GRANT);
        } else {
            sender->state = ThreadState_Inactive;
        }
    } else {
        sender->state = ThreadState_Running;
        sched_wake(sender);
    }
}

/* seL4's doReplyTransfer: the reply cap in `slot` names the waiting caller. */
static void reply_transfer(struct tcb *t, struct tcb *caller, cte_t *slot, bool grant)
{
    if (caller->state != ThreadState_BlockedOnReply) {
        cdt_delete(slot);
        return;
    }
    if (caller->fault.type == seL4_Fault_NullFault) {
        ipc_transfer(t, NULL, 0, grant, caller);
        cdt_delete(slot);
        caller->state = ThreadState_Running;
        sched_wake(caller);
        return;
    }
    cdt_delete(slot);
    seL4_IPCBuffer *buf = tcb_ipc_buffer(t);
    seL4_MessageInfo_t info = { { arch_get_msginfo(t) } };
    uint64_t mr[seL4_MsgMaxLength];
    unsigned len = (unsigned)seL4_MessageInfo_get_length(info);
    if (len > seL4_MsgMaxLength)
        len = seL4_MsgMaxLength;
    if (!buf && len > seL4_FastMessageRegisters)
        len = seL4_FastMessageRegisters;
    for (unsigned i = 0; i < len; i++)
        mr[i] = get_mr(t, buf, i);
    bool restart = fault_reply(caller, seL4_MessageInfo_get_label(info), mr, len);
    caller->fault.type = seL4_Fault_NullFault;
    if (restart) {
        caller->state = ThreadState_Restart;
        sched_wake(caller);
    } else {
        caller->state = ThreadState_Inactive;
    }
}

void ipc_reply_cap(struct tcb *t, cte_t *slot)
{
    cap_t c = slot->cap;
    if (cap_type(c) != cap_reply_cap || c.flag)
        return;
    reply_transfer(t, cap_ptr(c), slot, c.rights & CAP_RIGHT_GRANT);
}

void ipc_reply(struct tcb *t)
{
    ipc_reply_cap(t, &t->slots[TCB_CALLER]);
}

void ipc_cancel(struct tcb *t)
{
    switch (t->state) {
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnReceive:
        if (t->blocked_on)
            ep_dequeue(t->blocked_on, t);
        arch_rewind_syscall(t);
        break;
    case ThreadState_BlockedOnNotification:
        if (t->blocked_on)
            ntfn_cancel_signal(t, t->blocked_on);
        arch_rewind_syscall(t);
        break;
    case ThreadState_BlockedOnReply: {
        t->fault.type = seL4_Fault_NullFault;
        cte_t *master = &t->slots[TCB_REPLY];
        cte_t *r = cap_type(master->cap) == cap_reply_cap ? mdb_next(master) : NULL;
        if (r && cap_type(r->cap) == cap_reply_cap && !r->cap.flag && cap_ptr(r->cap) == t)
            cdt_delete(r);
        arch_rewind_syscall(t);
        break;
    }
    default:
        break;
    }
    t->blocked_on = NULL;
}

static void restart_queued(struct tcb *t)
{
    t->ep_next = t->ep_prev = NULL;
    t->blocked_on = NULL;
    t->fault.type = seL4_Fault_NullFault;
    arch_rewind_syscall(t);
    t->state = ThreadState_Restart;
    sched_make_runnable(t);
}

void ipc_cancel_all(struct endpoint *ep)
{
    struct tcb *t = ep->head;
    ep->head = NULL;
    ep_set(ep, NULL, EP_IDLE);
    while (t) {
        struct tcb *next = t->ep_next;
        restart_queued(t);
        t = next;
    }
}

void ipc_cancel_badged_sends(struct endpoint *ep, uint64_t badge)
{
    if (ep_state(ep) != EP_SEND)
        return;
    for (struct tcb *t = ep->head, *next; t; t = next) {
        next = t->ep_next;
        if (t->blocked_badge == badge) {
            ep_dequeue(ep, t);
            restart_queued(t);
        }
    }
}

/* As seL4's decodeInvocation: sending needs the Write right; a Call gets
 * seL4_InvalidCapability back, a Send nothing. */
static void no_write_right(struct tcb *t, bool is_call)
{
    if (!is_call)
        return;
    const uint64_t mr[4] = { 0, 0, 0, 0 };
    arch_set_reply(t, seL4_MessageInfo_new(seL4_InvalidCapability, 0, 0, 1).words[0], mr);
}

/* A bound notification's signal takes t out of its endpoint queue; the
 * Recv completes with the badge, so nothing is re-executed. */
void ipc_cancel_receive(struct tcb *t)
{
    if (t->state == ThreadState_BlockedOnReceive && t->blocked_on)
        ep_dequeue(t->blocked_on, t);
    t->blocked_on = NULL;
}

/* seL4_Send/NBSend/Call on an endpoint or notification cap. */
void ipc_invoke(struct tcb *t, cap_t cap, uint64_t msginfo, bool is_call, bool is_blocking)
{
    (void)msginfo;
    switch (cap_type(cap)) {
    case cap_endpoint_cap:
        if (!(cap.rights & CAP_RIGHT_WRITE)) {
            no_write_right(t, is_call);
            return;
        }
        ipc_send(t, is_blocking, is_call, cap.data, cap.rights & CAP_RIGHT_GRANT,
                 cap.rights & CAP_RIGHT_GRANT_REPLY, cap_ptr(cap));
        return;
    case cap_notification_cap:
        if (!(cap.rights & CAP_RIGHT_WRITE)) {
            no_write_right(t, is_call);
            return;
        }
        ntfn_signal(cap_ptr(cap), cap.data);
        return;
    default:
        return;
    }
}
