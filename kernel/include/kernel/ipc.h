/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPC objects and operations, seL4's classic (non-MCS) model: endpoints
 * with FIFO queues of blocked senders or receivers, notifications with a
 * badge word and a queue of waiters, reply caps in the receiver's Caller
 * slot, faults delivered as messages. Single core: everything runs with
 * interrupts off inside one kernel entry.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <kernel/thread.h>
#include <kernel/cap.h>
#include <stddef.h>
#include <sel4/errors.h>

/* Endpoint object (2^seL4_EndpointBits = 16 bytes): a FIFO queue of
 * threads all blocked the same way; state says which way. */
enum ep_state { EP_IDLE = 0, EP_SEND, EP_RECV };
struct endpoint {
    struct tcb *head;
    uintptr_t tail_state; /* tail tcb | ep_state (TCBs are 2 KiB aligned) */
};

/* Notification object (2^seL4_NotificationBits = 32 bytes). */
enum ntfn_state { NTFN_IDLE = 0, NTFN_WAITING, NTFN_ACTIVE };
struct notification {
    struct tcb *head, *tail;  /* waiters (state NTFN_WAITING) */
    uint64_t word;            /* OR of badges signalled (state NTFN_ACTIVE) */
    uintptr_t bound_state;    /* bound tcb | ntfn_state */
};

/* The endpoint queue, written once for endpoint.c and the IPC fastpath
 * (kernel/fastpath.c), hence always inlined (the fastpath's code stays on
 * its own page). Invariant: EP_IDLE exactly when the queue is empty. */
#define EP_STATE_MASK 3ul
#define IPC_INLINE static inline __attribute__((always_inline))

IPC_INLINE enum ep_state ep_state(const struct endpoint *ep)
{
    return (enum ep_state)(ep->tail_state & EP_STATE_MASK);
}

IPC_INLINE struct tcb *ep_tail(const struct endpoint *ep)
{
    return (struct tcb *)(ep->tail_state & ~EP_STATE_MASK);
}

IPC_INLINE void ep_set(struct endpoint *ep, struct tcb *tail, enum ep_state st)
{
    ep->tail_state = (uintptr_t)tail | st;
}

/* t joins the tail of the queue, which is (now) in state st. */
IPC_INLINE void ep_append(struct endpoint *ep, struct tcb *t, enum ep_state st)
{
    struct tcb *tail = ep_tail(ep);
    t->ep_next = NULL;
    t->ep_prev = tail;
    if (tail)
        tail->ep_next = t;
    else
        ep->head = t;
    ep_set(ep, t, st);
}

/* t leaves the queue (and is no longer blocked on the endpoint). */
IPC_INLINE void ep_dequeue(struct endpoint *ep, struct tcb *t)
{
    struct tcb *tail = ep_tail(ep);
    if (t->ep_prev)
        t->ep_prev->ep_next = t->ep_next;
    else
        ep->head = t->ep_next;
    if (t->ep_next)
        t->ep_next->ep_prev = t->ep_prev;
    else
        tail = t->ep_prev;
    ep_set(ep, tail, ep->head ? ep_state(ep) : EP_IDLE);
    t->ep_next = t->ep_prev = NULL;
    t->blocked_on = NULL;
}

/* The head of a non-empty queue leaves it (a send or receive meets it). */
IPC_INLINE struct tcb *ep_pop_head(struct endpoint *ep)
{
    struct tcb *t = ep->head, *next = t->ep_next;
    ep->head = next;
    if (next)
        next->ep_prev = NULL;
    else
        ep_set(ep, NULL, EP_IDLE);
    t->ep_next = t->ep_prev = NULL;
    t->blocked_on = NULL;
    return t;
}

#define NTFN_STATE_MASK 3ul

IPC_INLINE enum ntfn_state ntfn_state(const struct notification *n)
{
    return (enum ntfn_state)(n->bound_state & NTFN_STATE_MASK);
}

/* Reply caps: flag = master (the TCB's own Reply slot), rights bit
 * CAP_RIGHT_GRANT = the reply may grant caps. */

