// SPDX-License-Identifier: BSD-2-Clause
/*
 * The component loader and supervisor in init. The system description
 * (KSYS, boot module 1, see docs/system-toml.md) says what runs; for each
 * component init builds, from the untyped manager:
 *
 *   - a VSpace (PML4 + ASID), its ELF segments copied into fresh frames,
 *     a stack with the start record on top (<kaal/component.h>), the IPC
 *     buffer, the heap and the shared regions the description grants;
 *   - a CNode of 2^cnode_size_bits slots (guarded to resolve 64-bit CPtrs)
 *     with the fixed caps (TCB, CNode, VSpace, IPC buffer, a badged endpoint
 *     to init, which is also its fault endpoint) and the granted caps;
 *   - a TCB at the component's priority, started at the ELF entry.
 *
 * Every object made for a component is recorded in its object list, so
 * stopping it is one pass of destruction: revoking its objects' untypeds
 * returns all its memory. Objects shared by several components (channel
 * endpoints, notifications, ring memory) belong to the system and live as
 * long as init does.
 *
 * init then serves its endpoint: a component's exit message or fault
 * (seL4 fault IPC, badge = component index + 1) is reported, its resources
 * reclaimed, and it is restarted as its policy says, up to max_restarts.
 */
#include "component.h"
#include "devices.h"
#include "notices.h"
#include "pcigrant.h"
#include "vm.h"

#include <kaal/bootinfo.h>
#include <kaal/component.h>
#include <kaal/elf.h>
#include <kaal/ring.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/supervisor.h>
#include <kaal/sysdesc.h>

#define MAX_SYSTEM_OBJECTS 256
#define MAX_SHARED_PAGES 2048
#define PAGE 4096ul
/* init's scratch page for filling frames before they move to a component. */
#define SCRATCH_VADDR 0x0000200000000000ul

struct component {
    const kaal_sysdesc_component_t *desc;
    const char *name;
    struct init_objects objects; /* everything made for this component */
    seL4_CPtr copies[1024]; /* caps copied for it (not objects): deleted on stop */
    unsigned n_copies;
    seL4_CPtr tcb;
    uint64_t entry; /* ELF entry: also where abort_component() runs it */
    unsigned restarts;
    bool running;
    struct init_objects graves; /* its tombstone threads while it is stopped */
};

static void stop(struct component *c);

static kaal_sysdesc_t sysdesc;
static struct component components[MAX_COMPONENTS];
/* By sysdesc object index: the cap, or for memory the first of its pages
 * in shared_pages[]. */
static seL4_CPtr system_objects[MAX_SYSTEM_OBJECTS];
static seL4_CPtr shared_pages[MAX_SHARED_PAGES];
static unsigned n_shared_pages;
static seL4_CPtr init_endpoint;
static uint64_t untyped_at_start_bytes; /* RAM untyped when the system started */
static const kaal_bootinfo_modules_t *modules;

/* A copy of init's cap src (minted with rights and guard/badge data) that
 * belongs to component c. */
static seL4_CPtr copy_for(struct component *c, seL4_CPtr src, seL4_CapRights_t rights,
                          seL4_Word data)
{
    if (c->n_copies == sizeof(c->copies) / sizeof(c->copies[0]))
        return 0;
    kaal_slot_ret_t r = kaal_cspace_alloc(&init_cspace, 1);
    if (r.err)
        return 0;
    if (seL4_CNode_Mint(seL4_CapInitThreadCNode, r.slot, seL4_WordBits, seL4_CapInitThreadCNode,
                        src, seL4_WordBits, rights, data) != seL4_NoError) {
        kaal_cspace_free(&init_cspace, r.slot, 1);
        return 0;
    }
    c->copies[c->n_copies++] = r.slot;
    return r.slot;
}

/* A page of memory for a component (zeroed by the kernel), filled by
 * fill(ctx, page) first if fill is given. */
static seL4_CPtr new_frame(struct init_objects *owner, void (*fill)(void *ctx, uint8_t *page),
                           void *ctx)
{
    kaal_ut_alloc_ret_t f = init_alloc(owner, seL4_X86_4K, 0, 12);
    if (f.err)
        return 0;
    if (fill) {
        if (init_map_frame(NULL, seL4_CapInitThreadVSpace, f.cap, SCRATCH_VADDR, false,
                           seL4_ReadWrite, seL4_X86_Default_VMAttributes) != seL4_NoError)
            return 0;
        fill(ctx, (uint8_t *)SCRATCH_VADDR);
        seL4_X86_Page_Unmap(f.cap);
    }
    return f.cap;
}

struct segment_fill {
    const kaal_elf_info_t *elf;
    const uint8_t *image;
    uint64_t vaddr;
    unsigned flags; /* out: union of the segments' KAAL_PF_* */
};

