// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86_64 4-level paging at boot: building the root task's address space.
 * Every top-level table (PML4) copies the kernel half (slots 256..511) from
 * the boot PML4, so the direct map and the kernel image are visible in every
 * address space (user mode cannot touch them: no U bit). Tables are reached
 * through the direct map (paddr_to_pptr).
 */
#include <kernel/vspace.h>
#include <kernel/kprintf.h>
#include <arch/io.h>
#include <arch/pte.h>
#include <kaal/string.h>

extern paddr_t boot_pml4_paddr; /* boot.S; the kernel keeps the boot PML4 */

static uint64_t *kernel_pml4(void)
{
    return paddr_to_pptr(boot_pml4_paddr);
}

void arch_boot_drop_identity_map(void)
{
    kernel_pml4()[0] = 0;
    write_cr3(read_cr3());
}

static paddr_t alloc_zeroed_page(struct boot_mem *bm)
{
    paddr_t p = boot_mem_alloc(bm, PAGE_BITS);
    if (p)
        memset(paddr_to_pptr(p), 0, PAGE_SIZE);
    return p;
}

paddr_t arch_boot_vspace_new(struct boot_mem *bm)
{
    paddr_t root = alloc_zeroed_page(bm);
    if (!root)
        return 0;
    uint64_t *pml4 = paddr_to_pptr(root);
    for (unsigned i = KERNEL_PML4_FIRST; i < 512; i++)
        pml4[i] = kernel_pml4()[i];
    return root;
}

int arch_boot_map_frame(struct boot_mem *bm, paddr_t root, vaddr_t va, paddr_t frame,
                        unsigned vm_flags, unsigned *n_tables)
{
    kassert(va < USER_TOP && !(va & (PAGE_SIZE - 1)));
    uint64_t *table = paddr_to_pptr(root);
    for (int level = 3; level > 0; level--) {
        unsigned idx = (va >> (PAGE_BITS + 9 * level)) & 511;
        if (!(table[idx] & PTE_P)) {
            paddr_t next = alloc_zeroed_page(bm);
            if (!next)
                return -1;
            (*n_tables)++;
            /* Intermediate levels allow everything; the leaf restricts. */
            table[idx] = next | PTE_P | PTE_W | PTE_U;
        }
        table = paddr_to_pptr(table[idx] & PTE_ADDR);
    }
    unsigned idx = (va >> PAGE_BITS) & 511;
    table[idx] = frame | PTE_P | PTE_U | ((vm_flags & VM_WRITE) ? PTE_W : 0) |
                 ((vm_flags & VM_EXEC) ? 0 : PTE_NX);
    return 0;
}

paddr_t arch_kernel_vspace_root(void)
{
    return boot_pml4_paddr;
}
