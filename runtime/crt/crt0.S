/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry point of every KaaL user program. Like seL4's initial thread, we
 * start with no stack (rsp is whatever the creator set, 0 for the root
 * task) and rdi = the bootinfo address (root task) or the start argument
 * (components): switch to the program's own stack in .bss and enter C.
 */
    .text
    .global _start
_start:
    leaq __kaal_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call __kaal_start_c     /* rdi passes through */
1:  ud2
    jmp 1b

    .bss
    .balign 16
__kaal_stack:
    .skip 65536
__kaal_stack_top:
