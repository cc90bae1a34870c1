// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86_64 VSpace objects, seL4's semantics: PML4 (the VSpace root), PDPT,
 * PageDirectory, PageTable, frames of 4 KiB, 2 MiB and 1 GiB, ASID control
 * and ASID pools. This file has what is common to them: object types and
 * creation, page-table walks, the invocation dispatch, derivation,
 * rights and finalisation, and the walk to a thread's IPC buffer. Each
 * object's invocations are in its own file (frame.c, page_table.c,
 * asid.c); the root task's caps in boot_caps.c. The model is in paging.h.
 */
#include <kernel/thread.h>
#include <kernel/ipc.h>
#include <arch/io.h>
#include <kaal/string.h>
#include "paging.h"

/* ---- object types ---- */

bool arch_is_frame_type(uint64_t type)
{
    return type == seL4_X86_4K || type == seL4_X86_LargePageObject ||
           type == seL4_X64_HugePageObject;
}

bool arch_is_object_type(uint64_t type)
{
    return type < seL4_ObjectTypeCount;
}

unsigned arch_object_size_bits(uint64_t type)
{
    switch (type) {
    case seL4_X86_LargePageObject:
        return seL4_LargePageBits;
    case seL4_X64_HugePageObject:
        return seL4_HugePageBits;
    default:
        return seL4_PageBits; /* 4K frames, PML4, PDPT, PD, PT */
    }
}

static uint64_t *kernel_pml4(void)
{
    return paddr_to_pptr(arch_kernel_vspace_root());
}

/* The memory is zero (the retype cleared it); device frames are never written. */
cap_t arch_object_create(uint64_t type, void *ptr, bool device)
{
    cap_t c;
    switch (type) {
    case seL4_X86_4K:
    case seL4_X86_LargePageObject:
    case seL4_X64_HugePageObject:
        c = cap_make(cap_frame_cap, ptr, arch_object_size_bits(type), 0);
        c.rights = VM_READ_WRITE;
        c.flag = device;
        return c;
    case seL4_X64_PML4Object: {
        uint64_t *pml4 = ptr;
        for (unsigned i = KERNEL_PML4_FIRST; i < 512; i++)
            pml4[i] = kernel_pml4()[i];
        return cap_make(cap_pml4_cap, ptr, 0, 0);
    }
    case seL4_X86_PDPTObject:
        return cap_make(cap_pdpt_cap, ptr, 0, 0);
    case seL4_X86_PageDirectoryObject:
        return cap_make(cap_page_directory_cap, ptr, 0, 0);
    default: /* seL4_X86_PageTableObject */
        return cap_make(cap_page_table_cap, ptr, 0, 0);
    }
}

/* ---- page-table walks ---- */

lookup_pte_ret_t paging_lookup_entry(uint64_t *pml4, uint64_t vaddr, int level)
{
    uint64_t *table = pml4;
    for (int l = 3; l > level; l--) {
        uint64_t e = table[(vaddr >> PTE_LEVEL_SHIFT(l)) & 511];
        if (!(e & PTE_P) || (l < 3 && (e & PTE_PS)))
            return (lookup_pte_ret_t){ seL4_FailedLookup, NULL, PTE_LEVEL_SHIFT(l) };
        table = paddr_to_pptr(e & PTE_ADDR);
    }
    return (lookup_pte_ret_t){ seL4_NoError, &table[(vaddr >> PTE_LEVEL_SHIFT(level)) & 511], 0 };
}

uint64_t *paging_find_vspace(uint64_t asid)
{
    struct asid_pool *pool = asid < (N_ASID_POOLS << ASID_LOW_BITS)
                                 ? asid_table[asid >> ASID_LOW_BITS]
                                 : 0;
    return pool ? pool->vspace[asid & (ASID_POOL_SIZE - 1)] : 0;
}

seL4_Error paging_missing_level(lookup_pte_ret_t r)
{
    lookup_fault_missing(r.bits_left); /* seL4: PML4/PDPT/PD_INDEX_OFFSET */
    return error_failed_lookup(false);
}

bool paging_vspace_is_current(const uint64_t *vspace)
{
    return (read_cr3() & PTE_ADDR) == kptr_to_paddr(vspace);
}

void paging_flush_page(const uint64_t *vspace, uint64_t vaddr)
{
    if (paging_vspace_is_current(vspace))
        __asm__ volatile("invlpg (%0)" : : "r"(vaddr) : "memory");
}

void paging_flush_all(const uint64_t *vspace)
{
    if (!vspace || paging_vspace_is_current(vspace))
        write_cr3(read_cr3());
}

/* A PML4 cap that has an ASID, and the VSpace the ASID table has for it. */
vspace_ret_t paging_check_vspace(cap_t vs)
{
    if (cap_type(vs) != cap_pml4_cap || vs.data == 0)
        return (vspace_ret_t){ error_invalid_cap(1), NULL };
    uint64_t *vspace = paging_find_vspace(vs.data);
    if (!vspace) {
        lookup_fault_invalid_root();
        return (vspace_ret_t){ error_failed_lookup(false), NULL };
    }
    if (vspace != cap_ptr(vs))
        return (vspace_ret_t){ error_invalid_cap(1), NULL };
    return (vspace_ret_t){ seL4_NoError, vspace };
}

