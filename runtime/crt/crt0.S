/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry point of every KaaL user program. Like seL4's initial thread, the
 * root task starts with rsp = 0 and rdi = the bootinfo address: it switches
 * to a stack in its own .bss. A component starts on the stack init gave it
 * (rsp below the start record, rdi = the record, <kaal/component.h>).
 */
    .text
    .global _start
_start:
    testq %rsp, %rsp
    jnz 1f
    leaq __kaal_stack_top(%rip), %rsp
1:  andq $-16, %rsp
    xorl %ebp, %ebp
    call __kaal_start_c     /* rdi, rsi pass through */
2:  ud2
    jmp 2b

    .bss
    .balign 16
__kaal_stack:
    .skip 65536
__kaal_stack_top:
