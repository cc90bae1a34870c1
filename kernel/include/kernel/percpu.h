/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-CPU state, one struct so SMP can replicate it later: the arch part
 * (<arch/percpu.h>: TSS, entry scratch, loaded CR3 and segment bases, FPU
 * owner, fastpath stack), the scheduler's state and its ready bitmap.
 * Everything an IPC round trip touches outside the two TCBs, the CNode
 * slot and the endpoint, so `kcpu` is alone in .data.hot: the linker puts
 * it at the start of a page, and it must fit that page (under QEMU TCG
 * each page touched after a CR3 write costs a walk; docs/kernel.md).
 * Owned by the one kernel entry in progress (interrupts are off).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/percpu.h>
#include <arch/memlayout.h>

struct tcb;

#define N_PRIORITIES 256

/* Scheduling state (thread.c, fastpath.c). */
struct sched_state {
    struct tcb *current;       /* thread whose context the kernel acts on */
    bool slice_expired;        /* current goes to the tail of its queue */
    bool preempted;            /* a higher priority thread became runnable */
};

struct percpu {
    struct arch_percpu arch;   /* first: traps.S reaches it by offset */
    struct sched_state sched;
    uint64_t ready_bitmap[N_PRIORITIES / 64]; /* priorities with a ready thread (thread.c) */
};
_Static_assert(sizeof(struct percpu) <= PAGE_SIZE, "the per-CPU state fits the hot data page");

extern struct percpu kcpu;
