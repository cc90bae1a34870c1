/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 virtual memory layout of the kernel.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user space (PML4 slots 0..255)
 *   0xffff800000000000 .. +4 GiB             direct map of physical memory
 *                                            (PPTR: kernel's window on objects)
 *   0xffffffff80000000 .. +2 GiB             kernel image (-mcmodel=kernel),
 *                                            loaded at physical 1 MiB
 *
 * The kernel half (PML4 slots 256..511) is shared by every address space.
 */
#pragma once

#define KERNEL_VBASE        0xffffffff80000000
#define KERNEL_PHYS_LOAD    0x100000
#define PPTR_BASE           0xffff800000000000
#define PPTR_MAP_BYTES      0x100000000  /* direct map covers 4 GiB of physical memory */
#define USER_TOP            0x0000800000000000
#define KERNEL_PML4_FIRST   256

#define PAGE_BITS           12
#define PAGE_SIZE           (1 << PAGE_BITS)

#define GDT_KERNEL_CS       0x08
#define GDT_KERNEL_DS       0x10
#define GDT_USER_DS         0x1b   /* 0x18 | RPL 3 */
#define GDT_USER_CS         0x23   /* 0x20 | RPL 3 */
#define GDT_TSS             0x28

#define KERNEL_STACK_BYTES  16384

/* Trap frame offsets, must match struct x86_frame in <arch/context.h>. */
#define FRAME_VECTOR   120
#define FRAME_ERROR    128
#define FRAME_RIP      136
#define FRAME_CS       144
#define FRAME_RFLAGS   152
#define FRAME_RSP      160
#define FRAME_SS       168
#define FRAME_BYTES    176

#define VECTOR_SYSCALL 0x100  /* pseudo vector recorded for syscall entries */
