// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86_64 VSpace objects and their invocations, with seL4's semantics:
 * PML4 (the VSpace root), PDPT, PageDirectory, PageTable, frames of 4 KiB,
 * 2 MiB and 1 GiB, ASID control and ASID pools.
 *
 * Model. A PML4 can be mapped into only after an ASID pool assigned it an
 * ASID; every mapping cap records (ASID, vaddr), and unmapping goes through
 * the ASID table again, so a cap whose VSpace or table went away unmaps
 * nothing. An entry is only cleared if it still points at the cap's object.
 * Each frame cap is mapped in at most one place (copy the cap to map the
 * frame twice, as in seL4); a 4 KiB map over a present PTE replaces it, as
 * seL4 does, while a table or large page over a present table entry is
 * seL4_DeleteFirst. User mappings are never global and PCIDs are not used,
 * so the TLB holds entries of the current address space only: unmapping in
 * it invalidates the page (invlpg) or, for a whole table, reloads CR3.
 *
 * The ASID table (8 pools of 512 ASIDs) is kernel state owned here.
 */
#include <kernel/invocation.h>
#include <kernel/thread.h>
#include <kernel/vspace.h>
#include <kernel/ipc.h>
#include <arch/io.h>
#include <arch/pte.h>
#include <kaal/string.h>

#define ASID_LOW_BITS  9
#define ASID_HIGH_BITS 3
#define N_ASID_POOLS   (1u << ASID_HIGH_BITS)
#define ASID_POOL_SIZE (1u << ASID_LOW_BITS)
#define SEL4_USER_TOP  0x00007fffffffffffull /* seL4's USER_TOP for the checks */

struct asid_pool {
    uint64_t *vspace[ASID_POOL_SIZE]; /* PML4 (kernel pointer) per ASID */
};
_Static_assert(sizeof(struct asid_pool) == (1u << seL4_ASIDPoolBits), "asid pool is a page");

static struct asid_pool *asid_table[N_ASID_POOLS];

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

static paddr_t kptr_to_paddr(const void *p)
{
    return pptr_to_paddr(p);
}

/* The entry at `level` (0 = PTE .. 3 = PML4E) for vaddr, or NULL with
 * klookup_fault set: a missing level l reports the bits below it, as seL4. */
static uint64_t *lookup_entry(uint64_t *pml4, uint64_t vaddr, int level)
{
    uint64_t *table = pml4;
    for (int l = 3; l > level; l--) {
        uint64_t e = table[(vaddr >> (PAGE_BITS + 9 * l)) & 511];
        if (!(e & PTE_P) || (l < 3 && (e & PTE_PS))) {
            lookup_fault_missing(PAGE_BITS + 9 * l); /* seL4: PML4/PDPT/PD_INDEX_OFFSET */
            return 0;
        }
        table = paddr_to_pptr(e & PTE_ADDR);
    }
    return &table[(vaddr >> (PAGE_BITS + 9 * level)) & 511];
}

static uint64_t *find_vspace(uint64_t asid)
{
    struct asid_pool *pool = asid < (N_ASID_POOLS << ASID_LOW_BITS)
                                 ? asid_table[asid >> ASID_LOW_BITS]
                                 : 0;
    uint64_t *vspace = pool ? pool->vspace[asid & (ASID_POOL_SIZE - 1)] : 0;
    if (!vspace)
        lookup_fault_invalid_root();
    return vspace;
}

static bool vspace_is_current(const uint64_t *vspace)
{
    return (read_cr3() & PTE_ADDR) == kptr_to_paddr(vspace);
}

static void flush_page(const uint64_t *vspace, uint64_t vaddr)
{
    if (vspace_is_current(vspace))
        __asm__ volatile("invlpg (%0)" : : "r"(vaddr) : "memory");
}

static void flush_all(const uint64_t *vspace)
{
    if (!vspace || vspace_is_current(vspace))
        write_cr3(read_cr3());
}

