/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user register context of a thread on x86_64. The first part
 * (struct x86_frame) is written directly by the entry code: TSS.rsp0 points
 * just past it while the thread runs, so the CPU's interrupt frame and the
 * stub's register pushes land in the TCB itself, with no copy.
 */
#pragma once

#include <stdint.h>
#include <arch/memlayout.h>

struct x86_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector; /* trap vector, or VECTOR_SYSCALL */
    uint64_t error;  /* CPU error code, 0 if none */
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct x86_frame) == FRAME_BYTES, "frame layout matches traps.S");
_Static_assert(__builtin_offsetof(struct x86_frame, cs) == FRAME_CS, "frame layout");

/* FXSAVE image of the x87/SSE state (Intel SDM Vol. 1 §10.5.1). */
struct x86_fpu_state {
    uint8_t bytes[512];
} __attribute__((aligned(16)));

struct arch_context {
    struct x86_frame frame;
    /* Segment bases (seL4_UserContext fs_base, gs_base), loaded through the
     * FS/GS base MSRs when the thread runs (arch_activate_thread). */
    uint64_t fs_base, gs_base;
    /* FPU switches left to make eagerly on the way back to this thread
     * (fpu.c): set when it takes the FPU through #NM. */
    uint32_t fpu_eager_left;
    /* Saved only when another thread takes the FPU (lazy switching, fpu.c). */
    struct x86_fpu_state fpu __attribute__((aligned(16)));
};

/* RFLAGS of a new user thread: interrupts on, reserved bit 1 set. */
#define USER_RFLAGS 0x202
