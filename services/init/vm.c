// SPDX-License-Identifier: BSD-2-Clause
/*
 * init's memory: the broker's untyped manager and slot allocator run on the
 * real kernel here, through seL4_Untyped_Retype and seL4_CNode_Revoke on the
 * root CNode. Device memory is mapped into a window of init's VSpace: frames
 * are retyped from device untyped at the wanted physical address (4 KiB, or
 * 2 MiB where a range covers whole large pages, as ECAM does), and paging
 * structures come from RAM untyped as the window needs them.
 *
 * Invariant: a physical page appears at most once in the window (seL4 maps a
 * frame cap once; a second request finds the first mapping in `maps`).
 */
#include "vm.h"

#include <kaal/stdio.h>

#define ROOT_CNODE_DEPTH seL4_WordBits
#define MAX_UNTYPED_NODES 4096
#define MAX_MAPPINGS 512
#define DEVICE_WINDOW 0x0000100000000000ul /* 16 TiB: far from the image */

kaal_untyped_mgr_t init_untyped;
kaal_cspace_t init_cspace;

static kaal_ut_node_t ut_nodes[MAX_UNTYPED_NODES];
/* Enough for a root CNode of up to 2^16 slots (bootinfo's empty region). */
static uint64_t slot_bitmap[KAAL_CSPACE_BITMAP_WORDS(1u << 16)];

static struct mapping {
    uint64_t paddr;
    uint64_t vaddr;
    uint8_t size_bits;
} maps[MAX_MAPPINGS];
static unsigned n_maps;
static uint64_t window_next = DEVICE_WINDOW;

static seL4_Error do_retype(void *ctx, seL4_Untyped service, seL4_Word type, seL4_Word size_bits,
                            seL4_CNode root, seL4_Word node_index, seL4_Word node_depth,
                            seL4_Word node_offset, seL4_Word num_objects)
{
    (void)ctx;
    return seL4_Untyped_Retype(service, type, size_bits, root, node_index, node_depth,
                               node_offset, num_objects);
}

static seL4_Error do_revoke(void *ctx, seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    (void)ctx;
    return seL4_CNode_Revoke(root, index, depth);
}

kaal_error_t init_vm_setup(const seL4_BootInfo *bi)
{
    kaal_error_t err = kaal_cspace_init(&init_cspace, seL4_CapInitThreadCNode, 0, 0,
                                        ROOT_CNODE_DEPTH, bi->empty.start, bi->empty.end,
                                        slot_bitmap, sizeof(slot_bitmap) / sizeof(slot_bitmap[0]));
    if (err)
        return err;
    kaal_untyped_ops_t ops = { do_retype, do_revoke, 0 };
    err = kaal_untyped_init(&init_untyped, ops, &init_cspace, ut_nodes, MAX_UNTYPED_NODES);
    if (err)
        return err;
    return kaal_untyped_add_bootinfo(&init_untyped, bi);
}

kaal_ut_alloc_ret_t init_alloc(struct init_objects *owner, seL4_Word type, seL4_Word size_bits,
                               uint8_t footprint_bits)
{
    kaal_ut_alloc_ret_t r = kaal_untyped_alloc(&init_untyped, type, size_bits, footprint_bits);
    if (!r.err && owner) {
        if (owner->n == INIT_MAX_OBJECTS) {
            kaal_untyped_free(&init_untyped, r.cap);
            return (kaal_ut_alloc_ret_t){ .err = KAAL_ENOSPC };
        }
        owner->caps[owner->n++] = r.cap;
    }
    return r;
}

kaal_ut_alloc_ret_t init_alloc_at(struct init_objects *owner, seL4_Word type, uint8_t size_bits,
                                  uint64_t paddr)
{
    if (owner->n == INIT_MAX_OBJECTS)
        return (kaal_ut_alloc_ret_t){ .err = KAAL_ENOSPC };
    kaal_ut_alloc_ret_t r = kaal_untyped_alloc_at(&init_untyped, type, 0, size_bits, paddr);
    if (!r.err)
        owner->caps[owner->n++] = r.cap;
    return r;
}

void init_free_all(struct init_objects *owner)
{
    /* Newest first: a frame goes before the tables it was mapped with. */
    while (owner->n)
        kaal_untyped_free(&init_untyped, owner->caps[--owner->n]);
}

/* Makes sure the paging structures for vaddr exist in vspace down to
 * `levels` below the PML4 (3: PDPT, PD and PT; 2: PDPT and PD for a large
 * page). New tables are charged to owner (NULL: init's own). */
