/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiboot (v1) entry. QEMU's -kernel loads us as a 32-bit ELF (the build
 * converts the 64-bit kernel with objcopy) and jumps here in protected mode
 * with paging off, eax = multiboot magic and ebx = physical address of the
 * multiboot information.
 *
 * We build boot page tables that map the first 4 GiB of physical memory
 * three times with 2 MiB pages: identity (only until we are running in the
 * higher half), at PPTR_BASE (the kernel's direct map, kept forever) and at
 * KERNEL_VBASE (the kernel image window, first 2 GiB). Then: PAE, long mode,
 * NX and SYSCALL enabled, SSE allowed, and a jump to the higher half.
 */
#include <arch/memlayout.h>
#include <arch/pte.h>

#define MB_MAGIC  0x1BADB002
#define MB_FLAGS  0x00000003   /* modules page-aligned, memory map wanted */

    .section .boot.header, "a"
    .balign 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .boot.text, "ax"
    .code32
    .global _start
_start:
    cli
    cld
    movl %eax, %edi                 /* multiboot magic -> first C argument */
    movl %ebx, %esi                 /* multiboot info paddr -> second */
    movl $boot_stack_top, %esp

    /* Zero the boot page tables (they live in .boot.bss). */
    movl $boot_tables_start, %ebx
    movl $(boot_tables_end - boot_tables_start) / 4, %ecx
    xorl %eax, %eax
    pushl %edi
    movl %ebx, %edi
    rep stosl
    popl %edi

    /* 2048 PD entries: 4 GiB of 2 MiB pages. */
    movl $boot_pd, %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_P | PTE_W | PTE_PS), %eax
    movl %eax, (%ebx, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 1b

    /* PDPT for the identity map and direct map: 4 PDs. */
    movl $boot_pdpt_low, %ebx
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $12, %eax
    addl $boot_pd + (PTE_P | PTE_W), %eax
    movl %eax, (%ebx, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jne 2b

    /* PDPT for the kernel window: slots 510, 511 = first 2 GiB. */
    movl $boot_pdpt_high, %ebx
    movl $boot_pd + (PTE_P | PTE_W), 510*8(%ebx)
    movl $boot_pd + 4096 + (PTE_P | PTE_W), 511*8(%ebx)

    movl $boot_pml4, %ebx
    movl $boot_pdpt_low + (PTE_P | PTE_W), (%ebx)
    movl $boot_pdpt_low + (PTE_P | PTE_W), 256*8(%ebx)
    movl $boot_pdpt_high + (PTE_P | PTE_W), 511*8(%ebx)

    /* CR4: PAE | PGE | OSFXSR | OSXMMEXCPT */
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 7) | (1 << 9) | (1 << 10)), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3

    /* EFER: SCE | LME | NXE */
    movl $0xC0000080, %ecx
    rdmsr
    orl $((1 << 0) | (1 << 8) | (1 << 11)), %eax
    wrmsr

    /* CR0: PG | WP | MP | PE, clear EM and TS */
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | (1 << 1) | (1 << 0)), %eax
    andl $~((1 << 2) | (1 << 3)), %eax
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $GDT_KERNEL_CS, $long_mode

    .code64
long_mode:
    movl $GDT_KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movabsq $higher_half, %rax
    jmp *%rax

    .section .boot.data, "a"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff        /* data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_tables_start:
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096
boot_tables_end:
    .skip 4096
boot_stack_top:

    /* The higher half finds the boot PML4 through this (physical) pointer. */
    .data
    .balign 8
    .global boot_pml4_paddr
boot_pml4_paddr:
    .quad boot_pml4

    .text
higher_half:
    /* Zero .bss, then run C on the kernel stack. */
    movl %edi, %edi
    movl %esi, %esi
    movq %rdi, %r12
    movq %rsi, %r13
    leaq __bss_start(%rip), %rdi
    leaq __bss_end(%rip), %rcx
    subq %rdi, %rcx
    xorl %eax, %eax
    rep stosb
    leaq kernel_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    movq %r12, %rdi
    movq %r13, %rsi
    call kernel_boot
1:  hlt
    jmp 1b
