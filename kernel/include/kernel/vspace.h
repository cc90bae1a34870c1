/* SPDX-License-Identifier: BSD-2-Clause */
/* Address-space operations generic code needs at boot (arch implements). */
#pragma once

#include <kernel/boot.h>
#include <kernel/machine.h>

#define VM_WRITE 0x1
#define VM_EXEC  0x2

/* A new top-level table sharing the kernel half; 0 when out of memory. */
paddr_t arch_boot_vspace_new(struct boot_mem *bm);
/* Maps one 4 KiB frame at va, allocating intermediate tables from bm and
 * counting them in *n_tables. Returns 0, or -1 when out of memory. */
int arch_boot_map_frame(struct boot_mem *bm, paddr_t root, vaddr_t va, paddr_t frame,
                        unsigned vm_flags, unsigned *n_tables);
/* Drops the boot identity map once the kernel runs in the higher half. */
void arch_boot_drop_identity_map(void);
