// SPDX-License-Identifier: BSD-2-Clause
/*
 * The component loader in init: builds one component from the system
 * description, from the untyped manager: its VSpace with the ELF's
 * segments copied into fresh frames (write and execute rights from the
 * segment flags), heap, stack with the start record on top
 * (<kaal/component.h>), IPC buffer, boot files and shared regions; its
 * guarded CNode with the fixed and granted caps; its TCB, started at the
 * ELF entry. Everything is recorded in the component's object list.
 */
#include "pcigrant.h"
#include "system.h"
#include "vm.h"

#include <kaal/component.h>
#include <kaal/elf.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>

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
seL4_CPtr init_new_frame(struct init_objects *owner, void (*fill)(void *ctx, uint8_t *page),
                         void *ctx)
{
    kaal_ut_alloc_ret_t f = init_alloc(owner, seL4_X86_4K, 0, seL4_PageBits);
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
    const kaal_sysdesc_module_t *m = &init_sysdesc.modules[c->desc->module];
    /* Boot modules after the root task: [0] the description, [1 + i] binary i. */
    if (c->desc->module + 1 >= init_modules->n_modules)
        return "its binary is not among the boot modules";
    const kaal_boot_module_t *bm = &init_modules->modules[c->desc->module + 1];
    if (bm->size_bytes != m->size_bytes ||
        kaal_sysdesc_crc32(0, (const void *)bm->vaddr, bm->size_bytes) != m->crc32)
        return "its boot module does not match the description (stale image?)";
    static kaal_elf_info_t elf;
    kaal_elf_status_t st = kaal_elf_check((const void *)bm->vaddr, bm->size_bytes, &elf);
    if (st != KAAL_ELF_OK)
        return kaal_elf_strerror(st);
    for (uint64_t va = elf.lowest_vaddr & ~(PAGE - 1); va < elf.highest_vaddr; va += PAGE) {
        struct segment_fill sf = { &elf, (const uint8_t *)bm->vaddr, va, 0 };
        seL4_CPtr frame = init_new_frame(&c->objects, fill_image_page, &sf);
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
    for (uint64_t off = 0; off < size;) {
        bool big = !((vaddr + off) & (LARGE_PAGE - 1)) && size - off >= LARGE_PAGE;
        kaal_ut_alloc_ret_t f = big ? init_alloc(&c->objects, seL4_X86_LargePageObject, 0, seL4_LargePageBits)
                                    : init_alloc(&c->objects, seL4_X86_4K, 0, seL4_PageBits);
        if (f.err || init_map_frame(&c->objects, vspace, f.cap, vaddr + off, big, seL4_ReadWrite,
                                    seL4_X86_Default_VMAttributes | KAAL_X86_ExecuteNever))
            return false;
        off += big ? LARGE_PAGE : PAGE;
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
        const kaal_sysdesc_file_t *f = &init_sysdesc.files[d->first_file + i];
        const kaal_sysdesc_module_t *m = &init_sysdesc.modules[f->module];
        if (f->module + 1 >= init_modules->n_modules)
            return "a boot file is not among the boot modules";
        const kaal_boot_module_t *bm = &init_modules->modules[f->module + 1];
        if (bm->size_bytes != m->size_bytes ||
            kaal_sysdesc_crc32(0, (const void *)bm->vaddr, bm->size_bytes) != m->crc32)
            return "a boot file does not match the description (stale image?)";
        for (uint64_t off = 0; off < f->size_bytes; off += PAGE) {
            seL4_CPtr copy = copy_for(c, bm->frames.start + off / PAGE, seL4_AllRights, 0);
            if (!copy || map_into(c, vspace, copy, f->vaddr + off, false, false))
                return "a boot file could not be mapped";
        }
        kaal_component_file_t *out = &start->files[start->n_files++];
        kaal_snprintf(out->name, sizeof(out->name), "%s",
                      kaal_sysdesc_string(&init_sysdesc, f->name));
        out->data = (const void *)f->vaddr;
        out->size_bytes = f->size_bytes;
    }
    return NULL;
}

/* (Re)starts c's thread at its ELF entry, on its stack below the start
 * record, rdi = that record, rsi = reason (<kaal/component.h>). */
seL4_Error init_run_from_entry(struct component *c, seL4_Word reason)
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
    const kaal_sysdesc_cap_t *con = kaal_sysdesc_find_cap(&init_sysdesc, d, "console");
    if (con && con->kind == KAAL_SYSDESC_CAP_ENDPOINT && !(con->rights & KAAL_SYSDESC_RIGHT_READ))
        start->console_ep = con->slot;
    for (uint32_t i = 0; i < d->n_config && start->n_config < KAAL_COMPONENT_CONFIG_MAX; i++) {
        const kaal_sysdesc_config_t *cf = &init_sysdesc.config[d->first_config + i];
        if (cf->type != KAAL_SYSDESC_CONFIG_INT && cf->type != KAAL_SYSDESC_CONFIG_BOOL)
            continue;
        kaal_component_config_t *out = &start->config[start->n_config++];
        kaal_snprintf(out->key, sizeof(out->key), "%s",
                      kaal_sysdesc_string(&init_sysdesc, cf->key));
        out->value = (int64_t)cf->value;
    }
    /* String entries: key and value back to back while they fit (the
     * zeroed record's tail ends the list). */
    size_t text_used = 0;
    for (uint32_t i = 0; i < d->n_config; i++) {
        const kaal_sysdesc_config_t *cf = &init_sysdesc.config[d->first_config + i];
        if (cf->type != KAAL_SYSDESC_CONFIG_STRING)
            continue;
        const char *key = kaal_sysdesc_string(&init_sysdesc, cf->key);
        const char *value = kaal_sysdesc_string(&init_sysdesc, (uint32_t)cf->value);
        size_t kl = strlen(key) + 1, vl = strlen(value) + 1;
        if (kl == 1 || text_used + kl + vl >= sizeof(start->config_text))
            continue;
        memcpy(start->config_text + text_used, key, kl);
        memcpy(start->config_text + text_used + kl, value, vl);
        text_used += kl + vl;
    }
    /* Wired ring ends: the regions named "<end>.data" (tools/systoml). */
    for (uint32_t i = 0; i < d->n_regions && start->n_rings < KAAL_COMPONENT_MAX_RINGS; i++) {
        const kaal_sysdesc_region_t *r = &init_sysdesc.regions[d->first_region + i];
        const char *name = kaal_sysdesc_string(&init_sysdesc, r->name);
        size_t len = strlen(name);
        if (len <= 5 || len - 5 >= KAAL_COMPONENT_NAME_MAX || strcmp(name + len - 5, ".data") != 0)
            continue;
        kaal_component_ring_t *out = &start->rings[start->n_rings++];
        memcpy(out->name, name, len - 5);
        out->data_vaddr = r->vaddr;
        out->data_size_bytes = r->size_bytes;
        if (r->flags & KAAL_SYSDESC_REGION_DMA) { /* contiguous: its first frame says where */
            seL4_X86_Page_GetAddress_t where =
                seL4_X86_Page_GetAddress(init_shared_pages[init_system_objects[r->object]]);
            out->data_paddr = where.error ? 0 : where.paddr;
        }
    }
}