static void fill_image_page(void *ctx, uint8_t *page)
{
    struct segment_fill *sf = ctx;
    memset(page, 0, PAGE);
    for (unsigned i = 0; i < sf->elf->n_segments; i++) {
        const kaal_elf_segment_t *s = &sf->elf->segments[i];
        if (s->vaddr >= sf->vaddr + PAGE || s->vaddr + s->memsz <= sf->vaddr)
            continue;
        sf->flags |= s->flags;
        uint64_t from = s->vaddr > sf->vaddr ? s->vaddr : sf->vaddr;
        uint64_t file_end = s->vaddr + s->filesz;
        uint64_t to = file_end < sf->vaddr + PAGE ? file_end : sf->vaddr + PAGE;
        if (to > from)
            memcpy(page + (from - sf->vaddr), sf->image + s->offset + (from - s->vaddr),
                   to - from);
    }
}

static void fill_start_record(void *ctx, uint8_t *page)
{
    memset(page, 0, PAGE);
    memcpy(page + PAGE - sizeof(kaal_component_start_t), ctx, sizeof(kaal_component_start_t));
}

static seL4_Error map_into(struct component *c, seL4_CPtr vspace, seL4_CPtr frame, uint64_t vaddr,
                           bool writable, bool executable)
{
    seL4_X86_VMAttributes attr = seL4_X86_Default_VMAttributes;
    if (!executable)
        attr |= KAAL_X86_ExecuteNever;
    return init_map_frame(&c->objects, vspace, frame, vaddr, false,
                          writable ? seL4_ReadWrite : seL4_CanRead, attr);
}

static const char *load_image(struct component *c, seL4_CPtr vspace, uint64_t *entry)
{
    const kaal_sysdesc_module_t *m = &sysdesc.modules[c->desc->module];
    /* Boot modules after the root task: [0] the description, [1 + i] binary i. */
    if (c->desc->module + 1 >= modules->n_modules)
        return "its binary is not among the boot modules";
    const kaal_boot_module_t *bm = &modules->modules[c->desc->module + 1];
    if (bm->size_bytes != m->size_bytes ||
        kaal_sysdesc_crc32(0, (const void *)bm->vaddr, bm->size_bytes) != m->crc32)
        return "its boot module does not match the description (stale image?)";
    static kaal_elf_info_t elf;
    kaal_elf_status_t st = kaal_elf_check((const void *)bm->vaddr, bm->size_bytes, &elf);
    if (st != KAAL_ELF_OK)
        return kaal_elf_strerror(st);
    for (uint64_t va = elf.lowest_vaddr & ~(PAGE - 1); va < elf.highest_vaddr; va += PAGE) {
        struct segment_fill sf = { &elf, (const uint8_t *)bm->vaddr, va, 0 };
        seL4_CPtr frame = new_frame(&c->objects, fill_image_page, &sf);
        if (!frame || map_into(c, vspace, frame, va, sf.flags & KAAL_PF_W, sf.flags & KAAL_PF_X))
            return "out of memory for its image";
    }
    *entry = elf.entry;
    return NULL;
}

/* Zeroed memory [vaddr, vaddr + size) in the component's VSpace: 2 MiB
 * frames where the range allows, 4 KiB ones elsewhere. The kernel zeroes
 * RAM frames when it makes them (as seL4 does), so nothing is copied. */
static bool map_zeroed(struct component *c, seL4_CPtr vspace, uint64_t vaddr, uint64_t size)
{
    const uint64_t large = 1ul << 21;
    for (uint64_t off = 0; off < size;) {
        bool big = !((vaddr + off) & (large - 1)) && size - off >= large;
        kaal_ut_alloc_ret_t f = big ? init_alloc(&c->objects, seL4_X86_LargePageObject, 0, 21)
                                    : init_alloc(&c->objects, seL4_X86_4K, 0, 12);
        if (f.err || init_map_frame(&c->objects, vspace, f.cap, vaddr + off, big, seL4_ReadWrite,
                                    seL4_X86_Default_VMAttributes | KAAL_X86_ExecuteNever))
            return false;
        off += big ? large : PAGE;
    }
    return true;
}

/* Boot files: copies of the boot module's frame caps, mapped read-only (no
 * copying of data), listed in the start record with their real sizes. */