/* ---- frames ---- */

static int frame_level(cap_t frame)
{
    return frame.size_bits == seL4_PageBits ? 0 : frame.size_bits == seL4_LargePageBits ? 1 : 2;
}

static vm_rights_t mask_vm_rights(vm_rights_t rights, uint64_t mask)
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

static void frame_unmap(cap_t frame)
{
    uint64_t asid = cap_mapped_asid(frame), vaddr = cap_mapped_vaddr(frame);
    if (!asid)
        return;
    uint64_t *vspace = find_vspace(asid);
    if (!vspace)
        return;
    uint64_t *e = lookup_entry(vspace, vaddr, frame_level(frame));
    if (!e || !(*e & PTE_P) || (*e & PTE_ADDR) != kptr_to_paddr(cap_ptr(frame)))
        return;
    if (frame_level(frame) > 0 && !(*e & PTE_PS))
        return;
    *e = 0;
    flush_page(vspace, vaddr);
}

/* A PML4 cap that has an ASID, and the VSpace the ASID table has for it. */
static seL4_Error check_vspace_arg(cap_t vs, uint64_t **vspace_out)
{
    if (cap_type(vs) != cap_pml4_cap || vs.data == 0)
        return error_invalid_cap(1);
    uint64_t *vspace = find_vspace(vs.data);
    if (!vspace)
        return error_failed_lookup(false);
    if (vspace != cap_ptr(vs))
        return error_invalid_cap(1);
    *vspace_out = vspace;
    return seL4_NoError;
}

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
    uint64_t *vspace;
    seL4_Error err = check_vspace_arg(vs, &vspace);
    if (err != seL4_NoError)
        return err;
    vm_rights_t rights = mask_vm_rights((vm_rights_t)frame.rights, rights_mask);
    if (vaddr & ((1ull << frame.size_bits) - 1))
        return syscall_error(seL4_AlignmentError);
    int level = frame_level(frame);
    uint64_t *e = lookup_entry(vspace, vaddr, level);
    if (!e)
        return error_failed_lookup(false);
    if (level > 0 && (*e & PTE_P) && !(*e & PTE_PS))
        return syscall_error(seL4_DeleteFirst); /* a table is mapped there */

    /* invoke */
    inv->slot->cap.data = cap_map_data(asid, vaddr);
    *e = frame_entry(frame, rights, attr);
    flush_page(vspace, vaddr);
    return seL4_NoError;
}

static seL4_Error decode_frame_invocation(struct invocation *inv)
{
    switch (inv->label) {
    case X86PageMap:
        return decode_frame_map(inv);
    case X86PageUnmap:
        frame_unmap(inv->cap);
        inv->slot->cap.data = 0;
        return seL4_NoError;
    case X86PageGetAddress:
        inv->reply_mr[0] = kptr_to_paddr(cap_ptr(inv->cap));
        inv->reply_length = 1;
        return seL4_NoError;
    default:
        return syscall_error(seL4_IllegalOperation);
    }
}

/* ---- page tables, page directories, PDPTs ---- */

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

static void table_unmap(cap_t c)
{
    uint64_t asid = cap_mapped_asid(c), vaddr = cap_mapped_vaddr(c);
    if (!asid)
        return;
    uint64_t *vspace = find_vspace(asid);
    if (!vspace)
        return;
    int level = table_entry_level(c);
    uint64_t *e = lookup_entry(vspace, vaddr, level);
    if (!e || !(*e & PTE_P) || (*e & PTE_PS) ||
        (*e & PTE_ADDR) != kptr_to_paddr(cap_ptr(c)))
        return;
    *e = 0;
    flush_all(vspace);
}

