// SPDX-License-Identifier: BSD-2-Clause
/*
 * Generic interrupt handling. The kernel timer drives time slices; every
 * other line belongs to user space through IRQHandler capabilities: the arch
 * has masked the line and acknowledged the controller before we get here,
 * and the handler's notification is signalled (handle_user_irq). The line is
 * unmasked again by seL4_IRQHandler_Ack.
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

/* Until IRQ handler objects exist, a user IRQ has nobody to go to: it stays
 * masked and is reported once. */
void handle_user_irq(int irq)
{
    kprintf("[KaaL] IRQ %d has no handler: masked\n", irq);
}
