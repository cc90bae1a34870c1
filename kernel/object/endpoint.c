// SPDX-License-Identifier: BSD-2-Clause
/*
 * Endpoint and notification objects. This issue creates, copies and deletes
 * them; sending and receiving (seL4_Send/Call/NBSend on an endpoint or
 * notification cap, Recv, Reply, ...) is the threads/IPC issue, which
 * replaces ipc_invoke() below. Until then the behaviour is what seL4 does
 * when nobody is listening: a notification signal is recorded in the
 * notification word, a non-blocking send is dropped, and a blocking send or
 * call on an endpoint blocks the sender (for good: no receiver can exist).
 */
#include <kernel/invocation.h>
#include <kernel/thread.h>

/* Notification object layout (first word; 2^seL4_NotificationBits bytes). */
struct notification {
    uint64_t word;
    uint64_t reserved[3];
};
_Static_assert(sizeof(struct notification) == (1u << seL4_NotificationBits), "ntfn size");

void ipc_invoke(struct tcb *t, cap_t cap, uint64_t msginfo, bool is_call, bool is_blocking)
{
    (void)msginfo;
    if (cap_type(cap) == cap_notification_cap) {
        if (cap.rights & CAP_RIGHT_WRITE) {
            struct notification *n = cap_ptr(cap);
            n->word |= cap.data;
        }
        return;
    }
    if (cap_type(cap) == cap_endpoint_cap && (cap.rights & CAP_RIGHT_WRITE) &&
        (is_blocking || is_call)) {
        t->state = ThreadState_BlockedOnSend;
        sched_remove(t);
    }
}
