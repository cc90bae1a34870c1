// SPDX-License-Identifier: BSD-2-Clause
/*
 * The x86_64 side of threads: which saved register is which in seL4's
 * convention (rdi = badge/cap, rsi = message info, r10/r8/r9/r15 = MR0-3),
 * seL4_UserContext (rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp,
 * r8-r15, fs_base, gs_base), the register words of UnknownSyscall and
 * UserException fault messages, and the sanitising of every register value
 * user space hands in: rip, fs_base and gs_base must be canonical (else
 * 0, seL4's Mode_sanitiseRegister; a kernel-half value is kept, as in seL4,
 * and only makes the thread fault in user mode), rsp a user address (else
 * 0: seL4 keeps any rsp), rflags keeps only arithmetic flags and DF with IF
 * forced on; so returning to user mode or loading the base MSRs can never
 * fault in the kernel.
 *
 * A thread that entered through `syscall` has rip after the instruction
 * while its frame's vector says VECTOR_SYSCALL (it leaves through sysret).
 * Its restart PC, seL4's FaultIP, is then the `syscall` instruction itself:
 * that is what ReadRegisters and fault messages give (as seL4; oracle
 * G7/G13), and where arch_rewind_syscall moves rip when the call must run
 * again. arch_update_restart_pc (seL4's updateRestartPC, for a thread
 * suspended while running) keeps rip after the instruction instead. Both
 * leave the vector VECTOR_REWOUND: the frame leaves through iretq and is
 * never rewound twice.
 */
#include <kernel/ipc.h>
#include <kernel/fault.h>
#include <kernel/vspace.h>
#include <arch/io.h>

#define VECTOR_REWOUND (VECTOR_SYSCALL + 1)
#define USER_FLAGS_MASK 0xcd5ull /* CF PF AF ZF SF DF OF */
#define CANONICAL_USER_MAX 0x00007fffffffffffull
#define CANONICAL_KERNEL_MIN 0xffff800000000000ull

void arch_set_badge(struct tcb *t, uint64_t badge)
{
    t->ctx.frame.rdi = badge;
}

void arch_set_msginfo(struct tcb *t, uint64_t info)
{
    t->ctx.frame.rsi = info;
}

uint64_t arch_get_msginfo(const struct tcb *t)
{
    return t->ctx.frame.rsi;
}

uint64_t arch_get_mr(const struct tcb *t, unsigned i)
{
    const struct x86_frame *f = &t->ctx.frame;
    switch (i) {
    case 0: return f->r10;
    case 1: return f->r8;
    case 2: return f->r9;
    default: return f->r15;
    }
}

void arch_set_mr(struct tcb *t, unsigned i, uint64_t v)
{
    struct x86_frame *f = &t->ctx.frame;
    switch (i) {
    case 0: f->r10 = v; break;
    case 1: f->r8 = v; break;
    case 2: f->r9 = v; break;
    default: f->r15 = v; break;
    }
}

void arch_rewind_syscall(struct tcb *t)
{
    struct x86_frame *f = &t->ctx.frame;
    if (f->vector == VECTOR_SYSCALL) {
        f->rip -= 2; /* `syscall` is 0f 05 */
        f->vector = VECTOR_REWOUND;
    }
}

void arch_update_restart_pc(struct tcb *t)
{
    struct x86_frame *f = &t->ctx.frame;
    if (f->vector == VECTOR_SYSCALL)
        f->vector = VECTOR_REWOUND;
}

paddr_t arch_tcb_vspace_root(const struct tcb *t)
{
    cap_t c = t->slots[TCB_VTABLE].cap;
    if (cap_type(c) != cap_pml4_cap || c.data == 0)
        return 0;
    return pptr_to_paddr(cap_ptr(c));
}

static bool is_canonical(uint64_t v)
{
    return v <= CANONICAL_USER_MAX || v >= CANONICAL_KERNEL_MIN;
}

static uint64_t sanitise(unsigned reg, uint64_t v)
{
    switch (reg) {
    case KAAL_REG_RIP:
    case KAAL_REG_FS_BASE:
    case KAAL_REG_GS_BASE:
        return is_canonical(v) ? v : 0; /* seL4's Mode_sanitiseRegister */
    case KAAL_REG_RSP:
        return v > CANONICAL_USER_MAX ? 0 : v;
    case KAAL_REG_RFLAGS:
        return (v & USER_FLAGS_MASK) | USER_RFLAGS;
    default:
        return v;
    }
}

