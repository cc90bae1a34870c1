// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86_64 kernel entry (C side) and exit. User traps are turned into seL4
 * faults (page fault -> VMFault, other exceptions -> UserException); syscalls
 * go to the generic dispatcher with the number from rdx. A trap in kernel
 * mode is a kernel bug: it is reported with registers and a backtrace and the
 * machine stops with MACHINE_EXIT_KERNEL_FAULT.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/io.h>
#include <kernel/fault.h>
#include <kernel/interrupt.h>
#include <kernel/kprintf.h>
#include <kernel/thread.h>
#include <kernel/vspace.h>
#include <kernel/fastpath.h>
#include <arch/fastpath.h>

#define VECTOR_DEVICE_NOT_AVAILABLE 7
#define VECTOR_PAGE_FAULT 14
#define PF_INSTRUCTION 0x10

static struct x86_frame *current_frame(void)
{
    return &kcpu.sched.current->ctx.frame;
}

void x86_timer_interrupt(void); /* apic.c */

/* Vectors >= 32: the kernel timer, user IRQ lines, or spurious ones (the
 * masked 8259s, the APIC spurious vector), which need no EOI. */
static void dispatch_interrupt(uint64_t vector)
{
    if (vector == VECTOR_TIMER) {
        x86_timer_interrupt();
        handle_interrupt(IRQ_TIMER);
    } else if (vector >= VECTOR_IRQ_BASE && vector < VECTOR_IRQ_BASE + N_USER_IRQ_VECTORS) {
        apic_eoi();
        handle_interrupt((int)(vector - VECTOR_IRQ_BASE));
    } else {
        handle_interrupt(IRQ_SPURIOUS);
    }
}

void x86_user_trap(void)
{
    struct x86_frame *f = current_frame();
    if (f->vector == VECTOR_DEVICE_NOT_AVAILABLE) {
        fpu_take(kcpu.sched.current);
    } else if (f->vector < 32) {
        struct fault fault = { 0 };
        if (f->vector == VECTOR_PAGE_FAULT) {
            fault.type = seL4_Fault_VMFault;
            fault.addr = read_cr2();
            fault.fsr = f->error;
            fault.is_instruction_fault = !!(f->error & PF_INSTRUCTION);
        } else {
            fault.type = seL4_Fault_UserException;
            fault.number = f->vector;
            fault.code = f->error;
        }
        handle_fault(kcpu.sched.current, &fault);
    } else {
        dispatch_interrupt(f->vector);
    }
    kernel_exit();
}

/* Next to the syscall entry (.text.fastpath): one page for the common
 * entry and exit. */
KERNEL_FASTPATH_TEXT void x86_user_syscall(void)
{
    handle_syscall((int64_t)current_frame()->rdx);
    kernel_exit();
}

uint64_t arch_syscall_arg(const struct tcb *t, unsigned i)
{
    const struct x86_frame *f = &t->ctx.frame;
    switch (i) {
    case 0: return f->rdi;
    case 1: return f->rsi;
    case 2: return f->r10;
    case 3: return f->r8;
    case 4: return f->r9;
    case 5: return f->r15;
    default: return 0;
    }
}

uint64_t arch_fault_ip(const struct tcb *t)
{
    return t->ctx.frame.rip;
}

void arch_thread_init_context(struct tcb *t, vaddr_t entry, uint64_t arg0)
{
    t->ctx.frame = (struct x86_frame){
        .rip = entry,
        .cs = GDT_USER_CS,
        .ss = GDT_USER_DS,
        .rflags = USER_RFLAGS,
        .rdi = arg0,
        .vector = 0,
    };
    fpu_init_state(t);
}

/* What CR3 and the FS/GS base MSRs hold, so a switch between threads of
 * one VSpace writes none of them (a CR3 write flushes the TLB; under TCG
 * the whole software TLB), are kept in kcpu.arch (<arch/percpu.h>);
 * write_cr3() (io.h) keeps loaded_cr3 up to date. The kernel itself never
 * uses FS or GS (no swapgs): MSR_GS_BASE holds the user's gs_base in the
 * kernel too. */

/* On the fast path (kernel/fastpath.c), hence in .text.fastpath with only
 * hot data and the TCB touched. */
KERNEL_FASTPATH_TEXT void arch_activate_thread(struct tcb *t)
{
    struct x86_frame *f = &t->ctx.frame;
    kcpu.arch.tss.rsp0 = (uint64_t)(f + 1);
    fpu_prepare_return(t);
    /* The VSpace comes from the TCB's VTable slot, which empties when the
     * VSpace is deleted: a thread without one runs on the kernel's tables
     * and faults on its first user access. */
    t->vspace_root = arch_fp_vspace_root(t);
    paddr_t root = t->vspace_root ? t->vspace_root : arch_kernel_vspace_root();
    if (kcpu.arch.loaded_cr3 != root)
        write_cr3(root);
    /* qemu64 has no FSGSBASE: the segment bases go through the MSRs
     * (seL4's CONFIG_FSGSBASE_MSR). */
    if (t->ctx.fs_base != kcpu.arch.loaded_fs_base) {
        wrmsr(MSR_FS_BASE, t->ctx.fs_base);
        kcpu.arch.loaded_fs_base = t->ctx.fs_base;
    }
    if (t->ctx.gs_base != kcpu.arch.loaded_gs_base) {
        wrmsr(MSR_GS_BASE, t->ctx.gs_base);
        kcpu.arch.loaded_gs_base = t->ctx.gs_base;
    }
    /* sysret only when the state is exactly what syscall left behind and
     * rip is canonical (sysret to a non-canonical rip faults in ring 0). */
    if (f->vector == VECTOR_SYSCALL && f->rcx == f->rip && f->r11 == f->rflags &&
        f->rip < USER_TOP)
        x86_sysret_to_user(f);
    x86_return_to_user(f);
}

void arch_backtrace(uint64_t fp)
{
    kprintf("backtrace (addr2line -e build/kernel/kaal.elf ...):\n");
    for (int depth = 0; depth < 16; depth++) {
        if (fp < (uint64_t)kernel_stack_bottom || fp + 16 > (uint64_t)x86_ist_stack_top ||
            (fp & 7))
            break;
        uint64_t ret = ((uint64_t *)fp)[1];
        if (ret < KERNEL_VBASE)
            break;
        kprintf("  #%d %p\n", depth, (void *)ret);
        fp = ((uint64_t *)fp)[0];
    }
}

void x86_kernel_trap(struct x86_frame *f)
{
    /* Interrupts are enabled only in the idle loop (traps.S arch_idle):
     * there they are normal kernel entries. */
    if (f->vector >= 32) {
        dispatch_interrupt(f->vector);
        kernel_exit();
    }
    kprintf("\n[KaaL] KERNEL FAULT: vector %lu, error code %#lx\n", (unsigned long)f->vector,
            (unsigned long)f->error);
    kprintf("  rip %p  cr2 %p  rsp %p  rflags %#lx\n", (void *)f->rip, (void *)read_cr2(),
            (void *)f->rsp, (unsigned long)f->rflags);
    kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    kprintf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
    kprintf("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
    kprintf("  r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
    kprintf("  #0 %p\n", (void *)f->rip);
    arch_backtrace(f->rbp);
    machine_halt(MACHINE_EXIT_KERNEL_FAULT);
}

void machine_halt(int exit_code)
{
    /* QEMU's isa-debug-exit (iobase 0xf4) exits with (code << 1) | 1; on
     * other machines the write is ignored and we stop here. */
    outl(0xf4, (uint32_t)exit_code);
    for (;;)
        __asm__ volatile("cli; hlt");
}