seL4_Error arch_decode_invocation(struct invocation *inv)
{
    switch (cap_type(inv->cap)) {
    case cap_frame_cap:
        return decode_frame_invocation(inv);
    case cap_page_table_cap:
    case cap_page_directory_cap:
    case cap_pdpt_cap:
        return decode_page_table_invocation(inv);
    case cap_asid_control_cap:
        return decode_asid_control_invocation(inv);
    case cap_asid_pool_cap:
        return decode_asid_pool_invocation(inv);
    case cap_io_port_control_cap:
        return arch_decode_io_port_control(inv);
    case cap_io_port_cap:
        return arch_decode_io_port(inv);
    default:
        /* PML4 caps have no invocations. */
        return syscall_error(seL4_IllegalOperation);
    }
}

/* ---- derivation, rights, finalisation ---- */

derive_ret_t arch_derive_cap(cte_t *slot, cap_t cap)
{
    (void)slot;
    derive_ret_t ret = { seL4_NoError, cap };
    switch (cap_type(cap)) {
    case cap_page_table_cap:
    case cap_page_directory_cap:
    case cap_pdpt_cap:
    case cap_pml4_cap:
        /* Unmapped tables (and unassigned VSpaces) cannot be copied. */
        if (cap.data == 0) {
            ret.status = syscall_error(seL4_IllegalOperation);
            ret.cap = cap_null();
        }
        return ret;
    case cap_frame_cap:
        ret.cap.data = 0; /* a copy starts unmapped */
        return ret;
    case cap_io_port_control_cap:
        ret.cap = cap_null();
        return ret;
    default:
        return ret;
    }
}

cap_t arch_mask_cap_rights(uint64_t rights_word, cap_t cap)
{
    if (cap_type(cap) == cap_frame_cap)
        cap.rights = frame_mask_vm_rights((vm_rights_t)cap.rights, rights_word);
    return cap;
}

void arch_finalise_cap(cap_t cap, bool final)
{
    switch (cap_type(cap)) {
    case cap_frame_cap:
        frame_unmap(cap); /* every frame cap owns its own mapping */
        return;
    case cap_page_table_cap:
    case cap_page_directory_cap:
    case cap_pdpt_cap:
        if (final)
            page_table_unmap(cap);
        return;
    case cap_pml4_cap:
        if (final && cap.data) {
            struct asid_pool *pool = asid_table[(cap.data >> ASID_LOW_BITS) & (N_ASID_POOLS - 1)];
            uint64_t **entry = pool ? &pool->vspace[cap.data & (ASID_POOL_SIZE - 1)] : 0;
            if (entry && *entry == cap_ptr(cap))
                *entry = 0;
        }
        if (final && paging_vspace_is_current(cap_ptr(cap)))
            write_cr3(arch_kernel_vspace_root());
        return;
    case cap_io_port_cap:
        if (final)
            arch_io_port_finalise(cap);
        return;
    case cap_asid_pool_cap:
        if (final) {
            unsigned i = (cap.data >> ASID_LOW_BITS) & (N_ASID_POOLS - 1);
            if (asid_table[i] == cap_ptr(cap)) {
                asid_table[i] = 0;
                paging_flush_all(0);
            }
        }
        return;
    default:
        return;
    }
}

/* ---- the invocation path's view of a thread ---- */

/* The leaf entry that maps va below root, walking entries that all have
 * the bits of `need` (*level: 0 PTE, 1 PDE, 2 PDPTE); 0 if there is none. */
static uint64_t leaf_entry(paddr_t root, vaddr_t va, uint64_t need, unsigned *level)
{
    const uint64_t *table = paddr_to_pptr(root);
    for (int l = 3; l >= 0; l--) {
        uint64_t e = table[(va >> (PAGE_BITS + 9 * l)) & 511];
        if ((e & need) != need)
            return 0;
        if (l == 0 || (l < 3 && (e & PTE_PS))) {
            *level = (unsigned)l;
            return e;
        }
        table = paddr_to_pptr(e & PTE_ADDR);
    }
    return 0;
}

seL4_IPCBuffer *arch_ipc_buffer(struct tcb *t)
{
    uint64_t va = t->ipc_buffer_vaddr;
    if (!va || (va & ((1u << seL4_IPCBufferSizeBits) - 1)) || va >= USER_TOP || !t->vspace_root)
        return 0;
    unsigned level = 0;
    uint64_t e = leaf_entry(t->vspace_root, va, PTE_P | PTE_U | PTE_W, &level);
    if (!e)
        return 0;
    uint64_t page_bytes = 1ull << (PAGE_BITS + 9 * level);
    uint64_t pa = (e & PTE_ADDR & ~(page_bytes - 1)) + (va & (page_bytes - 1));
    if (pa + sizeof(seL4_IPCBuffer) > PPTR_MAP_BYTES)
        return 0; /* device memory beyond the kernel window */
    return paddr_to_pptr(pa);
}

uint64_t arch_debug_page_entry(paddr_t root, vaddr_t va, unsigned *level)
{
    return leaf_entry(root, va, PTE_P, level);
}
