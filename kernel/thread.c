// SPDX-License-Identifier: BSD-2-Clause
/*
 * Scheduler core. Kernel entries end in kernel_exit(), which picks the
 * thread to run and leaves through the arch. With no runnable thread the
 * CPU idles in hlt with interrupts on, so an idle system costs the host
 * nothing and an interrupt can still wake it.
 */
#include <kernel/thread.h>
#include <kernel/kprintf.h>

struct sched_state ksched;

void schedule(void)
{
    struct tcb *t = ksched.current;
    if (t && (t->state == ThreadState_Running || t->state == ThreadState_Restart))
        return;
    ksched.current = 0;
}

void kernel_exit(void)
{
    schedule();
    if (!ksched.current) {
        kprintf("[KaaL] no runnable threads: idle\n");
        arch_idle();
    }
    arch_activate_thread(ksched.current);
}