static const char *map_files(struct component *c, seL4_CPtr vspace, kaal_component_start_t *start)
{
    const kaal_sysdesc_component_t *d = c->desc;
    if (d->n_files > KAAL_COMPONENT_MAX_FILES)
        return "more boot files than the start record holds";
    for (uint32_t i = 0; i < d->n_files; i++) {
        const kaal_sysdesc_file_t *f = &sysdesc.files[d->first_file + i];
        const kaal_sysdesc_module_t *m = &sysdesc.modules[f->module];
        if (f->module + 1 >= modules->n_modules)
            return "a boot file is not among the boot modules";
        const kaal_boot_module_t *bm = &modules->modules[f->module + 1];
        if (bm->size_bytes != m->size_bytes ||
            kaal_sysdesc_crc32(0, (const void *)bm->vaddr, bm->size_bytes) != m->crc32)
            return "a boot file does not match the description (stale image?)";
        for (uint64_t off = 0; off < f->size_bytes; off += PAGE) {
            seL4_CPtr copy = copy_for(c, bm->frames.start + off / PAGE, seL4_AllRights, 0);
            if (!copy || map_into(c, vspace, copy, f->vaddr + off, false, false))
                return "a boot file could not be mapped";
        }
        kaal_component_file_t *out = &start->files[start->n_files++];
        kaal_snprintf(out->name, sizeof(out->name), "%s", kaal_sysdesc_string(&sysdesc, f->name));
        out->data = (const void *)f->vaddr;
        out->size_bytes = f->size_bytes;
    }
    return NULL;
}

static seL4_Word sysdesc_rights(unsigned r)
{
    return seL4_CapRights_new(!!(r & KAAL_SYSDESC_RIGHT_GRANT_REPLY), !!(r & KAAL_SYSDESC_RIGHT_GRANT),
                              !!(r & KAAL_SYSDESC_RIGHT_READ), !!(r & KAAL_SYSDESC_RIGHT_WRITE))
        .words[0];
}

/* Places one granted cap in the component's CNode (cnode: init's unguarded
 * cap to it, resolving `bits` bits). */
static const char *grant_device_cap(seL4_CPtr cnode, unsigned bits,
                                    const kaal_sysdesc_cap_t *cap)
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

static const char *grant_cap(seL4_CPtr cnode, unsigned bits, const kaal_sysdesc_cap_t *cap)
{
    if (cap->object == KAAL_SYSDESC_NONE)
        return grant_device_cap(cnode, bits, cap);
    seL4_CPtr src = system_objects[cap->object];
    seL4_CapRights_t rights = { { sysdesc_rights(cap->rights) } };
    seL4_Word badge = (cap->kind == KAAL_SYSDESC_CAP_ENDPOINT ||
                       cap->kind == KAAL_SYSDESC_CAP_NOTIFICATION) ? cap->arg0 : 0;
    seL4_Error e = seL4_CNode_Mint(cnode, cap->slot, (seL4_Uint8)bits, seL4_CapInitThreadCNode,
                                   src, seL4_WordBits, rights, badge);
    return e == seL4_NoError ? NULL : "a granted capability could not be placed";
}

/* (Re)starts c's thread at its ELF entry, on its stack below the start
 * record, rdi = that record, rsi = reason (<kaal/component.h>). */
