/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Preemption points in long kernel operations (seL4's preemptionPoint).
 * The kernel runs with interrupts off; an operation whose length the
 * caller controls (revoke, delete of a CNode, clearing the memory of new
 * objects) calls preemption_point() after each unit of work, leaving the
 * kernel's state consistent there. Every PREEMPTION_WORK_UNITS units it
 * looks for a pending interrupt; if there is one the operation stops and
 * returns KERNEL_PREEMPTED, the invocation path rewinds the caller to its
 * `syscall` instruction without a reply, the interrupt is taken on the way
 * out, and the re-executed system call continues where the work stopped.
 */
#pragma once

#include <stdbool.h>
#include <sel4/errors.h>

/* Not an seL4 error: "stopped at a preemption point" (seL4's
 * EXCEPTION_PREEMPTED), never seen by user space. */
#define KERNEL_PREEMPTED ((seL4_Error)(seL4_NumErrors + 1))

/* seL4's CONFIG_MAX_NUM_WORK_UNITS_PER_PREEMPTION default. */
#define PREEMPTION_WORK_UNITS 100

/* One unit of work done; true if the caller must stop now. */
bool preemption_point(void);

/* arch: is an interrupt waiting to be delivered? */
bool arch_irq_pending(void);