static bool ensure_tables(struct init_objects *owner, seL4_CPtr vspace, uint64_t vaddr,
                          int levels)
{
    static const struct {
        seL4_Word type;
        seL4_Error (*map)(seL4_CPtr, seL4_CPtr, seL4_Word, seL4_X86_VMAttributes);
    } level[3] = {
        { seL4_X86_PDPTObject, seL4_X86_PDPT_Map },
        { seL4_X86_PageDirectoryObject, seL4_X86_PageDirectory_Map },
        { seL4_X86_PageTableObject, seL4_X86_PageTable_Map },
    };
    for (int i = 0; i < levels; i++) {
        kaal_ut_alloc_ret_t t = kaal_untyped_alloc(&init_untyped, level[i].type, 0, seL4_PageTableBits);
        if (t.err)
            return false;
        seL4_Error e = level[i].map(t.cap, vspace, vaddr, seL4_X86_Default_VMAttributes);
        if (e != seL4_NoError) {
            kaal_untyped_free(&init_untyped, t.cap);
            if (e == seL4_DeleteFirst)
                continue; /* already there */
            return false;
        }
        if (owner) {
            if (owner->n == INIT_MAX_OBJECTS)
                return false; /* mapped but untracked: freed with init's own */
            owner->caps[owner->n++] = t.cap;
        }
    }
    return true;
}

seL4_Error init_map_frame(struct init_objects *owner, seL4_CPtr vspace, seL4_CPtr frame,
                          uint64_t vaddr, bool large, seL4_CapRights_t rights,
                          seL4_X86_VMAttributes attr)
{
    seL4_Error e = seL4_X86_Page_Map(frame, vspace, vaddr, rights, attr);
    if (e != seL4_FailedLookup)
        return e;
    if (!ensure_tables(owner, vspace, vaddr, large ? 2 : 3))
        return seL4_NotEnoughMemory;
    return seL4_X86_Page_Map(frame, vspace, vaddr, rights, attr);
}

bool init_map_tables(struct init_objects *owner, seL4_CPtr vspace, uint64_t vaddr, uint64_t size)
{
    for (uint64_t v = vaddr & ~(LARGE_PAGE - 1); v < vaddr + size; v += LARGE_PAGE)
        if (!ensure_tables(owner, vspace, v, 3))
            return false;
    return true;
}

static uint64_t lookup(uint64_t paddr)
{
    for (unsigned i = 0; i < n_maps; i++) {
        uint64_t size = 1ul << maps[i].size_bits;
        if (paddr >= maps[i].paddr && paddr < maps[i].paddr + size)
            return maps[i].vaddr + (paddr - maps[i].paddr);
    }
    return 0;
}

static uint64_t map_one(uint64_t paddr, unsigned size_bits)
{
    if (n_maps == MAX_MAPPINGS)
        return 0;
    uint64_t size = 1ul << size_bits;
    uint64_t vaddr = (window_next + size - 1) & ~(size - 1);
    seL4_Word type = size_bits == seL4_LargePageBits ? seL4_X86_LargePageObject : seL4_X86_4K;
    kaal_ut_alloc_ret_t f =
        kaal_untyped_alloc_at(&init_untyped, type, 0, (uint8_t)size_bits, paddr);
    if (f.err)
        return 0;
    if (init_map_frame(NULL, seL4_CapInitThreadVSpace, f.cap, vaddr, size_bits == seL4_LargePageBits,
                       seL4_ReadWrite, seL4_X86_Uncacheable) != seL4_NoError) {
        kaal_untyped_free(&init_untyped, f.cap);
        return 0;
    }
    maps[n_maps++] = (struct mapping){ paddr, vaddr, (uint8_t)size_bits };
    window_next = vaddr + size;
    return vaddr;
}

volatile void *init_device_page(uint64_t paddr)
{
    uint64_t v = lookup(paddr);
    if (!v) {
        v = map_one(paddr & ~(PAGE - 1), seL4_PageBits);
        if (!v)
            return NULL;
        v += paddr & (PAGE - 1);
    }
    return (volatile void *)v;
}

volatile void *init_map_device(uint64_t paddr, uint64_t size_bytes)
{
    uint64_t base = paddr & ~(PAGE - 1), end = paddr + size_bytes;
    if (size_bytes == 0 || end < paddr)
        return NULL;
    for (uint64_t p = base; p < end; p += PAGE)
        if (lookup(p))
            return NULL; /* already mapped elsewhere: cannot be contiguous */
    /* Large pages need a 2 MiB-aligned virtual start. */
    window_next = (window_next + LARGE_PAGE - 1) & ~(LARGE_PAGE - 1);
    uint64_t first = 0;
    for (uint64_t p = base; p < end;) {
        bool large = !(p & (LARGE_PAGE - 1)) && end - p >= LARGE_PAGE;
        uint64_t v = map_one(p, large ? seL4_LargePageBits : seL4_PageBits);
        if (!v || (first && v != first + (p - base)))
            return NULL;
        if (!first)
            first = v;
        p += large ? LARGE_PAGE : PAGE;
    }
    return (volatile void *)(first + (paddr - base));
}