static seL4_Error run_from_entry(struct component *c, seL4_Word reason)
{
    seL4_UserContext regs = { 0 };
    regs.rip = c->entry;
    regs.rsp = c->desc->stack_top_vaddr - sizeof(kaal_component_start_t);
    regs.rdi = regs.rsp;
    regs.rsi = reason;
    regs.rflags = 0x202;
    return seL4_TCB_WriteRegisters(c->tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
}

/* The start record's console endpoint (the client cap named "console",
 * <kaal/console.h>) and the int/bool config entries. */
static void fill_start_extras(kaal_component_start_t *start, const kaal_sysdesc_component_t *d)
{
    const kaal_sysdesc_cap_t *con = kaal_sysdesc_find_cap(&sysdesc, d, "console");
    if (con && con->kind == KAAL_SYSDESC_CAP_ENDPOINT && !(con->rights & KAAL_SYSDESC_RIGHT_READ))
        start->console_ep = con->slot;
    for (uint32_t i = 0; i < d->n_config && start->n_config < KAAL_COMPONENT_CONFIG_MAX; i++) {
        const kaal_sysdesc_config_t *cf = &sysdesc.config[d->first_config + i];
        if (cf->type != KAAL_SYSDESC_CONFIG_INT && cf->type != KAAL_SYSDESC_CONFIG_BOOL)
            continue;
        kaal_component_config_t *out = &start->config[start->n_config++];
        kaal_snprintf(out->key, sizeof(out->key), "%s", kaal_sysdesc_string(&sysdesc, cf->key));
        out->value = (int64_t)cf->value;
    }
    /* Wired ring ends: the regions named "<end>.data" (tools/systoml). */
    for (uint32_t i = 0; i < d->n_regions && start->n_rings < KAAL_COMPONENT_MAX_RINGS; i++) {
        const kaal_sysdesc_region_t *r = &sysdesc.regions[d->first_region + i];
        const char *name = kaal_sysdesc_string(&sysdesc, r->name);
        size_t len = strlen(name);
        if (len <= 5 || len - 5 >= KAAL_COMPONENT_NAME_MAX || strcmp(name + len - 5, ".data") != 0)
            continue;
        kaal_component_ring_t *out = &start->rings[start->n_rings++];
        memcpy(out->name, name, len - 5);
        out->data_vaddr = r->vaddr;
        out->data_size_bytes = r->size_bytes;
    }
}

static const char *build_and_start(unsigned index)
{
    struct component *c = &components[index];
    const kaal_sysdesc_component_t *d = c->desc;
    struct init_objects *o = &c->objects;
    unsigned bits = d->cnode_size_bits;

    kaal_ut_alloc_ret_t pml4 = init_alloc(o, seL4_X64_PML4Object, 0, 12);
    kaal_ut_alloc_ret_t cnode = init_alloc(o, seL4_CapTableObject, bits, (uint8_t)(bits + 5));
    kaal_ut_alloc_ret_t tcb = init_alloc(o, seL4_TCBObject, 0, seL4_TCBBits);
    if (pml4.err || cnode.err || tcb.err)
        return "out of memory for its kernel objects";
    if (seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4.cap) != seL4_NoError)
        return "no ASID left for its address space";
    c->tcb = tcb.cap;

    const char *why = load_image(c, pml4.cap, &c->entry);
    if (why)
        return why;
    if (!map_zeroed(c, pml4.cap, d->heap_vaddr, d->heap_size_bytes) ||
        !map_zeroed(c, pml4.cap, d->stack_top_vaddr - d->stack_size_bytes, d->stack_size_bytes - PAGE))
        return "out of memory for its heap or stack";
    kaal_component_start_t start = {
        .magic = KAAL_COMPONENT_START_MAGIC,
        .ipc_buffer = (seL4_IPCBuffer *)d->ipc_buffer_vaddr,
        .heap_vaddr = d->heap_vaddr,
        .heap_size_bytes = d->heap_size_bytes,
    };
    kaal_snprintf(start.name, sizeof(start.name), "%s", c->name);
    if ((why = map_files(c, pml4.cap, &start)) != NULL)
        return why;
    for (uint32_t i = 0; i < d->n_caps && !why; i++) /* PCI devices, DMA: facts for start */
        why = init_grant_pci(o, index + 1, pml4.cap, cnode.cap, bits,
                             &sysdesc.caps[d->first_cap + i], &start);
    if (why)
        return why;
    fill_start_extras(&start, d);
    seL4_CPtr top = new_frame(o, fill_start_record, &start);
    seL4_CPtr ipc = new_frame(o, NULL, NULL);
    if (!top || !ipc || map_into(c, pml4.cap, top, d->stack_top_vaddr - PAGE, true, false) ||
        map_into(c, pml4.cap, ipc, d->ipc_buffer_vaddr, true, false))
        return "out of memory for its stack or IPC buffer";
    for (uint32_t i = 0; i < d->n_regions; i++) {
        const kaal_sysdesc_region_t *r = &sysdesc.regions[d->first_region + i];
        /* Shared memory: a copy of each system frame cap per mapping. */
        for (uint64_t off = 0; off < r->size_bytes; off += PAGE) {
            seL4_CPtr page = shared_pages[system_objects[r->object] + off / PAGE];
            seL4_CPtr copy = copy_for(c, page, seL4_AllRights, 0);
            if (!copy || map_into(c, pml4.cap, copy, r->vaddr + off,
                                  r->rights & KAAL_SYSDESC_RIGHT_WRITE, false))
                return "a shared region could not be mapped";
        }
    }

    /* Fixed slots, then the granted caps. */
    seL4_CPtr fixed[][2] = {
        { KAAL_SYSDESC_SLOT_TCB, tcb.cap },
        { KAAL_SYSDESC_SLOT_VSPACE, pml4.cap },
        { KAAL_SYSDESC_SLOT_IPC_BUFFER, ipc },
    };
    for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (seL4_CNode_Copy(cnode.cap, fixed[i][0], (seL4_Uint8)bits, seL4_CapInitThreadCNode,
                            fixed[i][1], seL4_WordBits, seL4_AllRights) != seL4_NoError)
            return "its CSpace could not be filled";
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - bits).words[0];
    if (seL4_CNode_Mint(cnode.cap, KAAL_SYSDESC_SLOT_CNODE, (seL4_Uint8)bits,
                        seL4_CapInitThreadCNode, cnode.cap, seL4_WordBits, seL4_AllRights,
                        guard) != seL4_NoError ||
        seL4_CNode_Mint(cnode.cap, KAAL_SYSDESC_SLOT_INIT_EP, (seL4_Uint8)bits,
                        seL4_CapInitThreadCNode, init_endpoint, seL4_WordBits,
                        seL4_CapRights_new(1, 0, 0, 1), index + 1) != seL4_NoError)
        return "its CSpace could not be filled";
    for (uint32_t i = 0; i < d->n_caps; i++) {
        why = grant_cap(cnode.cap, bits, &sysdesc.caps[d->first_cap + i]);
        if (why)
            return why;
    }

    /* The thread: its CSpace root is the guarded CNode cap (slot 2). */
    seL4_CPtr root = copy_for(c, cnode.cap, seL4_AllRights, guard);
    if (!root)
        return "out of slots";
    if (seL4_TCB_Configure(tcb.cap, KAAL_SYSDESC_SLOT_INIT_EP, root, 0, pml4.cap, 0,
                           d->ipc_buffer_vaddr, ipc) != seL4_NoError ||
        seL4_TCB_SetPriority(tcb.cap, seL4_CapInitThreadTCB, d->priority) != seL4_NoError ||
        /* It may make threads up to its own priority, never above. */
        seL4_TCB_SetMCPriority(tcb.cap, seL4_CapInitThreadTCB, d->priority) != seL4_NoError)
        return "its thread could not be configured";
    /* system.toml debug_syscalls = false: for good (the flag is set-only). */
    if ((d->flags & KAAL_SYSDESC_COMPONENT_NO_DEBUG_SYSCALLS) &&
        seL4_TCB_SetFlags(tcb.cap, 0, KAAL_TCBFlag_NoDebugSyscalls).error != seL4_NoError)
        return "its debug system calls could not be withheld";
    if (run_from_entry(c, 0) != seL4_NoError)
        return "its thread could not be started";
    c->running = true;
    return NULL;
}