/* Register `reg` in seL4_UserContext order. */
uint64_t arch_get_user_reg(const struct tcb *t, unsigned reg)
{
    const struct x86_frame *f = &t->ctx.frame;
    switch (reg) {
    case KAAL_REG_RIP: return f->vector == VECTOR_SYSCALL ? f->rip - 2 : f->rip;
    case KAAL_REG_RSP: return f->rsp;
    case KAAL_REG_RFLAGS: return f->rflags;
    case 3: return f->rax;
    case 4: return f->rbx;
    case 5: return f->rcx;
    case 6: return f->rdx;
    case 7: return f->rsi;
    case 8: return f->rdi;
    case 9: return f->rbp;
    case 10: return f->r8;
    case 11: return f->r9;
    case 12: return f->r10;
    case 13: return f->r11;
    case 14: return f->r12;
    case 15: return f->r13;
    case 16: return f->r14;
    case 17: return f->r15;
    case KAAL_REG_FS_BASE: return t->ctx.fs_base;
    case KAAL_REG_GS_BASE: return t->ctx.gs_base;
    default: return 0;
    }
}

void arch_set_user_reg(struct tcb *t, unsigned reg, uint64_t v)
{
    struct x86_frame *f = &t->ctx.frame;
    v = sanitise(reg, v);
    switch (reg) {
    case KAAL_REG_RIP:
        f->rip = v;
        /* not "just after syscall" any more: leave through iretq */
        if (f->vector == VECTOR_SYSCALL)
            f->vector = VECTOR_REWOUND;
        break;
    case KAAL_REG_RSP: f->rsp = v; break;
    case KAAL_REG_RFLAGS: f->rflags = v; break;
    case 3: f->rax = v; break;
    case 4: f->rbx = v; break;
    case 5: f->rcx = v; break;
    case 6: f->rdx = v; break;
    case 7: f->rsi = v; break;
    case 8: f->rdi = v; break;
    case 9: f->rbp = v; break;
    case 10: f->r8 = v; break;
    case 11: f->r9 = v; break;
    case 12: f->r10 = v; break;
    case 13: f->r11 = v; break;
    case 14: f->r12 = v; break;
    case 15: f->r13 = v; break;
    case 16: f->r14 = v; break;
    case 17: f->r15 = v; break;
    case KAAL_REG_FS_BASE: t->ctx.fs_base = v; break;
    case KAAL_REG_GS_BASE: t->ctx.gs_base = v; break;
    default: break;
    }
}

/* seL4_UnknownSyscall_RAX .. _FLAGS, as user-context register numbers. */
static const uint8_t syscall_msg_regs[18] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                                              14, 15, 16, 17, KAAL_REG_RIP, KAAL_REG_RSP,
                                              KAAL_REG_RFLAGS };
static const uint8_t exception_msg_regs[3] = { KAAL_REG_RIP, KAAL_REG_RSP, KAAL_REG_RFLAGS };

unsigned arch_syscall_fault_regs(const struct tcb *t, uint64_t *mr)
{
    for (unsigned i = 0; i < 18; i++)
        mr[i] = arch_get_user_reg(t, syscall_msg_regs[i]);
    return 18;
}

unsigned arch_exception_fault_regs(const struct tcb *t, uint64_t *mr)
{
    for (unsigned i = 0; i < 3; i++)
        mr[i] = arch_get_user_reg(t, exception_msg_regs[i]);
    return 3;
}

void arch_set_syscall_fault_regs(struct tcb *t, const uint64_t *mr, unsigned n)
{
    for (unsigned i = 0; i < n && i < 18; i++)
        arch_set_user_reg(t, syscall_msg_regs[i], mr[i]);
}

void arch_set_exception_fault_regs(struct tcb *t, const uint64_t *mr, unsigned n)
{
    for (unsigned i = 0; i < n && i < 3; i++)
        arch_set_user_reg(t, exception_msg_regs[i], mr[i]);
}
