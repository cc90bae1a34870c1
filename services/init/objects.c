// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system objects in init: the endpoints, notifications, untyped grants,
 * ASID pools and ring memory the components share, made once before any component
 * starts (the rings' queue regions formatted then), and the caps the
 * description grants a component, placed in its CNode.
 */
#include "devices.h"
#include "pcigrant.h"
#include "system.h"
#include "vm.h"

#include <kaal/ring.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>

seL4_CPtr init_system_objects[MAX_SYSTEM_OBJECTS];
seL4_CPtr init_shared_pages[MAX_SHARED_PAGES];
static unsigned n_shared_pages;

static seL4_Word sysdesc_rights(unsigned r)
{
    return seL4_CapRights_new(!!(r & KAAL_SYSDESC_RIGHT_GRANT_REPLY),
                              !!(r & KAAL_SYSDESC_RIGHT_GRANT), !!(r & KAAL_SYSDESC_RIGHT_READ),
                              !!(r & KAAL_SYSDESC_RIGHT_WRITE))
        .words[0];
}

/* Places one granted cap in the component's CNode (cnode: init's unguarded
 * cap to it, resolving `bits` bits). */
static const char *grant_device_cap(seL4_CPtr cnode, unsigned bits, const kaal_sysdesc_cap_t *cap)
{
    seL4_Error e;
    switch (cap->kind) {
    case KAAL_SYSDESC_CAP_IOPORT:
        e = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, cap->arg0,
                                         cap->arg0 + cap->arg1 - 1, cnode, cap->slot,
                                         (seL4_Uint8)bits);
        if (e == seL4_RevokeFirst)
            return "its I/O ports belong to another component";
        break;
    case KAAL_SYSDESC_CAP_IRQ: {
        /* The IOAPIC input after the MADT's overrides; the IRQ number
         * (seL4's vector argument) is the input itself: one per line. */
        kaal_resource_t r = kaal_irq_route(&init_irq_routing, (uint8_t)cap->arg0, 0);
        e = seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, cnode, cap->slot, (seL4_Uint8)bits, 0,
                                      r.base, !!(r.flags & KAAL_RES_LEVEL),
                                      !!(r.flags & KAAL_RES_ACTIVE_LOW), r.base);
        if (e == seL4_RevokeFirst)
            return "its IRQ belongs to another component";
        break;
    }
    default:
        if (init_is_pci_grant(cap))
            return NULL; /* init_grant_pci placed it before the start record was made */
        return "this kind of device grant is not handed out (recompile system.toml)";
    }
    return e == seL4_NoError ? NULL : "a device capability could not be issued";
}

const char *init_grant_cap(seL4_CPtr cnode, unsigned bits, const kaal_sysdesc_cap_t *cap)
{
    if (cap->object == KAAL_SYSDESC_NONE)
        return grant_device_cap(cnode, bits, cap);
    seL4_CPtr src = init_system_objects[cap->object];
    seL4_CapRights_t rights = {{sysdesc_rights(cap->rights)}};
    seL4_Word badge =
        (cap->kind == KAAL_SYSDESC_CAP_ENDPOINT || cap->kind == KAAL_SYSDESC_CAP_NOTIFICATION)
            ? cap->arg0
            : 0;
    seL4_Error e = seL4_CNode_Mint(cnode, cap->slot, (seL4_Uint8)bits, seL4_CapInitThreadCNode, src,
                                   seL4_WordBits, rights, badge);
    return e == seL4_NoError ? NULL : "a granted capability could not be placed";
}

/* Formats the queue region of each ring channel (kaal_ring_channel_init:
 * both queues empty, every buffer of data_size / queue_depth bytes on the
 * free queue) before any component runs, so both ends just attach. */
static const char *format_rings(void)
{
    for (uint32_t c = 0; c < init_sysdesc.n_channels; c++) {
        const kaal_sysdesc_channel_t *ch = &init_sysdesc.channels[c];
        if (ch->kind != KAAL_SYSDESC_CHANNEL_RING)
            continue;
        const char *name = kaal_sysdesc_string(&init_sysdesc, ch->name);
        size_t len = strlen(name);
        for (uint32_t i = 0; i < init_sysdesc.n_objects; i++) {
            const kaal_sysdesc_object_t *ob = &init_sysdesc.objects[i];
            const char *on = kaal_sysdesc_string(&init_sysdesc, ob->name);
            if (ob->kind != KAAL_SYSDESC_OBJECT_MEMORY || strncmp(on, name, len) != 0 ||
                strcmp(on + len, ".queues") != 0)
                continue;
            uint64_t n = ob->size_bytes / PAGE;
            for (uint64_t p = 0; p < n; p++)
                if (init_map_frame(NULL, seL4_CapInitThreadVSpace,
                                   init_shared_pages[init_system_objects[i] + p],
                                   SCRATCH_VADDR + p * PAGE, false, seL4_ReadWrite,
                                   seL4_X86_Default_VMAttributes) != seL4_NoError)
                    return "a ring's queue region could not be mapped";
            kaal_error_t err = kaal_ring_channel_init(
                (void *)SCRATCH_VADDR, ob->size_bytes, ch->queue_depth, ch->queue_depth,
                (uint32_t)(ch->data_size_bytes / ch->queue_depth));
            for (uint64_t p = 0; p < n; p++)
                seL4_X86_Page_Unmap(init_shared_pages[init_system_objects[i] + p]);
            if (err != KAAL_OK)
                return "a ring's queues could not be formatted";
        }
    }
    return NULL;
}

