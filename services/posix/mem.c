// SPDX-License-Identifier: BSD-2-Clause
/*
 * The POSIX server's memory: the "pool" untyped split once into POOL_PAGES
 * untypeds of 4 KiB, handed out one object per page (frames, paging
 * structures, TCBs, CNodes, PML4s all fit in a page).
 *
 * Model: page i owns three fixed slots of the server's CNode, UT_BASE + i
 * (its untyped), OBJ_BASE + i (the object retyped from it) and COPY_BASE + i
 * (a second cap to a frame, for the mapping in a process; the object cap
 * itself is mapped in the server's window at WINDOW_BASE + i pages). Free
 * pages are a stack. Freeing deletes the copy and the object, so the untyped
 * has no children and seL4 retypes it from offset 0 next time: the pool can
 * never leak or fragment, whatever processes do (docs/posix.md).
 *
 * Invariant: a page is either on the free stack (both object slots empty) or
 * owned by exactly one holder (a process's page record or table list, or the
 * window's own paging structures).
 */
#include "posix.h"

#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>

#include "posix_caps.h"

#define CNODE KAAL_SYSDESC_SLOT_CNODE
#define DEPTH seL4_WordBits
#define UT_BASE 1024u
#define OBJ_BASE (UT_BASE + POOL_PAGES)
#define COPY_BASE (OBJ_BASE + POOL_PAGES)
#define REPLY_BASE (COPY_BASE + POOL_PAGES)
#define WINDOW_BASE 0x0000100000000000ul
#define POOL_BITS 26 /* component.toml: pool = 64 MiB = POOL_PAGES pages */

_Static_assert(UT_BASE >= KAAL_COMPONENT_FIRST_FREE_SLOT, "pool slots after the granted caps");
/* The rest of the CNode: extra caps to frames mapped in more than one
 * process (fork shares pages copy-on-write), a stack of free slots. */
#define EXTRA_BASE (REPLY_BASE + MAX_PROCS + 1)
#define EXTRA_SLOTS ((1u << KAAL_COMPONENT_CNODE_SIZE_BITS) - EXTRA_BASE)

_Static_assert(EXTRA_BASE + 1024 <= (1u << KAAL_COMPONENT_CNODE_SIZE_BITS),
               "component.toml cnode_size_bits holds the pool's slots and extra caps");
_Static_assert((1u << (POOL_BITS - PAGE_BITS)) == POOL_PAGES, "pool size");

static page_t free_stack[POOL_PAGES];
static uint32_t window_tables_kept; /* the window's paging structures */
static uint32_t n_free;
static uint8_t state[POOL_PAGES]; /* bit 0: copy made, bit 1: in the window */
static seL4_CPtr extra_stack[EXTRA_SLOTS];
static uint32_t n_extra_free;

void mem_init(void)
{
    for (uint32_t i = 0; i < POOL_PAGES; i += seL4_UntypedRetypeMaxObjects) {
        uint32_t n = POOL_PAGES - i < seL4_UntypedRetypeMaxObjects ? POOL_PAGES - i
                                                                   : seL4_UntypedRetypeMaxObjects;
        seL4_Error e = seL4_Untyped_Retype(KAAL_CAP_POOL, seL4_UntypedObject, PAGE_BITS, CNODE, 0,
                                           0, UT_BASE + i, n);
        if (e != seL4_NoError) {
            printf("posix: pool split failed at page %u: error %d\n", i, (int)e);
            break;
        }
        n_free += n;
    }
    /* Low pages are handed out first. */
    for (uint32_t j = 0; j < n_free; j++)
        free_stack[j] = n_free - 1 - j;
    for (uint32_t j = 0; j < EXTRA_SLOTS; j++)
        extra_stack[n_extra_free++] = EXTRA_BASE + EXTRA_SLOTS - 1 - j;
}

seL4_CPtr mem_extra_cap(page_t p)
{
    if (n_extra_free == 0)
        return 0;
    seL4_CPtr slot = extra_stack[n_extra_free - 1];
    if (seL4_CNode_Copy(CNODE, slot, DEPTH, CNODE, OBJ_BASE + p, DEPTH, seL4_AllRights) !=
        seL4_NoError)
        return 0;
    n_extra_free--;
    return slot;
}