/* endpoint.c */
void ipc_send(struct tcb *t, bool blocking, bool is_call, uint64_t badge, bool can_grant,
              bool can_grant_reply, struct endpoint *ep);
void ipc_receive(struct tcb *t, cap_t ep_cap, bool blocking);
void ipc_reply(struct tcb *t);        /* seL4_Reply from t's Caller slot */
void ipc_reply_cap(struct tcb *t, cte_t *slot); /* Send on a (saved) reply cap */
void ipc_cancel_receive(struct tcb *t);
void ipc_delete_caller_cap(struct tcb *t);
/* Takes t out of whatever IPC it is blocked in; it becomes Inactive.
 * A thread blocked in a system call re-executes it when resumed. */
void ipc_cancel(struct tcb *t);
/* Endpoint/notification deleted: every queued thread restarts. */
void ipc_cancel_all(struct endpoint *ep);
void ipc_cancel_badged_sends(struct endpoint *ep, uint64_t badge);
/* Message transfer between two threads (also used for fault replies). */
void ipc_transfer(struct tcb *sender, struct endpoint *ep, uint64_t badge, bool grant,
                  struct tcb *receiver);

/* notification.c */
void ntfn_signal(struct notification *n, uint64_t badge);
void ntfn_receive(struct tcb *t, cap_t ntfn_cap, bool blocking);
void ntfn_cancel_signal(struct tcb *t, struct notification *n);
void ntfn_cancel_all(struct notification *n);
void ntfn_bind(struct notification *n, struct tcb *t);
void ntfn_unbind(struct tcb *t);
void ntfn_unbind_all(struct notification *n);
/* A thread blocked on its endpoint was woken by its bound notification. */
bool ntfn_deliver_bound(struct tcb *t);

/* Registers of the seL4 x86_64 convention (arch/object/tcb.c). */
void arch_set_badge(struct tcb *t, uint64_t badge);
void arch_set_msginfo(struct tcb *t, uint64_t info);
uint64_t arch_get_msginfo(const struct tcb *t);
uint64_t arch_get_mr(const struct tcb *t, unsigned i);       /* i < 4 */
void arch_set_mr(struct tcb *t, unsigned i, uint64_t v);     /* i < 4 */
bool ntfn_is_bound(const struct notification *n);
bool ntfn_has_waiters(const struct notification *n);

/* seL4_UserContext register numbers (x86_64): rip, rsp, rflags, rax, rbx,
 * rcx, rdx, rsi, rdi, rbp, r8..r15, fs_base, gs_base. */
#define KAAL_REG_RIP 0
#define KAAL_REG_RSP 1
#define KAAL_REG_RFLAGS 2
#define KAAL_REG_FS_BASE 18
#define KAAL_REG_GS_BASE 19
#define KAAL_N_USER_REGS 20
#define KAAL_N_FRAME_REGS 10 /* rip .. rbp: CopyRegisters' "frame" part */
uint64_t arch_get_user_reg(const struct tcb *t, unsigned reg);
void arch_set_user_reg(struct tcb *t, unsigned reg, uint64_t v);

/* tcb.c */
void tcb_suspend(struct tcb *t);
void tcb_restart(struct tcb *t);
void tcb_finalise(struct tcb *t);

/* irq.c: deleting the last IRQHandler cap frees the line. */
void irq_handler_finalise(cap_t cap);
bool irq_is_issued(unsigned irq);
void irq_issue(unsigned irq, cte_t *control, cte_t *dest);
void irq_forget_notification(const struct notification *n);
/* arch: IRQControl's arch labels; mask/unmask a routed line. */
struct invocation;
seL4_Error arch_decode_irq_control(struct invocation *inv);
void arch_irq_set_masked(unsigned irq, bool masked);
seL4_Error arch_decode_io_port_control(struct invocation *inv);
seL4_Error arch_decode_io_port(struct invocation *inv);
void arch_io_port_finalise(cap_t cap);
