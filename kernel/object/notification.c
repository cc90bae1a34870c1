// SPDX-License-Identifier: BSD-2-Clause
/*
 * Notifications, seL4's model: a word of badge bits and a FIFO queue of
 * waiting threads. A signal wakes the first waiter with the signalling
 * cap's badge, or ORs the badge into the word (state NTFN_ACTIVE) when
 * nobody waits; a wait takes and clears the word, or blocks. A notification
 * bound to a thread also wakes that thread while it is blocked receiving on
 * an endpoint (the Recv returns with the badge), so one thread can serve
 * both IPC and signals.
 *
 * Invariants: state NTFN_WAITING exactly when the queue is non-empty; the
 * word is only meaningful in NTFN_ACTIVE; bound_state's tcb and that tcb's
 * bound_ntfn point at each other.
 */
#include <kernel/ipc.h>

static struct tcb *ntfn_bound(const struct notification *n)
{
    return (struct tcb *)(n->bound_state & ~NTFN_STATE_MASK);
}

static void ntfn_set_state(struct notification *n, enum ntfn_state st)
{
    n->bound_state = (n->bound_state & ~NTFN_STATE_MASK) | st;
}

static void ntfn_dequeue(struct notification *n, struct tcb *t)
{
    if (t->ep_prev)
        t->ep_prev->ep_next = t->ep_next;
    else
        n->head = t->ep_next;
    if (t->ep_next)
        t->ep_next->ep_prev = t->ep_prev;
    else
        n->tail = t->ep_prev;
    t->ep_next = t->ep_prev = NULL;
    t->blocked_on = NULL;
    if (!n->head)
        ntfn_set_state(n, NTFN_IDLE);
}

void ntfn_signal(struct notification *n, uint64_t badge)
{
    switch (ntfn_state(n)) {
    case NTFN_IDLE: {
        struct tcb *t = ntfn_bound(n);
        if (t && t->state == ThreadState_BlockedOnReceive) {
            ipc_cancel_receive(t);
            t->state = ThreadState_Running;
            arch_set_badge(t, badge);
            sched_wake(t);
            return;
        }
        n->word = badge;
        ntfn_set_state(n, NTFN_ACTIVE);
        return;
    }
    case NTFN_WAITING: {
        struct tcb *t = n->head;
        ntfn_dequeue(n, t);
        t->state = ThreadState_Running;
        arch_set_badge(t, badge);
        sched_wake(t);
        return;
    }
    case NTFN_ACTIVE:
        n->word |= badge;
        return;
    }
}

void ntfn_receive(struct tcb *t, cap_t cap, bool blocking)
{
    struct notification *n = cap_ptr(cap);
    if (ntfn_state(n) == NTFN_ACTIVE) {
        arch_set_badge(t, n->word);
        n->word = 0;
        ntfn_set_state(n, NTFN_IDLE);
        return;
    }
    if (!blocking) {
        arch_set_badge(t, 0);
        return;
    }
    t->state = ThreadState_BlockedOnNotification;
    t->blocked_on = n;
    sched_remove(t);
    t->ep_next = NULL;
    t->ep_prev = n->tail;
    if (n->tail)
        n->tail->ep_next = t;
    else
        n->head = t;
    n->tail = t;
    ntfn_set_state(n, NTFN_WAITING);
}

bool ntfn_deliver_bound(struct tcb *t)
{
    struct notification *n = t->bound_ntfn;
    if (!n || ntfn_state(n) != NTFN_ACTIVE)
        return false;
    arch_set_badge(t, n->word);
    n->word = 0;
    ntfn_set_state(n, NTFN_IDLE);
    return true;
}

void ntfn_cancel_signal(struct tcb *t, struct notification *n)
{
    ntfn_dequeue(n, t);
}

void ntfn_cancel_all(struct notification *n)
{
    if (ntfn_state(n) != NTFN_WAITING)
        return;
    struct tcb *t = n->head;
    n->head = n->tail = NULL;
    ntfn_set_state(n, NTFN_IDLE);
    while (t) {
        struct tcb *next = t->ep_next;
        t->ep_next = t->ep_prev = NULL;
        t->blocked_on = NULL;
        arch_rewind_syscall(t);
        t->state = ThreadState_Restart;
        sched_make_runnable(t);
        t = next;
    }
}

void ntfn_bind(struct notification *n, struct tcb *t)
{
    n->bound_state = (uintptr_t)t | ntfn_state(n);
    t->bound_ntfn = n;
}

void ntfn_unbind(struct tcb *t)
{
    struct notification *n = t->bound_ntfn;
    if (n)
        n->bound_state &= NTFN_STATE_MASK;
    t->bound_ntfn = NULL;
}

void ntfn_unbind_all(struct notification *n)
{
    struct tcb *t = ntfn_bound(n);
    if (t)
        t->bound_ntfn = NULL;
    n->bound_state &= NTFN_STATE_MASK;
}

bool ntfn_is_bound(const struct notification *n)
{
    return ntfn_bound(n) != NULL;
}

bool ntfn_has_waiters(const struct notification *n)
{
    return ntfn_state(n) == NTFN_WAITING;
}
