// SPDX-License-Identifier: BSD-2-Clause
/*
 * Lazy FPU/SSE switching. The CPU's x87/SSE registers belong to one thread,
 * `kcpu.arch.fpu_owner`; every other thread runs with CR0.TS set, so its first FPU or SSE
 * instruction raises #NM (device not available). Then we save the owner's
 * registers into its TCB (FXSAVE), load the current thread's (FXRSTOR) and
 * make it the owner. A thread that never touches the FPU costs nothing, and
 * IPC between threads that do not use it never saves or restores anything.
 * The kernel itself never uses these registers (-mgeneral-regs-only).
 *
 * A thread that has taken the FPU through #NM is likely to use it again
 * after its next switch (IPC clients and servers built with SSE touch it in
 * every system-call stub), and the trap costs more than the switch itself
 * (under QEMU TCG a #NM entry plus iretq costs about three times an
 * FXSAVE + FXRSTOR pair). So for its next FPU_EAGER_SWITCHES returns its
 * state is loaded before it runs, with no trap; then it goes back to lazy
 * once, and a thread that stopped using the FPU stops paying for it.
 *
 * Invariant: CR0.TS is clear exactly when the current thread is the owner.
 */
#include <arch/fpu.h>
#include <kernel/thread.h>
#include <kaal/string.h>
#include <kernel/fastpath.h>

#define CR0_TS (1ull << 3)
#define FPU_EAGER_SWITCHES 255

static struct x86_fpu_state initial_state;

static KERNEL_FASTPATH_TEXT void set_ts(int on)
{
    if (on == kcpu.arch.fpu_ts_set)
        return;
    if (on) {
        uint64_t cr0;
        __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
        __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_TS));
    } else {
        __asm__ volatile("clts");
    }
    kcpu.arch.fpu_ts_set = on;
}

void fpu_init(void)
{
    /* Capture a clean state: FNINIT gives FCW 0x37f; MXCSR 0x1f80 masks all
     * SSE exceptions (as Linux and seL4 start threads). */
    uint32_t mxcsr = 0x1f80;
    set_ts(0);
    __asm__ volatile("fninit\n\tldmxcsr %1\n\tfxsave64 %0"
                     : "=m"(initial_state)
                     : "m"(mxcsr));
    set_ts(1);
}

void fpu_init_state(struct tcb *t)
{
    t->ctx.fpu = initial_state;
    t->ctx.fpu_eager_left = 0;
}

/* Makes t the owner: saves the old owner's registers, loads t's. */
static KERNEL_FASTPATH_TEXT void switch_owner(struct tcb *t)
{
    set_ts(0);
    if (kcpu.arch.fpu_owner == t)
        return;
    if (kcpu.arch.fpu_owner)
        __asm__ volatile("fxsave64 %0" : "=m"(kcpu.arch.fpu_owner->ctx.fpu));
    __asm__ volatile("fxrstor64 %0" : : "m"(t->ctx.fpu));
    kcpu.arch.fpu_owner = t;
}

KERNEL_FASTPATH_TEXT void fpu_prepare_return(struct tcb *t)
{
    if (t != kcpu.arch.fpu_owner && t->ctx.fpu_eager_left) {
        t->ctx.fpu_eager_left--;
        switch_owner(t);
        return;
    }
    set_ts(t != kcpu.arch.fpu_owner);
}

void fpu_take(struct tcb *t)
{
    t->ctx.fpu_eager_left = FPU_EAGER_SWITCHES;
    switch_owner(t);
}

void fpu_release(struct tcb *t)
{
    if (kcpu.arch.fpu_owner == t)
        kcpu.arch.fpu_owner = NULL;
}
