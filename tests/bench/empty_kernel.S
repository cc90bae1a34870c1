/* SPDX-License-Identifier: BSD-2-Clause */
/* The smallest multiboot kernel: exits QEMU through isa-debug-exit at once.
 * `make bench` boots it to measure what QEMU and the firmware cost alone. */
    .section .text
    .balign 4
    .long 0x1BADB002
    .long 0x00000000
    .long -(0x1BADB002)
    .global _start
_start:
    movl $0, %eax
    outl %eax, $0xf4
1:  hlt
    jmp 1b