static void start_component(unsigned index)
{
    struct component *c = &components[index];
    init_free_all(&c->graves);
    const char *why = build_and_start(index);
    if (why) {
        printf("init: component %s not started: %s\n", c->name, why);
        c->running = false;
        stop(c);
        init_bury(index, &c->graves);
    }
}

/* Formats the queue region of each ring channel (kaal_ring_channel_init:
 * both queues empty, every buffer of data_size / queue_depth bytes on the
 * free queue) before any component runs, so both ends just attach. */
static const char *format_rings(void)
{
    for (uint32_t c = 0; c < sysdesc.n_channels; c++) {
        const kaal_sysdesc_channel_t *ch = &sysdesc.channels[c];
        if (ch->kind != KAAL_SYSDESC_CHANNEL_RING)
            continue;
        const char *name = kaal_sysdesc_string(&sysdesc, ch->name);
        size_t len = strlen(name);
        for (uint32_t i = 0; i < sysdesc.n_objects; i++) {
            const kaal_sysdesc_object_t *ob = &sysdesc.objects[i];
            const char *on = kaal_sysdesc_string(&sysdesc, ob->name);
            if (ob->kind != KAAL_SYSDESC_OBJECT_MEMORY || strncmp(on, name, len) != 0 ||
                strcmp(on + len, ".queues") != 0)
                continue;
            uint64_t n = ob->size_bytes / PAGE;
            for (uint64_t p = 0; p < n; p++)
                if (init_map_frame(NULL, seL4_CapInitThreadVSpace,
                                   shared_pages[system_objects[i] + p], SCRATCH_VADDR + p * PAGE,
                                   false, seL4_ReadWrite,
                                   seL4_X86_Default_VMAttributes) != seL4_NoError)
                    return "a ring's queue region could not be mapped";
            kaal_error_t err = kaal_ring_channel_init(
                (void *)SCRATCH_VADDR, ob->size_bytes, ch->queue_depth, ch->queue_depth,
                (uint32_t)(ch->data_size_bytes / ch->queue_depth));
            for (uint64_t p = 0; p < n; p++)
                seL4_X86_Page_Unmap(shared_pages[system_objects[i] + p]);
            if (err != KAAL_OK)
                return "a ring's queues could not be formatted";
        }
    }
    return NULL;
}

/* Creates the objects the components share (endpoints, notifications,
 * ring memory, untyped grants). */
static const char *make_system_objects(void)
{
    if (sysdesc.n_objects > MAX_SYSTEM_OBJECTS)
        return "too many shared objects";
    for (uint32_t i = 0; i < sysdesc.n_objects; i++) {
        const kaal_sysdesc_object_t *ob = &sysdesc.objects[i];
        kaal_ut_alloc_ret_t r = { .err = KAAL_EINVAL };
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
        case KAAL_SYSDESC_OBJECT_MEMORY: {
            uint64_t n = ob->size_bytes / PAGE;
            if (n > MAX_SHARED_PAGES - n_shared_pages)
                return "too much shared memory";
            r = (kaal_ut_alloc_ret_t){ .cap = n_shared_pages };
            for (uint64_t p = 0; p < n; p++) {
                seL4_CPtr f = new_frame(NULL, NULL, NULL);
                if (!f)
                    return "out of memory for shared regions";
                shared_pages[n_shared_pages++] = f;
            }
            break;
        }
        }
        if (r.err)
            return "out of memory for shared objects";
        system_objects[i] = r.cap;
    }
    return format_rings();
}

