// SPDX-License-Identifier: BSD-2-Clause
/*
 * The root task's caps to its own paging structures, frames, VSpace, ASID
 * pool and the arch control caps (called by kernel/boot/root_task.c).
 */
#include <kaal/string.h>
#include "paging.h"

cap_t arch_boot_vspace_cap(paddr_t root)
{
    return cap_make(cap_pml4_cap, paddr_to_pptr(root), 0, ROOT_TASK_ASID);
}

cap_t arch_boot_asid_pool_cap(paddr_t pool_page, paddr_t root)
{
    struct asid_pool *pool = paddr_to_pptr(pool_page);
    memset(pool, 0, sizeof(*pool));
    pool->vspace[ROOT_TASK_ASID] = paddr_to_pptr(root);
    asid_table[0] = pool;
    return cap_make(cap_asid_pool_cap, pool, 0, 0);
}

cap_t arch_boot_control_cap(enum arch_boot_control which)
{
    switch (which) {
    case ARCH_BOOT_ASID_CONTROL:
        return cap_make(cap_asid_control_cap, 0, 0, 0);
    default:
        return cap_make(cap_io_port_control_cap, 0, 0, 0);
    }
}

cap_t arch_boot_frame_cap(paddr_t frame, vaddr_t va, bool writable)
{
    cap_t c = cap_make(cap_frame_cap, paddr_to_pptr(frame), seL4_PageBits,
                       cap_map_data(ROOT_TASK_ASID, va));
    c.rights = writable ? VM_READ_WRITE : VM_READ_ONLY;
    return c;
}

paddr_t arch_boot_lookup_frame(paddr_t root, vaddr_t va)
{
    uint64_t *e = paging_lookup_entry(paddr_to_pptr(root), va, 0).pte;
    return e && (*e & PTE_P) ? (*e & PTE_ADDR) : 0;
}

/* Caps to the root task's paging structures: PDPTs, then page directories,
 * then page tables, each in address order, marked mapped where they are. */
unsigned arch_boot_paging_caps(paddr_t root, cap_t *out, unsigned max)
{
    static const cap_type_t types[] = { cap_pdpt_cap, cap_page_directory_cap,
                                        cap_page_table_cap };
    unsigned n = 0;
    uint64_t *pml4 = paddr_to_pptr(root);
    for (int want = 3; want >= 1; want--) {
        for (unsigned i3 = 0; i3 < KERNEL_PML4_FIRST; i3++) {
            if (!(pml4[i3] & PTE_P))
                continue;
            uint64_t va3 = (uint64_t)i3 << 39;
            uint64_t *pdpt = paddr_to_pptr(pml4[i3] & PTE_ADDR);
            if (want == 3) {
                if (n < max)
                    out[n] = cap_make(types[0], pdpt, 0, cap_map_data(ROOT_TASK_ASID, va3));
                n++;
                continue;
            }
            for (unsigned i2 = 0; i2 < 512; i2++) {
                if (!(pdpt[i2] & PTE_P) || (pdpt[i2] & PTE_PS))
                    continue;
                uint64_t va2 = va3 | ((uint64_t)i2 << 30);
                uint64_t *pd = paddr_to_pptr(pdpt[i2] & PTE_ADDR);
                if (want == 2) {
                    if (n < max)
                        out[n] = cap_make(types[1], pd, 0, cap_map_data(ROOT_TASK_ASID, va2));
                    n++;
                    continue;
                }
                for (unsigned i1 = 0; i1 < 512; i1++) {
                    if (!(pd[i1] & PTE_P) || (pd[i1] & PTE_PS))
                        continue;
                    uint64_t va1 = va2 | ((uint64_t)i1 << 21);
                    if (n < max)
                        out[n] = cap_make(types[2], paddr_to_pptr(pd[i1] & PTE_ADDR), 0,
                                          cap_map_data(ROOT_TASK_ASID, va1));
                    n++;
                }
            }
        }
    }
    return n;
}