/* A ring's DMA data region (KAAL_SYSDESC_OBJECT_DMA_MEMORY): n physically
 * contiguous frames, found as pcigrant.c's DMA region is (a free block of
 * the next power-of-two size, given back, then its pages retyped at their
 * addresses), kept for the system's lifetime like every shared object. */
static const char *make_dma_pages(uint64_t n)
{
    uint8_t b = 12;
    while ((1ull << b) < n * PAGE)
        b++;
    kaal_ut_alloc_ret_t blk = kaal_untyped_alloc(&init_untyped, seL4_UntypedObject, b, b);
    if (blk.err)
        return "no physically contiguous RAM for a dma ring";
    uint64_t paddr = blk.paddr;
    kaal_untyped_free(&init_untyped, blk.cap);
    for (uint64_t p = 0; p < n; p++) {
        kaal_ut_alloc_ret_t f =
            kaal_untyped_alloc_at(&init_untyped, seL4_X86_4K, 0, seL4_PageBits, paddr + p * PAGE);
        if (f.err)
            return "a dma ring's frames could not be made";
        seL4_X86_Page_GetAddress_t where = seL4_X86_Page_GetAddress(f.cap);
        if (where.error != seL4_NoError || where.paddr != paddr + p * PAGE)
            return "a dma ring's frames are not where the untyped manager said";
        init_shared_pages[n_shared_pages++] = f.cap;
    }
    return NULL;
}

/* Creates the objects the components share (endpoints, notifications,
 * ring memory, untyped grants). */
const char *init_make_system_objects(void)
{
    if (init_sysdesc.n_objects > MAX_SYSTEM_OBJECTS)
        return "too many shared objects";
    for (uint32_t i = 0; i < init_sysdesc.n_objects; i++) {
        const kaal_sysdesc_object_t *ob = &init_sysdesc.objects[i];
        kaal_ut_alloc_ret_t r = {.err = KAAL_EINVAL};
        switch (ob->kind) {
        case KAAL_SYSDESC_OBJECT_ENDPOINT:
            r = init_alloc(NULL, seL4_EndpointObject, 0, seL4_EndpointBits);
            break;
        case KAAL_SYSDESC_OBJECT_NOTIFICATION:
            r = init_alloc(NULL, seL4_NotificationObject, 0, seL4_NotificationBits);
            break;
        case KAAL_SYSDESC_OBJECT_UNTYPED: {
            uint8_t b = 4;
            while ((1ull << b) < ob->size_bytes)
                b++;
            r = init_alloc(NULL, seL4_UntypedObject, b, b);
            break;
        }
        case KAAL_SYSDESC_OBJECT_ASID_POOL: {
            /* One of the kernel's 8 pools (init's own is the first), from a
             * 4 KiB untyped that stays init's as the pool's parent. */
            kaal_ut_alloc_ret_t ut =
                init_alloc(NULL, seL4_UntypedObject, seL4_ASIDPoolBits, seL4_ASIDPoolBits);
            kaal_slot_ret_t slot = kaal_cspace_alloc(&init_cspace, 1);
            if (ut.err || slot.err)
                return "out of memory for an ASID pool";
            if (seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut.cap, seL4_CapInitThreadCNode,
                                              slot.slot, seL4_WordBits) != seL4_NoError)
                return "no ASID pool left (the kernel has 8)";
            r = (kaal_ut_alloc_ret_t){.cap = slot.slot};
            break;
        }
        case KAAL_SYSDESC_OBJECT_MEMORY: {
            uint64_t n = ob->size_bytes / PAGE;
            if (n > MAX_SHARED_PAGES - n_shared_pages)
                return "too much shared memory";
            r = (kaal_ut_alloc_ret_t){.cap = n_shared_pages};
            for (uint64_t p = 0; p < n; p++) {
                seL4_CPtr f = init_new_frame(NULL, NULL, NULL);
                if (!f)
                    return "out of memory for shared regions";
                init_shared_pages[n_shared_pages++] = f;
            }
            break;
        }
        case KAAL_SYSDESC_OBJECT_DMA_MEMORY: {
            uint64_t n = ob->size_bytes / PAGE;
            if (n > MAX_SHARED_PAGES - n_shared_pages)
                return "too much shared memory";
            r = (kaal_ut_alloc_ret_t){ .cap = n_shared_pages };
            const char *why = make_dma_pages(n);
            if (why)
                return why;
            break;
        }
        }
        if (r.err)
            return "out of memory for shared objects";
        init_system_objects[i] = r.cap;
    }
    return format_rings();
}
