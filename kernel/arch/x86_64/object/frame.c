// SPDX-License-Identifier: BSD-2-Clause
/*
 * Frames (4 KiB, 2 MiB, 1 GiB): seL4_X86_Page_Map, Unmap, GetAddress.
 * Each frame cap is mapped in at most one place (copy the cap to map the
 * frame twice, as in seL4); a 4 KiB map over a present PTE replaces it, as
 * seL4 does, while a large page over a present table entry is
 * seL4_DeleteFirst. A map of a mapped cap at its own address changes the
 * rights and attributes.
 * Each decode_* checks everything and ends with an invoke_* that cannot fail.
 */
#include <arch/io.h>
#include "paging.h"

static int frame_level(cap_t frame)
{
    return frame.size_bits == seL4_PageBits ? 0 : frame.size_bits == seL4_LargePageBits ? 1 : 2;
}

vm_rights_t frame_mask_vm_rights(vm_rights_t rights, uint64_t mask)
{
    bool read = mask & CAP_RIGHT_READ, write = mask & CAP_RIGHT_WRITE;
    if (rights == VM_READ_ONLY && read)
        return VM_READ_ONLY;
    if (rights == VM_READ_WRITE && read)
        return write ? VM_READ_WRITE : VM_READ_ONLY;
    return VM_KERNEL_ONLY;
}

static uint64_t frame_entry(cap_t frame, vm_rights_t rights, uint64_t attr)
{
    uint64_t e = kptr_to_paddr(cap_ptr(frame)) | PTE_P;
    if (rights != VM_KERNEL_ONLY)
        e |= PTE_U;
    if (rights == VM_READ_WRITE)
        e |= PTE_W;
    if (attr & seL4_X86_WriteThrough)
        e |= PTE_PWT;
    if (attr & seL4_X86_CacheDisabled)
        e |= PTE_PCD;
    if (attr & seL4_X86_WriteCombining)
        e |= frame_level(frame) == 0 ? PTE_PAT_4K : PTE_PAT_LARGE;
    if (frame_level(frame) > 0)
        e |= PTE_PS;
    if (attr & KAAL_X86_ExecuteNever)
        e |= PTE_NX;
    return e;
}

void frame_unmap(cap_t frame)
{
    uint64_t asid = cap_mapped_asid(frame), vaddr = cap_mapped_vaddr(frame);
    if (!asid)
        return;
    uint64_t *vspace = paging_find_vspace(asid);
    if (!vspace)
        return;
    uint64_t *e = paging_lookup_entry(vspace, vaddr, frame_level(frame)).pte;
    if (!e || !(*e & PTE_P) || (*e & PTE_ADDR) != kptr_to_paddr(cap_ptr(frame)))
        return;
    if (frame_level(frame) > 0 && !(*e & PTE_PS))
        return;
    *e = 0;
    paging_flush_page(vspace, vaddr);
}

/* ---- invoke steps: cannot fail ---- */

static void invoke_frame_map(cte_t *slot, uint64_t asid, uint64_t vaddr, uint64_t *pte,
                             uint64_t entry, const uint64_t *vspace)
{
    slot->cap.data = cap_map_data(asid, vaddr);
    *pte = entry;
    paging_flush_page(vspace, vaddr);
}

static void invoke_frame_unmap(cte_t *slot)
{
    frame_unmap(slot->cap);
    slot->cap.data = 0;
}

static void invoke_frame_get_address(struct invocation *inv)
{
    inv->reply_mr[0] = kptr_to_paddr(cap_ptr(inv->cap));
    inv->reply_length = 1;
}

/* ---- decoding: checks only ---- */

static seL4_Error decode_frame_map(struct invocation *inv)
{
    if (inv->length < 3 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    cap_t frame = inv->cap;
    uint64_t vaddr = inv->mr[0], rights_mask = inv->mr[1], attr = inv->mr[2];
    cap_t vs = inv->extra[0]->cap;
    if (cap_type(vs) != cap_pml4_cap || vs.data == 0)
        return error_invalid_cap(1);
    uint64_t asid = vs.data;
    if (cap_mapped_asid(frame)) {
        if (cap_mapped_asid(frame) != asid)
            return error_invalid_cap(1);
        if (cap_mapped_vaddr(frame) != vaddr)
            return error_invalid_argument(0);
    } else {
        uint64_t vtop = vaddr + (1ull << frame.size_bits);
        if (vaddr > SEL4_USER_TOP || vtop > SEL4_USER_TOP)
            return error_invalid_argument(0);
    }
    vspace_ret_t v = paging_check_vspace(vs);
    if (v.status != seL4_NoError)
        return v.status;
    vm_rights_t rights = frame_mask_vm_rights((vm_rights_t)frame.rights, rights_mask);
    if (vaddr & ((1ull << frame.size_bits) - 1))
        return syscall_error(seL4_AlignmentError);
    int level = frame_level(frame);
    lookup_pte_ret_t l = paging_lookup_entry(v.vspace, vaddr, level);
    if (l.status != seL4_NoError)
        return paging_missing_level(l);
    if (level > 0 && (*l.pte & PTE_P) && !(*l.pte & PTE_PS))
        return syscall_error(seL4_DeleteFirst); /* a table is mapped there */
    invoke_frame_map(inv->slot, asid, vaddr, l.pte, frame_entry(frame, rights, attr), v.vspace);
    return seL4_NoError;
}

seL4_Error decode_frame_invocation(struct invocation *inv)
{
    switch (inv->label) {
    case X86PageMap:
        return decode_frame_map(inv);
    case X86PageUnmap:
        invoke_frame_unmap(inv->slot);
        return seL4_NoError;
    case X86PageGetAddress:
        invoke_frame_get_address(inv);
        return seL4_NoError;
    default:
        return syscall_error(seL4_IllegalOperation);
    }
}
