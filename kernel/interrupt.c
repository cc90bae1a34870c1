// SPDX-License-Identifier: BSD-2-Clause
/*
 * Generic interrupt handling. The kernel timer drives time slices; every
 * other line belongs to user space through IRQHandler capabilities: the arch
 * has acknowledged the controller before we get here; handle_user_irq masks
 * the line where it can (an IOAPIC pin, not an MSI) and signals the
 * handler's notification. seL4_IRQHandler_Ack unmasks it again.
 */
#include <kernel/interrupt.h>
#include <kernel/kprintf.h>

void handle_interrupt(int irq)
{
    switch (irq) {
    case IRQ_TIMER:
        sched_timer_tick();
        break;
    case IRQ_SPURIOUS:
        break;
    default:
        handle_user_irq(irq);
        break;
    }
}

/* handle_user_irq: kernel/object/irq.c (IRQHandler caps, notifications). */
