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

/* handle_user_irq: kernel/object/irq.c (IRQHandler caps, notifications). */