const char *init_build_and_start(unsigned index)
{
    struct component *c = &init_components[index];
    const kaal_sysdesc_component_t *d = c->desc;
    struct init_objects *o = &c->objects;
    unsigned bits = d->cnode_size_bits;

    kaal_ut_alloc_ret_t pml4 = init_alloc(o, seL4_X64_PML4Object, 0, seL4_PML4Bits);
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
        .tsc_hz = init_tsc_hz,
    };
    kaal_snprintf(start.name, sizeof(start.name), "%s", c->name);
    if ((why = map_files(c, pml4.cap, &start)) != NULL)
        return why;
    for (uint32_t i = 0; i < d->n_caps && !why; i++) /* PCI devices, DMA: facts for start */
        why = init_grant_pci(o, index + 1, pml4.cap, cnode.cap, bits,
                             &init_sysdesc.caps[d->first_cap + i], &start);
    if (why)
        return why;
    fill_start_extras(&start, d);
    seL4_CPtr top = init_new_frame(o, fill_start_record, &start);
    seL4_CPtr ipc = init_new_frame(o, NULL, NULL);
    if (!top || !ipc || map_into(c, pml4.cap, top, d->stack_top_vaddr - PAGE, true, false) ||
        map_into(c, pml4.cap, ipc, d->ipc_buffer_vaddr, true, false))
        return "out of memory for its stack or IPC buffer";
    for (uint32_t i = 0; i < d->n_regions; i++) {
        const kaal_sysdesc_region_t *r = &init_sysdesc.regions[d->first_region + i];
        /* Shared memory: a copy of each system frame cap per mapping. */
        for (uint64_t off = 0; off < r->size_bytes; off += PAGE) {
            seL4_CPtr page = init_shared_pages[init_system_objects[r->object] + off / PAGE];
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
                        INIT_RIGHTS_CALL, index + 1) != seL4_NoError)
        return "its CSpace could not be filled";
    for (uint32_t i = 0; i < d->n_caps; i++) {
        why = init_grant_cap(cnode.cap, bits, &init_sysdesc.caps[d->first_cap + i]);
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
    if (init_run_from_entry(c, 0) != seL4_NoError)
        return "its thread could not be started";
    c->running = true;
    return NULL;
}