static seL4_Error decode_table_invocation(struct invocation *inv)
{
    cap_t c = inv->cap;
    uint64_t map_label = cap_type(c) == cap_pdpt_cap ? X86PDPTMap
                         : cap_type(c) == cap_page_directory_cap ? X86PageDirectoryMap
                                                                : X86PageTableMap;
    if (inv->label == map_label + 1) { /* Unmap */
        if (!cdt_is_final(inv->slot))
            return syscall_error(seL4_RevokeFirst);
        if (cap_mapped_asid(c)) {
            table_unmap(c);
            memset(cap_ptr(c), 0, PAGE_SIZE);
        }
        inv->slot->cap.data = 0;
        return seL4_NoError;
    }
    if (inv->label != map_label)
        return syscall_error(seL4_IllegalOperation);
    if (inv->length < 2 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    if (cap_mapped_asid(c))
        return error_invalid_cap(0);
    int level = table_entry_level(c);
    uint64_t vaddr = inv->mr[0] & ~((1ull << (PAGE_BITS + 9 * level)) - 1);
    uint64_t attr = inv->mr[1];
    cap_t vs = inv->extra[0]->cap;
    if (cap_type(vs) != cap_pml4_cap || vs.data == 0)
        return error_invalid_cap(1);
    if (vaddr > SEL4_USER_TOP)
        return error_invalid_argument(0);
    uint64_t *vspace;
    seL4_Error err = check_vspace_arg(vs, &vspace);
    if (err != seL4_NoError)
        return err;
    uint64_t *e = lookup_entry(vspace, vaddr, level);
    if (!e)
        return error_failed_lookup(false);
    if (*e & PTE_P)
        return syscall_error(seL4_DeleteFirst);

    /* invoke */
    uint64_t entry = kptr_to_paddr(cap_ptr(c)) | PTE_P | PTE_W | PTE_U;
    if (attr & seL4_X86_WriteThrough)
        entry |= PTE_PWT;
    if (attr & seL4_X86_CacheDisabled)
        entry |= PTE_PCD;
    inv->slot->cap.data = cap_map_data(vs.data, vaddr);
    *e = entry;
    return seL4_NoError;
}

/* ---- ASIDs ---- */

static seL4_Error decode_asid_control(struct invocation *inv)
{
    if (inv->label != X86ASIDControlMakePool)
        return syscall_error(seL4_IllegalOperation);
    if (inv->length < 2 || !inv->extra[0] || !inv->extra[1])
        return syscall_error(seL4_TruncatedMessage);
    cte_t *parent = inv->extra[0];
    cap_t ut = parent->cap;
    unsigned i;
    for (i = 0; i < N_ASID_POOLS && asid_table[i]; i++)
        ;
    if (i == N_ASID_POOLS)
        return syscall_error(seL4_DeleteFirst);
    if (cap_type(ut) != cap_untyped_cap || ut.size_bits != seL4_ASIDPoolBits || ut.flag)
        return error_invalid_cap(1);
    seL4_Error err = cdt_ensure_no_children(parent);
    if (err != seL4_NoError)
        return err;
    lookup_slot_ret_t r = cspace_lookup_target(inv->extra[1]->cap, inv->mr[0], inv->mr[1]);
    if (r.status != seL4_NoError)
        return r.status;
    if (cdt_ensure_empty(r.slot) != seL4_NoError)
        return seL4_DeleteFirst;

    /* invoke: the whole untyped becomes the pool */
    struct asid_pool *pool = cap_ptr(ut);
    untyped_forget_clearings((uint64_t)pool, (uint64_t)pool + (1ull << seL4_ASIDPoolBits));
    memset(pool, 0, sizeof(*pool));
    parent->cap.data = 1ull << seL4_ASIDPoolBits;
    cdt_insert_new(parent, r.slot,
                   cap_make(cap_asid_pool_cap, pool, 0, (uint64_t)i << ASID_LOW_BITS));
    asid_table[i] = pool;
    return seL4_NoError;
}

static void asid_pool_assign(struct asid_pool *pool, uint64_t asid, cte_t *vspace_slot)
{
    vspace_slot->cap.data = asid;
    pool->vspace[asid & (ASID_POOL_SIZE - 1)] = cap_ptr(vspace_slot->cap);
}

static seL4_Error decode_asid_pool(struct invocation *inv)
{
    if (inv->label != X86ASIDPoolAssign)
        return syscall_error(seL4_IllegalOperation);
    if (!inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    cte_t *vs_slot = inv->extra[0];
    if (cap_type(vs_slot->cap) != cap_pml4_cap || vs_slot->cap.data != 0)
        return error_invalid_cap(1);
    uint64_t base = inv->cap.data;
    struct asid_pool *pool = asid_table[(base >> ASID_LOW_BITS) & (N_ASID_POOLS - 1)];
    if (!pool) {
        lookup_fault_invalid_root();
        return error_failed_lookup(false);
    }
    if (pool != cap_ptr(inv->cap))
        return error_invalid_cap(0);
    unsigned i;
    for (i = 0; i < ASID_POOL_SIZE && (base + i == 0 || pool->vspace[i]); i++)
        ;
    if (i == ASID_POOL_SIZE)
        return syscall_error(seL4_DeleteFirst);
    asid_pool_assign(pool, base + i, vs_slot);
    return seL4_NoError;
}

seL4_Error arch_decode_invocation(struct invocation *inv)
{
    switch (cap_type(inv->cap)) {
    case cap_frame_cap:
        return decode_frame_invocation(inv);
    case cap_page_table_cap:
    case cap_page_directory_cap:
    case cap_pdpt_cap:
        return decode_table_invocation(inv);
    case cap_asid_control_cap:
        return decode_asid_control(inv);
    case cap_asid_pool_cap:
        return decode_asid_pool(inv);
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
        cap.rights = mask_vm_rights((vm_rights_t)cap.rights, rights_word);
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
            table_unmap(cap);
        return;
    case cap_pml4_cap:
        if (final && cap.data) {
            struct asid_pool *pool = asid_table[(cap.data >> ASID_LOW_BITS) & (N_ASID_POOLS - 1)];
            uint64_t **entry = pool ? &pool->vspace[cap.data & (ASID_POOL_SIZE - 1)] : 0;
            if (entry && *entry == cap_ptr(cap))
                *entry = 0;
        }
        if (final && vspace_is_current(cap_ptr(cap)))
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
                flush_all(0);
            }
        }
        return;
    default:
        return;
    }
}

