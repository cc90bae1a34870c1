/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel entry and exit.
 *
 * From user mode (traps, interrupts, syscall) the CPU state is pushed into
 * the current thread's struct x86_frame: TSS.rsp0 points just past it, and
 * syscall_entry switches to the same place by hand. Then we move to the
 * kernel stack and call C, which never returns: the kernel leaves through
 * x86_return_to_user() with whatever thread the scheduler chose.
 *
 * A trap taken in kernel mode stays on the kernel stack (or the IST stack
 * for a double fault) and goes to x86_kernel_trap(), which reports and stops.
 */
#include <arch/memlayout.h>
#include <arch/percpu.h>

.macro PUSH_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

/* Vectors with a CPU error code: 8, 10-14, 17, 21, 29, 30. */
.macro VECTOR n
    .balign 16
vector_\n:
    .if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp trap_common
.endm

    .text
    .balign 16
    .global x86_vector_table_start
x86_vector_table_start:
.altmacro
.set i, 0
.rept 256
    VECTOR %i
    .set i, i + 1
.endr
.noaltmacro

trap_common:
    PUSH_GPRS
    cld
    testb $3, FRAME_CS(%rsp)
    jz 1f
    leaq kernel_stack_top(%rip), %rsp
    call x86_user_trap          /* noreturn */
    ud2
1:  movq %rsp, %rdi
    call x86_kernel_trap        /* noreturn */
    ud2

/*
 * syscall: rcx = user rip, r11 = user rflags, rsp still the user's.
 * SFMASK cleared IF, DF and TF on the way in.
 *
 * The IPC fastpath (kernel/fastpath.c) runs first, on a small stack in
 * the per-CPU state (kcpu.arch.fast_stack, the hot data page it uses
 * anyway); it returns only
 * when the slow path must run, which then starts afresh on the kernel
 * stack. Entry and exit live in .text.fastpath with the fast path itself.
 */
    .section .text.fastpath, "ax", @progbits
    .global x86_syscall_entry
x86_syscall_entry:
    movq %rsp, kcpu+PERCPU_SYSCALL_USER_RSP(%rip)
    movq kcpu+PERCPU_TSS_RSP0(%rip), %rsp /* TSS.rsp0: end of current frame */
    pushq $GDT_USER_DS
    pushq kcpu+PERCPU_SYSCALL_USER_RSP(%rip)
    pushq %r11
    pushq $GDT_USER_CS
    pushq %rcx
    pushq $0
    pushq $VECTOR_SYSCALL
    PUSH_GPRS
    cmpq $-2, %rdx              /* seL4_SysReplyRecv = -2, seL4_SysCall = -1 */
    jb 1f
    leaq kcpu+PERCPU_FAST_STACK_TOP(%rip), %rsp
    movq %rdx, %rdi             /* syscall number */
    call fastpath_syscall       /* returns only if not taken */
1:  leaq kernel_stack_top(%rip), %rsp
    call x86_user_syscall       /* noreturn */
    ud2

/*
 * void x86_return_to_user(struct x86_frame *frame) - noreturn.
 * sysretq is cheaper than iretq but only safe when the saved state is what
 * syscall left (rcx == rip, r11 == rflags) and rip is canonical; C decides
 * and calls x86_sysret_to_user for that case.
 */
    .global x86_return_to_user
x86_return_to_user:
    movq %rdi, %rsp
    POP_GPRS
    addq $16, %rsp              /* vector, error */
    iretq

    .global x86_sysret_to_user
x86_sysret_to_user:
    movq %rdi, %rsp
    POP_GPRS                    /* rcx = rip, r11 = rflags by construction */
    movq 40(%rsp), %rsp         /* user rsp: after vector, error, rip, cs, rflags */
    sysretq

    .text
/*
 * void arch_idle(void) - noreturn. Waits for interrupts on a fresh kernel
 * stack; an interrupt enters through trap_common as a kernel-mode trap and
 * x86_kernel_trap() leaves through kernel_exit(), never back here, so the
 * stack cannot grow however long the system idles.
 */
    .global arch_idle
arch_idle:
    leaq kernel_stack_top(%rip), %rsp
    movq %rsp, kcpu+PERCPU_TSS_RSP0(%rip)
1:  sti
    hlt
    cli
    jmp 1b

    .bss
    .balign 16
    .global kernel_stack_bottom
kernel_stack_bottom:
    .skip KERNEL_STACK_BYTES
    .global kernel_stack_top
kernel_stack_top:
    .skip 4096
    .global x86_ist_stack_top
x86_ist_stack_top:
