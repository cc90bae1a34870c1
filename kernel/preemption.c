// SPDX-License-Identifier: BSD-2-Clause
/*
 * seL4's preemptionPoint: count units of work and, every
 * PREEMPTION_WORK_UNITS of them, ask the interrupt controller whether an
 * interrupt is pending (a register read, too slow to do on every unit).
 * The count carries over between operations and system calls, so an
 * operation restarted after a preemption does at least that much work
 * before it can be stopped again: it always makes progress.
 */
#include <kernel/preemption.h>

static unsigned work_units;

bool preemption_point(void)
{
    if (++work_units < PREEMPTION_WORK_UNITS)
        return false;
    work_units = 0;
    return arch_irq_pending();
}
