/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 register access for the IPC fastpath (kernel/fastpath.c), inline
 * so the fast path calls nothing outside .text.fastpath. Same convention
 * as arch/object/tcb.c: rdi = cap/badge, rsi = message info, r10, r8, r9,
 * r15 = MR0-3.
 */
#pragma once

#include <kernel/thread.h>
#include <kernel/vspace.h>

#define FP_INLINE static inline __attribute__((always_inline))

FP_INLINE uint64_t arch_fp_cptr(const struct tcb *t)
{
    return t->ctx.frame.rdi;
}

FP_INLINE uint64_t arch_fp_msginfo(const struct tcb *t)
{
    return t->ctx.frame.rsi;
}

/* Copies MR0..len-1 (len <= 4) and sets the receiver's info and badge. */
FP_INLINE void arch_fp_transfer(const struct tcb *from, struct tcb *to, unsigned len, uint64_t info,
                                uint64_t badge)
{
    const struct x86_frame *s = &from->ctx.frame;
    struct x86_frame *d = &to->ctx.frame;
    if (len > 0)
        d->r10 = s->r10;
    if (len > 1)
        d->r8 = s->r8;
    if (len > 2)
        d->r9 = s->r9;
    if (len > 3)
        d->r15 = s->r15;
    d->rsi = info;
    d->rdi = badge;
}

/* As arch_tcb_vspace_root(): t's VSpace root from its VTable slot. */
FP_INLINE paddr_t arch_fp_vspace_root(const struct tcb *t)
{
    cap_t c = t->slots[TCB_VTABLE].cap;
    if (cap_type(c) != cap_pml4_cap || c.data == 0)
        return 0;
    return pptr_to_paddr(cap_ptr(c));
}
