// SPDX-License-Identifier: BSD-2-Clause
/*
 * Scheduler core, seL4's classic model: 256 priorities, each with a FIFO
 * ready queue; a bitmap of non-empty queues finds the highest priority in
 * four word tests. The running thread is never in a queue. It keeps the CPU
 * until it blocks, yields, uses up its time slice (TIME_SLICE_TICKS timer
 * ticks; then it goes to the tail of its queue) or a higher-priority thread
 * becomes runnable (then it goes back to the head, to resume first).
 *
 * Kernel entries end in kernel_exit(): schedule, then leave through the
 * arch. With no runnable thread the CPU idles in hlt with interrupts on, so
 * an idle system costs the host nothing and an interrupt can still wake it.
 */
#include <kernel/thread.h>
#include <kernel/interrupt.h>
#include <kernel/kprintf.h>
#include <kernel/fastpath.h>

/* The per-CPU state (<kernel/percpu.h>), alone in the hot data page. */
struct percpu kcpu KERNEL_HOT_DATA __attribute__((aligned(64)));

static struct {
    struct tcb *head, *tail;
} ready[N_PRIORITIES];

static void enqueue(struct tcb *t, bool at_head)
{
    kassert(!t->in_ready_queue);
    unsigned p = t->priority;
    t->sched_prev = t->sched_next = NULL;
    if (!ready[p].head) {
        ready[p].head = ready[p].tail = t;
    } else if (at_head) {
        t->sched_next = ready[p].head;
        ready[p].head->sched_prev = t;
        ready[p].head = t;
    } else {
        t->sched_prev = ready[p].tail;
        ready[p].tail->sched_next = t;
        ready[p].tail = t;
    }
    kcpu.ready_bitmap[p / 64] |= 1ull << (p % 64);
    t->in_ready_queue = true;
}

static void dequeue(struct tcb *t)
{
    unsigned p = t->priority;
    if (t->sched_prev)
        t->sched_prev->sched_next = t->sched_next;
    else
        ready[p].head = t->sched_next;
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
    else
        ready[p].tail = t->sched_prev;
    if (!ready[p].head)
        kcpu.ready_bitmap[p / 64] &= ~(1ull << (p % 64));
    t->sched_next = t->sched_prev = NULL;
    t->in_ready_queue = false;
}

static struct tcb *highest_ready(void)
{
    for (int w = N_PRIORITIES / 64 - 1; w >= 0; w--)
        if (kcpu.ready_bitmap[w])
            return ready[w * 64 + 63 - __builtin_clzll(kcpu.ready_bitmap[w])].head;
    return NULL;
}

KERNEL_FASTPATH_TEXT int sched_highest_ready_priority(void)
{
    for (int w = N_PRIORITIES / 64 - 1; w >= 0; w--)
        if (kcpu.ready_bitmap[w])
            return w * 64 + 63 - __builtin_clzll(kcpu.ready_bitmap[w]);
    return -1;
}

void sched_make_runnable(struct tcb *t)
{
    if (t == kcpu.sched.current || t->in_ready_queue)
        return;
    if (!t->time_slice_ticks)
        t->time_slice_ticks = TIME_SLICE_TICKS;
    enqueue(t, false);
    if (!kcpu.sched.current || t->priority > kcpu.sched.current->priority)
        kcpu.sched.preempted = true;
}

void sched_wake(struct tcb *t)
{
    struct tcb *cur = kcpu.sched.current;
    if (t == cur || t->in_ready_queue)
        return;
    if (cur && !thread_is_runnable(cur) && t->priority >= cur->priority) {
        /* The current thread just blocked in IPC with t: t goes first
         * among its priority, as seL4 switches to it directly. */
        if (!t->time_slice_ticks)
            t->time_slice_ticks = TIME_SLICE_TICKS;
        enqueue(t, true);
        return;
    }
    sched_make_runnable(t);
}

void sched_set_priority(struct tcb *t, uint8_t prio)
{
    if (t->in_ready_queue) {
        dequeue(t);
        t->priority = prio;
        sched_make_runnable(t);
        return;
    }
    t->priority = prio;
    /* The current thread lowered below a ready one gives way. */
    if (t == kcpu.sched.current && highest_ready() && highest_ready()->priority > prio)
        kcpu.sched.preempted = true;
}

void sched_remove(struct tcb *t)
{
    if (t->in_ready_queue)
        dequeue(t);
}

void sched_yield(void)
{
    kcpu.sched.slice_expired = true;
}

void sched_timer_tick(void)
{
    struct tcb *t = kcpu.sched.current;
    if (t && --t->time_slice_ticks == 0) {
        t->time_slice_ticks = TIME_SLICE_TICKS;
        kcpu.sched.slice_expired = true;
    }
}

KERNEL_FASTPATH_TEXT void schedule(void)
{
    struct tcb *cur = kcpu.sched.current;
    if (cur && thread_is_runnable(cur)) {
        if (kcpu.sched.slice_expired)
            enqueue(cur, false);
        else if (kcpu.sched.preempted)
            enqueue(cur, true);
        else
            goto done;
    }
    cur = highest_ready();
    if (cur)
        dequeue(cur);
    kcpu.sched.current = cur;
done:
    kcpu.sched.slice_expired = kcpu.sched.preempted = false;
}

KERNEL_FASTPATH_TEXT void kernel_exit(void)
{
    /* Said once: afterwards an idle CPU is normal (every thread waiting for
     * input) and the line would land in the middle of user output. */
    static bool said_idle;
    schedule();
    if (!kcpu.sched.current) {
        if (!said_idle)
            kprintf("[KaaL] no runnable threads: idle\n");
        said_idle = true;
        arch_idle();
    }
    arch_activate_thread(kcpu.sched.current);
}