void mem_extra_free(seL4_CPtr slot)
{
    seL4_CNode_Delete(CNODE, slot, DEPTH); /* unmaps it */
    extra_stack[n_extra_free++] = slot;
}

uint32_t mem_free_pages(void)
{
    return n_free;
}

uint32_t mem_window_table_pages(void)
{
    return window_tables_kept;
}

seL4_CPtr mem_cap(page_t p)
{
    return OBJ_BASE + p;
}

seL4_CPtr mem_reply_slot(unsigned proc_index)
{
    return REPLY_BASE + proc_index;
}

seL4_CPtr mem_timer_slot(void)
{
    return REPLY_BASE + MAX_PROCS;
}

page_t mem_alloc(seL4_Word type, seL4_Word size_bits)
{
    if (n_free == 0)
        return PAGE_NONE;
    page_t p = free_stack[--n_free];
    seL4_Error e = seL4_Untyped_Retype(UT_BASE + p, type, size_bits, CNODE, 0, 0, OBJ_BASE + p, 1);
    if (e != seL4_NoError) {
        printf("posix: retype of page %u failed: error %d\n", p, (int)e);
        free_stack[n_free++] = p;
        return PAGE_NONE;
    }
    state[p] = 0;
    return p;
}

void mem_free(page_t p)
{
    if (p == PAGE_NONE)
        return;
    if (state[p] & 1)
        seL4_CNode_Delete(CNODE, COPY_BASE + p, DEPTH);
    seL4_CNode_Delete(CNODE, OBJ_BASE + p, DEPTH); /* unmaps it from the window too */
    state[p] = 0;
    free_stack[n_free++] = p;
}

seL4_CPtr mem_copy_cap(page_t p)
{
    if (!(state[p] & 1)) {
        if (seL4_CNode_Copy(CNODE, COPY_BASE + p, DEPTH, CNODE, OBJ_BASE + p, DEPTH,
                            seL4_AllRights) != seL4_NoError)
            return 0;
        state[p] |= 1;
    }
    return COPY_BASE + p;
}

/* The window's paging structures, made as the window grows (pages of the
 * pool the window keeps for good: at most 1 PDPT, 1 PD and 32 PTs). */
static bool window_tables(uint64_t vaddr)
{
    static const struct {
        seL4_Word type;
        seL4_Error (*map)(seL4_CPtr, seL4_CPtr, seL4_Word, seL4_X86_VMAttributes);
    } level[3] = {
        {seL4_X86_PDPTObject, seL4_X86_PDPT_Map},
        {seL4_X86_PageDirectoryObject, seL4_X86_PageDirectory_Map},
        {seL4_X86_PageTableObject, seL4_X86_PageTable_Map},
    };
    for (int i = 0; i < 3; i++) {
        page_t t = mem_alloc(level[i].type, 0);
        if (t == PAGE_NONE)
            return false;
        seL4_Error e = level[i].map(mem_cap(t), KAAL_SYSDESC_SLOT_VSPACE, vaddr,
                                    seL4_X86_Default_VMAttributes);
        if (e != seL4_NoError)
            mem_free(t); /* DeleteFirst: that level exists already */
        else
            window_tables_kept++;
    }
    return true;
}

uint8_t *mem_window(page_t p)
{
    uint64_t va = WINDOW_BASE + (uint64_t)p * PAGE_SIZE;
    if (!(state[p] & 2)) {
        seL4_Error e = seL4_X86_Page_Map(mem_cap(p), KAAL_SYSDESC_SLOT_VSPACE, va, seL4_ReadWrite,
                                         seL4_X86_Default_VMAttributes | KAAL_X86_ExecuteNever);
        if (e == seL4_FailedLookup && window_tables(va))
            e = seL4_X86_Page_Map(mem_cap(p), KAAL_SYSDESC_SLOT_VSPACE, va, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes | KAAL_X86_ExecuteNever);
        if (e != seL4_NoError)
            return NULL;
        state[p] |= 2;
    }
    return (uint8_t *)va;
}
