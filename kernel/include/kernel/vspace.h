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

/* The kernel's own top-level table (the boot PML4): kernel half only. */
paddr_t arch_kernel_vspace_root(void);

/* Debugging aid (KAAL_SysDebugPageEntry): the leaf paging entry mapping the
 * user address va below root, 0 if none; *level is 0 for a 4 KiB page, 1
 * and 2 for the large sizes. */
uint64_t arch_debug_page_entry(paddr_t root, vaddr_t va, unsigned *level);
/* The memory type (the PAT MSR's entry value: 0 UC, 1 WC, 4 WT, 5 WP, 6 WB,
 * 7 UC-) that such an entry at that level selects. */
unsigned arch_debug_memory_type(uint64_t entry, unsigned level);

/* ---- caps for the root task (arch object code) ---- */
#include <kernel/cap.h>
#include <stdbool.h>

#define ROOT_TASK_ASID 1 /* as seL4's IT_ASID */

enum arch_boot_control { ARCH_BOOT_ASID_CONTROL, ARCH_BOOT_IO_PORT_CONTROL };

cap_t arch_boot_vspace_cap(paddr_t root);
/* Makes the initial ASID pool (ASIDs 0..511) from pool_page, with the root
 * task's VSpace at ROOT_TASK_ASID. */
cap_t arch_boot_asid_pool_cap(paddr_t pool_page, paddr_t root);
cap_t arch_boot_control_cap(enum arch_boot_control which);
/* A 4 KiB frame cap recorded as mapped at va in the root task's VSpace. */
cap_t arch_boot_frame_cap(paddr_t frame, vaddr_t va, bool writable);
paddr_t arch_boot_lookup_frame(paddr_t root, vaddr_t va);
/* Caps to every paging structure below root; returns how many exist. */
unsigned arch_boot_paging_caps(paddr_t root, cap_t *out, unsigned max);
