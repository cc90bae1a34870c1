/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupts as the generic kernel sees them. The arch numbers interrupt
 * lines it can deliver (IRQ numbers, seL4's `irq` argument) and calls
 * handle_interrupt() on each, with the kernel entered from user mode or from
 * the idle loop. The timer drives the scheduler's time slices.
 */
#pragma once

#include <stdint.h>

#define TIMER_TICK_MS 2       /* timer interrupt period */
#define TIME_SLICE_TICKS 5    /* round-robin quantum: 10 ms, as seL4's default */

typedef enum {
    IRQ_TIMER = -1,   /* the kernel's own tick, never handed to user space */
    IRQ_SPURIOUS = -2,
} irq_special_t;

/* Generic handler, called by the arch with interrupts off. */
void handle_interrupt(int irq);

/* Hook for the IRQ objects (IRQHandler caps, notifications): a user IRQ
 * that fired. Until IRQ handlers exist it is masked and reported. */
void handle_user_irq(int irq);

/* Timer tick: time-slice accounting (kernel/thread.c or sched.c). */
void sched_timer_tick(void);

/* arch */
void arch_timer_init(void);
uint64_t arch_timer_ticks(void);       /* ticks since boot */
