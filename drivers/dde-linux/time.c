// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux time: jiffies, delays, timer_list, work items, delayed work,
 * workqueues, completions, on the one driver thread.
 *
 * jiffies is milliseconds (HZ 1000) of dde_platform_now_ns(), read fresh
 * each time. Delays (udelay .. msleep) wait through dde_platform_delay_ns:
 * while the driver is inside a call nothing else of it can run anyway.
 *
 * Timers: a singly linked list sorted by expiry (earliest first; equal
 * expiries keep the order they were added). A timer is on the list iff
 * its `pending` is set. dde_time_run_due() takes every expired timer off
 * the list and calls it, then runs the work queue: a FIFO of work items,
 * each on it iff `queued`. A work item queued again while it runs is run
 * again afterwards (Linux's rule: queueing a running item is allowed).
 * Delayed work is a timer whose expiry queues the work. Every workqueue is
 * the one queue: ordering between queues is not preserved (none is
 * needed by a single-threaded driver). The event loop (dde_run_pending)
 * calls this after every event and arms the platform's timeout to
 * dde_next_deadline_ns().
 */
#include <dde/kernel.h>

#include "dde_internal.h"

static struct timer_list *timers;                /* sorted by expires */
static struct work_struct *work_head, *work_tail; /* FIFO */
static struct workqueue_struct {
    int unused;
} the_wq;
struct workqueue_struct *system_wq = &the_wq;

unsigned long dde_jiffies(void)
{
    return (unsigned long)(dde_platform_now_ns() / 1000000u);
}

void ndelay(unsigned long ns)
{
    dde_platform_delay_ns(ns);
}

void udelay(unsigned long us)
{
    dde_platform_delay_ns((uint64_t)us * 1000u);
}

void mdelay(unsigned long ms)
{
    dde_platform_delay_ns((uint64_t)ms * 1000000u);
}

void msleep(unsigned int ms)
{
    mdelay(ms);
}

unsigned long msleep_interruptible(unsigned int ms)
{
    mdelay(ms);
    return 0;
}

void usleep_range(unsigned long min_us, unsigned long max_us)
{
    (void)max_us;
    udelay(min_us);
}

/* ---- timers ---- */

static void unlink_timer(struct timer_list *t)
{
    for (struct timer_list **pp = &timers; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    t->next = NULL;
    t->pending = false;
}

static void link_timer(struct timer_list *t)
{
    struct timer_list **pp = &timers;
    while (*pp && !time_after((*pp)->expires, t->expires))
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->pending = true;
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags)
{
    (void)flags;
    t->next = NULL;
    t->function = fn;
    t->expires = 0;
    t->pending = false;
}

int mod_timer(struct timer_list *t, unsigned long expires)
{
    int was = t->pending;
    if (was)
        unlink_timer(t);
    t->expires = expires;
    link_timer(t);
    return was;
}

void add_timer(struct timer_list *t)
{
    mod_timer(t, t->expires);
}

int del_timer(struct timer_list *t)
{
    int was = t->pending;
    if (was)
        unlink_timer(t);
    return was;
}

/* One thread: a timer function is never running while someone deletes. */
int del_timer_sync(struct timer_list *t)
{
    return del_timer(t);
}

/* ---- work ---- */

static bool enqueue(struct work_struct *w)
{
    if (w->queued)
        return false;
    w->queued = true;
    w->next = NULL;
    if (work_tail)
        work_tail->next = w;
    else
        work_head = w;
    work_tail = w;
    return true;
}

static bool dequeue(struct work_struct *w)
{
    if (!w->queued)
        return false;
    struct work_struct *prev = NULL;
    for (struct work_struct *c = work_head; c; prev = c, c = c->next) {
        if (c != w)
            continue;
        if (prev)
            prev->next = c->next;
        else
            work_head = c->next;
        if (work_tail == c)
            work_tail = prev;
        break;
    }
    w->queued = false;
    w->next = NULL;
    return true;
}

bool schedule_work(struct work_struct *w)
{
    return enqueue(w);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
    (void)wq;
    return enqueue(w);
}

static void delayed_work_fire(struct timer_list *t)
{
    struct delayed_work *dw = container_of(t, struct delayed_work, timer);
    enqueue(&dw->work);
}

void dde_init_delayed_work(struct delayed_work *dw, work_func_t fn)
{
    INIT_WORK(&dw->work, fn);
    timer_setup(&dw->timer, delayed_work_fire, 0);
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay)
{
    (void)wq;
    if (dw->work.queued || dw->timer.pending)
        return false;
    if (delay == 0)
        return enqueue(&dw->work);
    mod_timer(&dw->timer, jiffies + delay);
    return true;
}

bool schedule_delayed_work(struct delayed_work *dw, unsigned long delay)
{
    return queue_delayed_work(system_wq, dw, delay);
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw, unsigned long delay)
{
    bool was = del_timer(&dw->timer) | dequeue(&dw->work);
    queue_delayed_work(wq, dw, delay);
    return was;
}

bool cancel_work_sync(struct work_struct *w)
{
    return dequeue(w);
}

bool cancel_delayed_work(struct delayed_work *dw)
{
    bool t = del_timer(&dw->timer);
    bool q = dequeue(&dw->work);
    return t || q;
}

bool cancel_delayed_work_sync(struct delayed_work *dw)
{
    return cancel_delayed_work(dw);
}

bool work_pending(const struct work_struct *w)
{
    return w->queued;
}

/* Runs the item now if it is queued (what flushing means on one thread). */
void flush_work(struct work_struct *w)
{
    if (w->running || !dequeue(w))
        return;
    w->running = true;
    w->func(w);
    w->running = false;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
{
    (void)fmt, (void)flags, (void)max_active;
    return system_wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
    (void)wq;
}

/* ---- the loop's step ---- */

bool dde_time_run_due(void)
{
    bool ran = false;
    unsigned long now = jiffies;
    while (timers && !time_after(timers->expires, now)) {
        struct timer_list *t = timers;
        unlink_timer(t);
        t->function(t);
        ran = true;
    }
    /* Only the items queued now: one queued by a running item waits for
     * the next round, so a self-requeueing item cannot starve the loop. */
    struct work_struct *last = work_tail;
    while (work_head) {
        struct work_struct *w = work_head;
        dequeue(w);
        w->running = true;
        w->func(w);
        w->running = false;
        ran = true;
        if (w == last)
            break;
    }
    return ran;
}

uint64_t dde_next_deadline_ns(void)
{
    if (!timers)
        return 0;
    uint64_t now_ns = dde_platform_now_ns();
    unsigned long now = (unsigned long)(now_ns / 1000000u);
    if (!time_after(timers->expires, now))
        return now_ns;
    return now_ns + (uint64_t)(timers->expires - now) * 1000000u;
}

unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout)
{
    unsigned long end = jiffies + timeout;
    while (!c->done) {
        if (!time_before(jiffies, end))
            return 0;
        if (!dde_run_pending(1))
            mdelay(1);
    }
    c->done--;
    unsigned long left = end - jiffies;
    return left ? left : 1;
}

bool dde_run_pending(int max_rounds)
{
    for (int i = 0; i < max_rounds; i++) {
        bool ran = dde_time_run_due();
        bool napi_more = dde_napi_round();
        if (!ran && !napi_more)
            return false;
    }
    /* Out of rounds: due work left? (a timer that expired meanwhile counts) */
    return work_head != NULL || (timers && !time_after(timers->expires, jiffies)) ||
           dde_napi_round_pending();
}
