/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 page-table entry bits (Intel SDM vol. 3, 4.5, tables 4-14 to
 * 4-19), the one definition for the boot page tables (boot.S), the boot
 * address space (vspace.c) and the paging objects (object/). Usable from
 * assembly: the constants have no C suffix there.
 */
#pragma once

#include <arch/memlayout.h>

#ifdef __ASSEMBLER__
#define PTE_CONST(x) x
#else
#define PTE_CONST(x) x##ull
#endif

#define PTE_P         PTE_CONST(0x1)                /* present */
#define PTE_W         PTE_CONST(0x2)                /* writable */
#define PTE_U         PTE_CONST(0x4)                /* user */
#define PTE_PWT       PTE_CONST(0x8)                /* write-through */
#define PTE_PCD       PTE_CONST(0x10)               /* cache disabled */
#define PTE_PS        PTE_CONST(0x80)               /* large page (PDPTE, PDE) */
#define PTE_PAT_4K    PTE_CONST(0x80)               /* PAT bit of a 4 KiB PTE */
#define PTE_PAT_LARGE PTE_CONST(0x1000)             /* PAT bit of a 2 MiB / 1 GiB entry */
#define PTE_NX        PTE_CONST(0x8000000000000000) /* execute disable */
#define PTE_ADDR      PTE_CONST(0x000ffffffffff000) /* address of a 4 KiB table or page */

/* Bits of vaddr below the entry at level (0 = PTE .. 3 = PML4E). */
#define PTE_LEVEL_SHIFT(level) (PAGE_BITS + 9 * (level))
