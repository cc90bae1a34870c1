// SPDX-License-Identifier: BSD-2-Clause
/*
 * Interrupts for user space, seL4's model. IRQControl hands out one
 * IRQHandler cap per IRQ number (the arch decodes where the line comes
 * from: IOAPIC pin or MSI); the handler cap names a notification
 * (SetNotification) that the kernel signals, with that notification cap's
 * badge, each time the line fires. A line the arch can mask (an IOAPIC
 * pin) is masked from delivery until the handler acknowledges it
 * (IRQHandler_Ack), so a driver sees one signal per interrupt it has not
 * yet handled; an MSI cannot be masked (as in seL4) and signals each time.
 *
 * State per IRQ number: issued (a handler cap exists) and the notification
 * and badge to signal. A deleted notification is forgotten here. Decoders
 * check everything and end with an invoke_* step that cannot fail.
 */
#include <kernel/invocation.h>
#include <kernel/interrupt.h>
#include <kernel/ipc.h>
#include <kernel/kprintf.h>
#include <arch/irq.h>

#define N_IRQS ARCH_N_USER_IRQS

static struct {
    bool issued;
    struct notification *ntfn;
    uint64_t badge;
} irqs[N_IRQS];

bool irq_is_issued(unsigned irq)
{
    return irq < N_IRQS && irqs[irq].issued;
}

/* The generic part of the arch's IRQControl invoke step (cannot fail). */
void irq_issue(unsigned irq, cte_t *control, cte_t *dest)
{
    irqs[irq].issued = true;
    irqs[irq].ntfn = NULL;
    cdt_insert(cap_make(cap_irq_handler_cap, 0, 0, irq), control, dest);
}

void irq_handler_finalise(cap_t cap)
{
    unsigned irq = (unsigned)cap.data;
    if (irq >= N_IRQS)
        return;
    arch_irq_set_masked(irq, true);
    irqs[irq].issued = false;
    irqs[irq].ntfn = NULL;
}

void irq_forget_notification(const struct notification *n)
{
    for (unsigned i = 0; i < N_IRQS; i++)
        if (irqs[i].ntfn == n)
            irqs[i].ntfn = NULL;
}

seL4_Error decode_irq_control_invocation(struct invocation *inv)
{
    /* seL4's generic IRQIssueIRQHandler is not offered on x86 (the arch
     * labels say where the line comes from). */
    return arch_decode_irq_control(inv);
}

static void invoke_irq_handler_ack(unsigned irq)
{
    arch_irq_set_masked(irq, false);
}

static void invoke_irq_handler_set(unsigned irq, cap_t ntfn_cap)
{
    irqs[irq].ntfn = cap_ptr(ntfn_cap);
    irqs[irq].badge = ntfn_cap.data;
}

static void invoke_irq_handler_clear(unsigned irq)
{
    irqs[irq].ntfn = NULL;
}

seL4_Error decode_irq_handler_invocation(struct invocation *inv)
{
    unsigned irq = (unsigned)inv->cap.data;
    switch (inv->label) {
    case IRQAckIRQ:
        invoke_irq_handler_ack(irq);
        return seL4_NoError;
    case IRQSetIRQHandler: {
        if (!inv->extra[0])
            return syscall_error(seL4_TruncatedMessage);
        cap_t n = inv->extra[0]->cap;
        if (cap_type(n) != cap_notification_cap || !(n.rights & CAP_RIGHT_WRITE))
            return error_invalid_cap(0);
        invoke_irq_handler_set(irq, n);
        return seL4_NoError;
    }
    case IRQClearIRQHandler:
        invoke_irq_handler_clear(irq);
        return seL4_NoError;
    default:
        return syscall_error(seL4_IllegalOperation);
    }
}

/* The arch masked the line and acknowledged the controller. */
void handle_user_irq(int irq)
{
    if (irq < 0 || irq >= N_IRQS || !irqs[irq].issued) {
        kprintf("[KaaL] IRQ %d has no handler: ignored\n", irq);
        return;
    }
    arch_irq_set_masked((unsigned)irq, true); /* until IRQHandler_Ack */
    if (irqs[irq].ntfn)
        ntfn_signal(irqs[irq].ntfn, irqs[irq].badge);
}
