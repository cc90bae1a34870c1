/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the x86_64 paging objects (paging.c, frame.c, page_table.c, asid.c,
 * boot_caps.c) share: the ASID table, page-table walks and TLB flushes.
 *
 * Model. A PML4 can be mapped into only after an ASID pool assigned it an
 * ASID; every mapping cap records (ASID, vaddr), and unmapping goes through
 * the ASID table again, so a cap whose VSpace or table went away unmaps
 * nothing. An entry is only cleared if it still points at the cap's object.
 * User mappings are never global and PCIDs are not used, so the TLB holds
 * entries of the current address space only: unmapping in it invalidates
 * the page (invlpg) or, for a whole table, reloads CR3.
 */
#pragma once

#include <kernel/invocation.h>
#include <kernel/vspace.h>
#include <arch/pte.h>

#define ASID_LOW_BITS  9
#define ASID_HIGH_BITS 3
#define N_ASID_POOLS   (1u << ASID_HIGH_BITS)
#define ASID_POOL_SIZE (1u << ASID_LOW_BITS)
#define SEL4_USER_TOP  0x00007fffffffffffull /* seL4's USER_TOP for the checks */

struct asid_pool {
    uint64_t *vspace[ASID_POOL_SIZE]; /* PML4 (kernel pointer) per ASID */
};
_Static_assert(sizeof(struct asid_pool) == (1u << seL4_ASIDPoolBits), "asid pool is a page");

/* The ASID table (8 pools of 512 ASIDs): owned by asid.c, read by the walks. */
extern struct asid_pool *asid_table[N_ASID_POOLS];

static inline paddr_t kptr_to_paddr(const void *p)
{
    return pptr_to_paddr(p);
}

/* paging.c */
typedef struct lookup_pte_ret {
    seL4_Error status;  /* seL4_FailedLookup: a table above is missing */
    uint64_t *pte;
    unsigned bits_left; /* then: the bits below the missing level (seL4's lookup fault) */
} lookup_pte_ret_t;
/* The entry at `level` (0 = PTE .. 3 = PML4E) for vaddr. Pure. */
lookup_pte_ret_t paging_lookup_entry(uint64_t *pml4, uint64_t vaddr, int level);
/* A decoder's error for a failed paging_lookup_entry, details recorded. */
seL4_Error paging_missing_level(lookup_pte_ret_t r);
/* The VSpace the ASID table has for asid, or NULL. Pure. */
uint64_t *paging_find_vspace(uint64_t asid);
typedef struct vspace_ret {
    seL4_Error status;
    uint64_t *vspace;
} vspace_ret_t;
bool paging_vspace_is_current(const uint64_t *vspace);
void paging_flush_page(const uint64_t *vspace, uint64_t vaddr);
void paging_flush_all(const uint64_t *vspace);
vspace_ret_t paging_check_vspace(cap_t vs);

/* frame.c */
seL4_Error decode_frame_invocation(struct invocation *inv);
void frame_unmap(cap_t frame);
vm_rights_t frame_mask_vm_rights(vm_rights_t rights, uint64_t mask);

/* page_table.c: PDPTs, page directories and page tables */
seL4_Error decode_page_table_invocation(struct invocation *inv);
void page_table_unmap(cap_t c);

/* asid.c */
seL4_Error decode_asid_control_invocation(struct invocation *inv);
seL4_Error decode_asid_pool_invocation(struct invocation *inv);