kaal_error_t init_start_components(const seL4_BootInfo *bi)
{
    modules = (const void *)kaal_bootinfo_find(bi, KAAL_BOOTINFO_HEADER_MODULES);
    if (!modules || modules->n_modules == 0) {
        printf("init: no system description among the boot modules: nothing to start\n");
        return KAAL_ENOENT;
    }
    const kaal_boot_module_t *m = &modules->modules[0];
    kaal_sysdesc_status_t st = kaal_sysdesc_open(&sysdesc, (const void *)m->vaddr, m->size_bytes);
    if (st != KAAL_SYSDESC_OK) {
        printf("init: system description %s: %s\n", m->name, kaal_sysdesc_strerror(st));
        return KAAL_EFORMAT;
    }
    if (sysdesc.n_components > MAX_COMPONENTS) {
        printf("init: %u components, at most %u supported\n", sysdesc.n_components,
               (unsigned)MAX_COMPONENTS);
        return KAAL_ENOSPC;
    }
    kaal_ut_alloc_ret_t ep = init_alloc(NULL, seL4_EndpointObject, 0, seL4_EndpointBits);
    const char *why = ep.err ? "out of memory" : make_system_objects();
    if (!why)
        why = init_notices_start(&sysdesc, system_objects);
    if (why) {
        printf("init: system '%s' not started: %s\n",
               kaal_sysdesc_string(&sysdesc, sysdesc.header->name), why);
        return KAAL_ENOMEM;
    }
    init_endpoint = ep.cap;
    untyped_at_start_bytes = init_untyped.free_bytes;
    printf("init: starting system '%s' (%u components)\n",
           kaal_sysdesc_string(&sysdesc, sysdesc.header->name), sysdesc.n_components);
    for (uint32_t i = 0; i < sysdesc.n_components; i++) {
        components[i].desc = &sysdesc.components[i];
        components[i].name = kaal_sysdesc_string(&sysdesc, sysdesc.components[i].name);
        start_component(i);
    }
    return KAAL_OK;
}

static const char *fault_name(seL4_Word label)
{
    switch (label) {
    case seL4_Fault_CapFault: return "CapFault";
    case seL4_Fault_UnknownSyscall: return "UnknownSyscall";
    case seL4_Fault_UserException: return "UserException";
    case seL4_Fault_VMFault: return "VMFault";
    default: return "fault";
    }
}

/* What the fault message says about where: (address, rip). */
static void fault_where(seL4_Word label, seL4_Word *addr, seL4_Word *ip)
{
    *addr = 0;
    *ip = 0;
    switch (label) {
    case seL4_Fault_VMFault:
        *ip = seL4_GetMR(seL4_VMFault_IP);
        *addr = seL4_GetMR(seL4_VMFault_Addr);
        break;
    case seL4_Fault_UserException:
        *ip = seL4_GetMR(seL4_UserException_FaultIP);
        *addr = *ip;
        break;
    case seL4_Fault_UnknownSyscall:
        *ip = seL4_GetMR(seL4_UnknownSyscall_FaultIP);
        *addr = seL4_GetMR(seL4_UnknownSyscall_RAX);
        break;
    case seL4_Fault_CapFault:
        *ip = seL4_GetMR(seL4_CapFault_IP);
        *addr = seL4_GetMR(seL4_CapFault_Addr);
        break;
    }
}

/* Lets a running component answer the call it was serving before it is
 * destroyed (the runtime's abort path, <kaal/component.h>): restarted at
 * its entry at init's priority, it runs when init yields, replies and
 * suspends itself. init goes on however that ends (a fault on the way
 * only queues a fault message; an endless loop ends with its time slice):
 * stop() suspends and destroys it next. */
static void abort_component(struct component *c)
{
    if (seL4_TCB_SetPriority(c->tcb, seL4_CapInitThreadTCB, seL4_MaxPrio) == seL4_NoError &&
        run_from_entry(c, KAAL_COMPONENT_ABORT_MAGIC) == seL4_NoError)
        seL4_Yield();
}

static void stop(struct component *c)
{
    bool was_running = c->running;
    if (was_running) {
        abort_component(c);
        seL4_TCB_Suspend(c->tcb);
    }
    while (c->n_copies) {
        seL4_CPtr slot = c->copies[--c->n_copies];
        seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
        kaal_cspace_free(&init_cspace, slot, 1);
    }
    init_free_all(&c->objects);
    init_release_pci((uint32_t)(c - components) + 1);
    c->running = false;
    if (was_running)
        init_tell_servers((unsigned)(c - components));
}

