/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86_64 part of the per-CPU state (struct percpu in
 * <kernel/percpu.h>, where it comes first): the TSS, the syscall entry's
 * scratch word and fastpath stack, what CR3 and the FS/GS base MSRs hold,
 * and the FPU owner. All of it is touched by an IPC round trip, so it
 * lives in the one hot data page (docs/kernel.md, "IPC fastpath").
 * traps.S reaches its fields at the offsets below (asserted in cpu.c).
 */
#pragma once

#define X86_FAST_STACK_BYTES 1024

#define PERCPU_TSS_RSP0         4   /* arch.tss.rsp0 */
#define PERCPU_SYSCALL_USER_RSP 104 /* arch.syscall_user_rsp */
#define PERCPU_FAST_STACK       160 /* arch.fast_stack */
#define PERCPU_FAST_STACK_TOP   (PERCPU_FAST_STACK + X86_FAST_STACK_BYTES)

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <arch/cpu.h>

struct tcb;

struct arch_percpu {
    struct x86_tss tss;         /* rsp0 is written on every switch */
    uint64_t syscall_user_rsp;  /* syscall entry: the user rsp until it is in the frame */
    uint64_t loaded_cr3;        /* what CR3 holds, 0 before the first write (write_cr3) */
    uint64_t loaded_fs_base;    /* what MSR_FS_BASE holds (trap.c) */
    uint64_t loaded_gs_base;    /* what MSR_GS_BASE holds (trap.c) */
    struct tcb *fpu_owner;      /* whose registers the FPU holds (fpu.c) */
    int fpu_ts_set;             /* CR0.TS as last written (fpu.c) */
    /* The fastpath's stack (traps.S). */
    uint8_t fast_stack[X86_FAST_STACK_BYTES] __attribute__((aligned(16)));
};
#endif
