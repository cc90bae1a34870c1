// SPDX-License-Identifier: BSD-2-Clause
/*
 * Page tables, page directories and PDPTs: seL4_X86_PageTable_Map/Unmap,
 * seL4_X86_PageDirectory_Map/Unmap, seL4_X86_PDPT_Map/Unmap. A table goes
 * into an empty entry of the level above (seL4_DeleteFirst otherwise),
 * and is unmapped (and cleared) only through its last cap.
 * Each decode_* checks everything and ends with an invoke_* that cannot fail.
 */
#include <arch/io.h>
#include <kaal/string.h>
#include "paging.h"

/* The level whose entry points at a table of this cap type. */
static int table_entry_level(cap_t c)
{
    switch (cap_type(c)) {
    case cap_pdpt_cap:
        return 3;
    case cap_page_directory_cap:
        return 2;
    default:
        return 1;
    }
}

void page_table_unmap(cap_t c)
{
    uint64_t asid = cap_mapped_asid(c), vaddr = cap_mapped_vaddr(c);
    if (!asid)
        return;
    uint64_t *vspace = paging_find_vspace(asid);
    if (!vspace)
        return;
    uint64_t *e = paging_lookup_entry(vspace, vaddr, table_entry_level(c)).pte;
    if (!e || !(*e & PTE_P) || (*e & PTE_PS) ||
        (*e & PTE_ADDR) != kptr_to_paddr(cap_ptr(c)))
        return;
    *e = 0;
    paging_flush_all(vspace);
}

/* ---- invoke steps: cannot fail ---- */

static void invoke_page_table_unmap(cte_t *slot)
{
    cap_t c = slot->cap;
    if (cap_mapped_asid(c)) {
        page_table_unmap(c);
        memset(cap_ptr(c), 0, PAGE_SIZE);
    }
    slot->cap.data = 0;
}

static void invoke_page_table_map(cte_t *slot, uint64_t asid, uint64_t vaddr, uint64_t *pte,
                                  uint64_t attr)
{
    uint64_t entry = kptr_to_paddr(cap_ptr(slot->cap)) | PTE_P | PTE_W | PTE_U;
    if (attr & seL4_X86_WriteThrough)
        entry |= PTE_PWT;
    if (attr & seL4_X86_CacheDisabled)
        entry |= PTE_PCD;
    slot->cap.data = cap_map_data(asid, vaddr);
    *pte = entry;
}

/* ---- decoding: checks only ---- */

static seL4_Error decode_page_table_map(struct invocation *inv)
{
    cap_t c = inv->cap;
    if (inv->length < 2 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    if (cap_mapped_asid(c))
        return error_invalid_cap(0);
    int level = table_entry_level(c);
    uint64_t vaddr = inv->mr[0] & ~((1ull << PTE_LEVEL_SHIFT(level)) - 1);
    uint64_t attr = inv->mr[1];
    cap_t vs = inv->extra[0]->cap;
    if (cap_type(vs) != cap_pml4_cap || vs.data == 0)
        return error_invalid_cap(1);
    if (vaddr > SEL4_USER_TOP)
        return error_invalid_argument(0);
    vspace_ret_t v = paging_check_vspace(vs);
    if (v.status != seL4_NoError)
        return v.status;
    lookup_pte_ret_t l = paging_lookup_entry(v.vspace, vaddr, level);
    if (l.status != seL4_NoError)
        return paging_missing_level(l);
    if (*l.pte & PTE_P)
        return syscall_error(seL4_DeleteFirst);
    invoke_page_table_map(inv->slot, vs.data, vaddr, l.pte, attr);
    return seL4_NoError;
}

seL4_Error decode_page_table_invocation(struct invocation *inv)
{
    cap_t c = inv->cap;
    uint64_t map_label = cap_type(c) == cap_pdpt_cap ? X86PDPTMap
                         : cap_type(c) == cap_page_directory_cap ? X86PageDirectoryMap
                                                                : X86PageTableMap;
    if (inv->label == map_label + 1) { /* Unmap */
        if (!cdt_is_final(inv->slot))
            return syscall_error(seL4_RevokeFirst);
        invoke_page_table_unmap(inv->slot);
        return seL4_NoError;
    }
    if (inv->label != map_label)
        return syscall_error(seL4_IllegalOperation);
    return decode_page_table_map(inv);
}