/* ---- supervisor requests (KAAL_INIT_LABEL_PS/MEM/LIFECYCLE/POWEROFF/PCI) ---- */

static bool is_supervisor(const struct component *c)
{
    for (uint32_t i = 0; i < c->desc->n_config; i++) {
        const kaal_sysdesc_config_t *cf = &sysdesc.config[c->desc->first_config + i];
        if (cf->type == KAAL_SYSDESC_CONFIG_BOOL && cf->value == 1 &&
            strcmp(kaal_sysdesc_string(&sysdesc, cf->key), "supervisor") == 0)
            return true;
    }
    return false;
}

static void name_to_mrs(const char *name, unsigned first_mr)
{
    uint64_t words[KAAL_INIT_NAME_WORDS] = { 0 };
    kaal_supervisor_name_to_words(name, words); /* init's names always fit */
    for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS; w++)
        seL4_SetMR(first_mr + w, words[w]);
}

static int find_component(unsigned first_mr)
{
    uint64_t words[KAAL_INIT_NAME_WORDS];
    char name[KAAL_COMPONENT_NAME_MAX + 1];
    for (unsigned w = 0; w < KAAL_INIT_NAME_WORDS; w++)
        words[w] = seL4_GetMR(first_mr + w);
    kaal_supervisor_words_to_name(words, name);
    for (uint32_t i = 0; i < sysdesc.n_components; i++)
        if (strcmp(components[i].name, name) == 0)
            return (int)i;
    return -1;
}

static kaal_error_t lifecycle(struct component *caller, seL4_Word op, unsigned index)
{
    struct component *c = &components[index];
    if (op == KAAL_INIT_OP_START && c->running)
        return KAAL_EEXIST;
    if (c == caller && op != KAAL_INIT_OP_START)
        return KAAL_EBUSY; /* it could not hear the reply */
    if (op == KAAL_INIT_OP_CRASH) {
        /* Resumed at address 0, it faults there like any buggy program
         * and goes through the fault path (report, reclaim, policy). */
        seL4_UserContext regs;
        const seL4_Word n = sizeof(regs) / sizeof(seL4_Word);
        if (!c->running)
            return KAAL_EINVAL;
        if (seL4_TCB_ReadRegisters(c->tcb, 1, 0, n, &regs) != seL4_NoError) /* suspends it */
            return KAAL_ESEL4;
        regs.rip = 0;
        if (seL4_TCB_WriteRegisters(c->tcb, 1, 0, n, &regs) != seL4_NoError)
            return KAAL_ESEL4;
        return KAAL_OK;
    }
    if (op == KAAL_INIT_OP_STOP || op == KAAL_INIT_OP_KILL || op == KAAL_INIT_OP_RESTART) {
        stop(c);
        printf("init: %s %s, %lu KiB of RAM untyped free\n", c->name,
               op == KAAL_INIT_OP_KILL ? "killed" : "stopped",
               (unsigned long)(init_untyped.free_bytes >> 10));
        if (op != KAAL_INIT_OP_RESTART)
            init_bury(index, &c->graves);
    }
    if (op == KAAL_INIT_OP_START || op == KAAL_INIT_OP_RESTART) {
        start_component(index);
        if (!c->running)
            return KAAL_ENOMEM;
    }
    return op >= KAAL_INIT_OP_START && op <= KAAL_INIT_OP_KILL ? KAAL_OK : KAAL_EINVAL;
}

/* ACPI S5 through one PM1x_CNT register (I/O space only). */
static void write_slp(const kaal_acpi_gas_t *cnt, uint8_t slp_typ)
{
    if (cnt->address == 0 || cnt->space != KAAL_ACPI_SPACE_IO || cnt->address > 0xfffe)
        return;
    uint16_t port = (uint16_t)cnt->address;
    kaal_slot_ret_t slot = kaal_cspace_alloc(&init_cspace, 1);
    if (slot.err || seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, port, port + 1,
                                                 seL4_CapInitThreadCNode, slot.slot,
                                                 seL4_WordBits) != seL4_NoError)
        return;
    seL4_X86_IOPort_Out16(slot.slot, port, (uint16_t)((slp_typ & 7) << 10 | 1u << 13));
}

static kaal_error_t poweroff(void)
{
    if (!init_acpi.fadt.present || !init_acpi.fadt.s5_valid)
        return KAAL_ENOSYS;
    printf("init: powering off (ACPI S5)\n");
    write_slp(&init_acpi.fadt.pm1a_cnt, init_acpi.fadt.s5_slp_typ_a);
    write_slp(&init_acpi.fadt.pm1b_cnt, init_acpi.fadt.s5_slp_typ_b);
    /* QEMU acts on the request from its main loop, a moment later: give it
     * that moment before telling the caller S5 did not work. */
    for (unsigned long i = 0; i < 20000000ul; i++)
        __asm__ volatile("pause");
    return KAAL_ENOSYS; /* still here */
}