/* ---- the invocation path's view of a thread ---- */

seL4_IPCBuffer *arch_ipc_buffer(struct tcb *t)
{
    uint64_t va = t->ipc_buffer_vaddr;
    if (!va || (va & ((1u << seL4_IPCBufferSizeBits) - 1)) || va >= USER_TOP || !t->vspace_root)
        return 0;
    uint64_t *table = paddr_to_pptr(t->vspace_root);
    for (int level = 3; level >= 0; level--) {
        uint64_t e = table[(va >> (PAGE_BITS + 9 * level)) & 511];
        if ((e & (PTE_P | PTE_U | PTE_W)) != (PTE_P | PTE_U | PTE_W))
            return 0;
        if (level == 0 || (level < 3 && (e & PTE_PS))) {
            uint64_t page_bytes = 1ull << (PAGE_BITS + 9 * level);
            uint64_t pa = (e & PTE_ADDR & ~(page_bytes - 1)) + (va & (page_bytes - 1));
            if (pa + sizeof(seL4_IPCBuffer) > PPTR_MAP_BYTES)
                return 0; /* device memory beyond the kernel window */
            return paddr_to_pptr(pa);
        }
        table = paddr_to_pptr(e & PTE_ADDR);
    }
    return 0;
}

/* ---- the root task's caps (kernel/boot/root_task.c) ---- */

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
    uint64_t *e = lookup_entry(paddr_to_pptr(root), va, 0);
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