/* PCI device `index` (counting PCI devices only) into MR0 = how many
 * there are and MR1.. = its row (KAAL_INIT_LABEL_PCI); returns the number
 * of words, 0 if there is no such device. */
static unsigned pci_to_mrs(seL4_Word index)
{
    const kaal_device_t *found = NULL;
    seL4_Word n_pci = 0;
    for (size_t i = 0; i < init_devices.n_devices; i++) {
        if (init_devices.devices[i].bus != KAAL_BUS_PCI)
            continue;
        if (n_pci++ == index)
            found = &init_devices.devices[i];
    }
    if (found == NULL)
        return 0;
    uint64_t words[KAAL_DEVICE_WIRE_WORDS];
    size_t n = kaal_device_encode(found, words);
    seL4_SetMR(0, n_pci);
    for (size_t w = 0; w < n; w++)
        seL4_SetMR(1 + w, words[w]);
    return 1 + (unsigned)n;
}

/* Answers one supervisor request from c (its reply cap is waiting). */
static void serve_request(struct component *c, seL4_Word label)
{
    kaal_error_t err = KAAL_OK;
    unsigned n_words = 0;
    if (!is_supervisor(c)) {
        err = KAAL_EBUSY;
    } else if (label == KAAL_INIT_LABEL_PS) {
        seL4_Word i = seL4_GetMR(0);
        if (i >= sysdesc.n_components) {
            err = KAAL_ENOENT;
        } else {
            const struct component *p = &components[i];
            seL4_SetMR(0, sysdesc.n_components);
            seL4_SetMR(1, p->running);
            seL4_SetMR(2, p->desc->priority);
            seL4_SetMR(3, p->restarts);
            seL4_SetMR(4, p->desc->n_caps);
            name_to_mrs(p->name, 5);
            n_words = 5 + KAAL_INIT_NAME_WORDS;
        }
    } else if (label == KAAL_INIT_LABEL_POWEROFF) {
        err = poweroff();
    } else if (label == KAAL_INIT_LABEL_PCI) {
        n_words = pci_to_mrs(seL4_GetMR(0));
        err = n_words ? KAAL_OK : KAAL_ENOENT;
    } else if (label == KAAL_INIT_LABEL_MEM) {
        seL4_SetMR(0, untyped_at_start_bytes);
        seL4_SetMR(1, init_untyped.free_bytes);
        n_words = 2;
    } else {
        seL4_Word op = seL4_GetMR(0);
        int i = find_component(1);
        err = i < 0 ? KAAL_ENOENT : lifecycle(c, op, (unsigned)i);
    }
    seL4_Reply(seL4_MessageInfo_new((seL4_Word)err, 0, 0, n_words));
}

_Noreturn void init_serve(void)
{
    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(init_endpoint, &badge);
        if (badge == 0 || badge > sysdesc.n_components)
            continue;
        unsigned index = (unsigned)badge - 1;
        struct component *c = &components[index];
        seL4_Word label = seL4_MessageInfo_get_label(info);
        if (label >= KAAL_INIT_LABEL_PS && label <= KAAL_INIT_LABEL_PCI) {
            serve_request(c, label);
            continue;
        }
        bool failed = true;
        if (label == KAAL_INIT_LABEL_EXIT) {
            seL4_Word status = seL4_GetMR(0);
            printf("component %s exited with status %ld\n", c->name, (long)status);
            failed = status != 0;
        } else {
            seL4_Word addr, ip;
            fault_where(label, &addr, &ip);
            if (label == seL4_Fault_UnknownSyscall)
                /* The seL4 number (rdx): e.g. a debug call withheld from it. */
                printf("component %s faulted: UnknownSyscall %ld (rip %p)\n", c->name,
                       (long)seL4_GetMR(seL4_UnknownSyscall_Syscall), (void *)ip);
            else
                printf("component %s faulted: %s at %p (rip %p)\n", c->name,
                       fault_name(label), (void *)addr, (void *)ip);
        }
        stop(c);
        printf("init: %s reclaimed, %lu KiB of RAM untyped free\n", c->name,
               (unsigned long)(init_untyped.free_bytes >> 10));
        uint8_t policy = c->desc->restart;
        bool again = policy == KAAL_SYSDESC_RESTART_ALWAYS ||
                     (policy == KAAL_SYSDESC_RESTART_ON_FAILURE && failed);
        if (again && c->restarts < c->desc->max_restarts) {
            c->restarts++;
            printf("init: restarting %s (%u of %u)\n", c->name, c->restarts,
                   c->desc->max_restarts);
            start_component(index);
        } else {
            if (again)
                printf("init: %s reached its restart limit (%u): stays stopped\n", c->name,
                       c->desc->max_restarts);
            init_bury(index, &c->graves);
        }
    }
}
