// SPDX-License-Identifier: BSD-2-Clause
/*
 * The root task, built the way seL4 builds its initial thread: the ELF in
 * boot module 0 is copied into fresh frames at its link addresses; after the
 * image come the IPC buffer, the bootinfo frame and the extra bootinfo
 * pages, in seL4's order; the thread starts at the ELF entry with rdi =
 * bootinfo address. KaaL extension: boot modules 1..n are mapped read-only
 * after the extra bootinfo and listed in a KAAL_BOOTINFO_HEADER_MODULES
 * chunk.
 *
 * CNode slots follow seL4's order: the fixed caps (seL4_NumInitialCaps),
 * then paging structures, extra bootinfo pages, image frames, module frames,
 * untypeds, and the empty range up to the end of the root CNode. The root
 * CNode (2^12 slots, guard 0 of 52 bits so that any CPtr below 4096 names a
 * slot at depth 64) and the initial ASID pool are allocated before the
 * untyped list is cut, so the untypeds cover only memory nobody uses. The
 * boot caps are CDT roots, as in seL4; the TCB's CSpace and VSpace slots
 * hold copies of the CNode and VSpace caps.
 */
#include <kernel/boot.h>
#include <kernel/kprintf.h>
#include <kernel/thread.h>
#include <kernel/vspace.h>
#include <kernel/cspace.h>
#include <sel4/object_types.h>
#include <kaal/bootinfo.h>
#include <kaal/elf.h>
#include <kaal/string.h>

#define ROOT_CNODE_SIZE_BITS 12
#define TCB_SIZE_BITS seL4_TCBBits
#define EXTRA_BI_PAGES 1
#define MACHINE_EXIT_BOOT_ERROR 0x7e

_Static_assert(sizeof(struct tcb) <= (1u << TCB_SIZE_BITS), "tcb fits its object");

static _Noreturn void boot_fail(const char *what, const char *why)
{
    kprintf("[KaaL] boot failed: %s: %s\n", what, why);
    machine_halt(MACHINE_EXIT_BOOT_ERROR);
}

static paddr_t alloc_page(struct boot_mem *bm)
{
    paddr_t p = boot_mem_alloc(bm, PAGE_BITS);
    if (!p)
        boot_fail("root task", "out of memory");
    memset(paddr_to_pptr(p), 0, PAGE_SIZE);
    return p;
}

/* Boot caps are CDT roots: revocable, no parent (seL4's write_slot). */
static void write_slot(cte_t *cnode, seL4_Word slot, cap_t cap)
{
    cnode[slot].cap = cap;
    cnode[slot].mdb_prev = 0;
    cnode[slot].mdb_next = 0;
    mdb_set_flags(&cnode[slot], true, true);
}

static vaddr_t page_round_up(vaddr_t v)
{
    return (v + PAGE_SIZE - 1) & ~(vaddr_t)(PAGE_SIZE - 1);
}

/* Copies the parts of every segment that fall in the page at va. */
static unsigned fill_image_page(const kaal_elf_info_t *elf, const uint8_t *image, vaddr_t va,
                                uint8_t *page)
{
    unsigned vm_flags = 0;
    for (unsigned i = 0; i < elf->n_segments; i++) {
        const kaal_elf_segment_t *s = &elf->segments[i];
        if (s->vaddr >= va + PAGE_SIZE || s->vaddr + s->memsz <= va)
            continue;
        if (s->flags & KAAL_PF_W)
            vm_flags |= VM_WRITE;
        if (s->flags & KAAL_PF_X)
            vm_flags |= VM_EXEC;
        vaddr_t from = s->vaddr > va ? s->vaddr : va;
        vaddr_t file_end = s->vaddr + s->filesz;
        vaddr_t to = file_end < va + PAGE_SIZE ? file_end : va + PAGE_SIZE;
        if (to > from)
            memcpy(page + (from - va), image + s->offset + (from - s->vaddr), to - from);
    }
    return vm_flags;
}

/* The module's file name without directories ("build/x/init.elf" -> "init.elf"). */
static const char *module_name(const struct boot_module *mod)
{
    const char *name = mod->cmdline;
    for (const char *p = mod->cmdline; *p && *p != ' '; p++)
        if (*p == '/')
            name = p + 1;
    return name[0] ? name : "rootserver";
}

struct tcb *create_root_task(const struct boot_params *bp, struct boot_mem *bm)
{
    if (bp->n_modules == 0)
        boot_fail("root task", "no boot module (pass the root task ELF with -initrd)");
    const struct boot_module *mod = &bp->modules[0];
    const char *name = module_name(mod);
    const uint8_t *image = paddr_to_pptr(mod->paddr);

    static kaal_elf_info_t elf;
    kaal_elf_status_t st = kaal_elf_check(image, mod->size_bytes, &elf);
    if (st != KAAL_ELF_OK)
        boot_fail(name, kaal_elf_strerror(st));

    paddr_t root = arch_boot_vspace_new(bm);
    if (!root)
        boot_fail(name, "out of memory");
    unsigned n_tables = 0;

    vaddr_t ui_start = elf.lowest_vaddr & ~(vaddr_t)(PAGE_SIZE - 1);
    vaddr_t ui_end = page_round_up(elf.highest_vaddr);
    for (vaddr_t va = ui_start; va < ui_end; va += PAGE_SIZE) {
        paddr_t frame = alloc_page(bm);
        unsigned flags = fill_image_page(&elf, image, va, paddr_to_pptr(frame));
        if (arch_boot_map_frame(bm, root, va, frame, flags, &n_tables))
            boot_fail(name, "out of memory");
    }
    seL4_Word n_image_frames = (ui_end - ui_start) / PAGE_SIZE;

    /* seL4's order (init_sys_state): IPC buffer, bootinfo, extra bootinfo. */
    vaddr_t ipc_vaddr = ui_end;
    vaddr_t bi_vaddr = ipc_vaddr + PAGE_SIZE;
    vaddr_t extra_vaddr = bi_vaddr + PAGE_SIZE;
    paddr_t bi_frame = alloc_page(bm);
    paddr_t ipc_frame = alloc_page(bm);
    paddr_t extra_frames[EXTRA_BI_PAGES];
    int fail = arch_boot_map_frame(bm, root, bi_vaddr, bi_frame, 0, &n_tables);
    for (unsigned i = 0; i < EXTRA_BI_PAGES; i++) {
        extra_frames[i] = alloc_page(bm);
        fail |= arch_boot_map_frame(bm, root, extra_vaddr + i * PAGE_SIZE, extra_frames[i], 0,
                                    &n_tables);
    }
    fail |= arch_boot_map_frame(bm, root, ipc_vaddr, ipc_frame, VM_WRITE, &n_tables);

    /* The extra bootinfo is built in one page: arch chunks, then modules. */
    _Static_assert(EXTRA_BI_PAGES == 1, "extra bootinfo is assembled in one page");
    uint8_t *extra = paddr_to_pptr(extra_frames[0]);
    uint64_t extra_len = arch_extra_bootinfo(bp, extra, PAGE_SIZE);
    kaal_bootinfo_modules_t *mods = (void *)(extra + extra_len);
    uint64_t mods_len = sizeof(*mods) + (bp->n_modules - 1) * sizeof(kaal_boot_module_t);
    if (extra_len + mods_len > PAGE_SIZE)
        boot_fail(name, "extra bootinfo does not fit");
    mods->header = (seL4_BootInfoHeader){ KAAL_BOOTINFO_HEADER_MODULES, mods_len };
    mods->n_modules = bp->n_modules - 1;
    extra_len += mods_len;

    seL4_Word slot = seL4_NumInitialCaps;
    /* Slots are assigned after mapping, once n_tables is final; remember
     * the module frame counts for now. */
    vaddr_t va = extra_vaddr + EXTRA_BI_PAGES * PAGE_SIZE;
    seL4_Word module_pages = 0;
    for (unsigned m = 1; m < bp->n_modules; m++) {
        const struct boot_module *bm_mod = &bp->modules[m];
        kaal_boot_module_t *km = &mods->modules[m - 1];
        seL4_Word pages = page_round_up(bm_mod->size_bytes) / PAGE_SIZE;
        km->vaddr = va;
        km->paddr = bm_mod->paddr;
        km->size_bytes = bm_mod->size_bytes;
        km->frames = (seL4_SlotRegion){ module_pages, module_pages + pages }; /* relative */
        kaal_snprintf(km->name, sizeof(km->name), "%s", bm_mod->cmdline);
        for (seL4_Word p = 0; p < pages; p++)
            fail |= arch_boot_map_frame(bm, root, va + p * PAGE_SIZE,
                                        bm_mod->paddr + p * PAGE_SIZE, 0, &n_tables);
        va += pages * PAGE_SIZE;
        module_pages += pages;
    }
    if (fail)
        boot_fail(name, "out of memory");

    paddr_t tcb_paddr = boot_mem_alloc(bm, TCB_SIZE_BITS);
    if (!tcb_paddr)
        boot_fail(name, "out of memory");
    struct tcb *tcb = paddr_to_pptr(tcb_paddr);
    memset(tcb, 0, sizeof(*tcb));

    /* Before the untyped list is cut: the root CNode and the ASID pool. */
    paddr_t cnode_paddr = boot_mem_alloc(bm, ROOT_CNODE_SIZE_BITS + seL4_SlotBits);
    paddr_t pool_paddr = alloc_page(bm);
    if (!cnode_paddr)
        boot_fail(name, "out of memory");
    cte_t *cnode = paddr_to_pptr(cnode_paddr);
    memset(cnode, 0, (size_t)1 << (ROOT_CNODE_SIZE_BITS + seL4_SlotBits));

    /* The root task's image was copied: module 0's memory is free again. */
    boot_mem_release(bm, mod->paddr, mod->paddr + mod->size_bytes);

    cap_t cnode_cap = cap_make(cap_cnode_cap, cnode, ROOT_CNODE_SIZE_BITS,
                               (uint64_t)(64 - ROOT_CNODE_SIZE_BITS)); /* guard 0, 52 bits */
    cap_t vspace_cap = arch_boot_vspace_cap(root);
    write_slot(cnode, seL4_CapInitThreadTCB, cap_make(cap_thread_cap, tcb, 0, 0));
    write_slot(cnode, seL4_CapInitThreadCNode, cnode_cap);
    write_slot(cnode, seL4_CapInitThreadVSpace, vspace_cap);
    write_slot(cnode, seL4_CapIRQControl, cap_make(cap_irq_control_cap, 0, 0, 0));
    write_slot(cnode, seL4_CapASIDControl, arch_boot_control_cap(ARCH_BOOT_ASID_CONTROL));
    write_slot(cnode, seL4_CapInitThreadASIDPool, arch_boot_asid_pool_cap(pool_paddr, root));
    write_slot(cnode, seL4_CapIOPortControl, arch_boot_control_cap(ARCH_BOOT_IO_PORT_CONTROL));
    write_slot(cnode, seL4_CapBootInfoFrame, arch_boot_frame_cap(bi_frame, bi_vaddr, true));
    write_slot(cnode, seL4_CapInitThreadIPCBuffer, arch_boot_frame_cap(ipc_frame, ipc_vaddr, true));
    write_slot(cnode, seL4_CapDomain, cap_make(cap_domain_cap, 0, 0, 0));
    cdt_insert(cnode_cap, &cnode[seL4_CapInitThreadCNode], &tcb->slots[TCB_CTABLE]);
    cdt_insert(vspace_cap, &cnode[seL4_CapInitThreadVSpace], &tcb->slots[TCB_VTABLE]);
    cdt_insert(cnode[seL4_CapInitThreadIPCBuffer].cap, &cnode[seL4_CapInitThreadIPCBuffer],
               &tcb->slots[TCB_BUFFER]);

    seL4_BootInfo *bi = paddr_to_pptr(bi_frame);
    bi->extraLen = extra_len;
    bi->nodeID = 0;
    bi->numNodes = 1;
    bi->numIOPTLevels = 0;
    bi->ipcBuffer = (seL4_IPCBuffer *)ipc_vaddr;
    bi->initThreadCNodeSizeBits = ROOT_CNODE_SIZE_BITS;
    bi->initThreadDomain = 0;
    if (slot + n_tables + EXTRA_BI_PAGES + n_image_frames + module_pages >
        (1u << ROOT_CNODE_SIZE_BITS))
        boot_fail(name, "image too large for the root CNode");
    static cap_t paging[1u << ROOT_CNODE_SIZE_BITS];
    unsigned n_paging = arch_boot_paging_caps(root, paging, 1u << ROOT_CNODE_SIZE_BITS);
    kassert(n_paging == n_tables);
    bi->userImagePaging = (seL4_SlotRegion){ slot, slot + n_tables };
    for (unsigned i = 0; i < n_tables; i++)
        write_slot(cnode, slot++, paging[i]);
    bi->extraBIPages = (seL4_SlotRegion){ slot, slot + EXTRA_BI_PAGES };
    for (unsigned i = 0; i < EXTRA_BI_PAGES; i++)
        write_slot(cnode, slot++,
                   arch_boot_frame_cap(extra_frames[i], extra_vaddr + i * PAGE_SIZE, true));
    bi->userImageFrames = (seL4_SlotRegion){ slot, slot + n_image_frames };
    for (vaddr_t v = ui_start; v < ui_end; v += PAGE_SIZE)
        write_slot(cnode, slot++, arch_boot_frame_cap(arch_boot_lookup_frame(root, v), v, true));
    for (seL4_Word m = 0; m < mods->n_modules; m++) {
        kaal_boot_module_t *km = &mods->modules[m];
        km->frames.start += slot;
        km->frames.end += slot;
        for (seL4_Word p = 0; p < km->frames.end - km->frames.start; p++)
            write_slot(cnode, km->frames.start + p,
                       arch_boot_frame_cap(km->paddr + p * PAGE_SIZE, km->vaddr + p * PAGE_SIZE,
                                           false));
    }
    slot += module_pages;

    unsigned dropped;
    seL4_Word max_untyped = CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS;
    if (max_untyped > (1u << ROOT_CNODE_SIZE_BITS) - slot)
        max_untyped = (1u << ROOT_CNODE_SIZE_BITS) - slot;
    unsigned n_untyped = boot_mem_untypeds(bm, arch_phys_addr_top(), bi->untypedList,
                                           (unsigned)max_untyped, &dropped);
    if (dropped)
        kprintf("[KaaL] warning: %u untyped blocks did not fit the bootinfo\n", dropped);
    bi->untyped = (seL4_SlotRegion){ slot, slot + n_untyped };
    for (unsigned i = 0; i < n_untyped; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        cap_t ut = cap_make(cap_untyped_cap, paddr_to_pptr(d->paddr), d->sizeBits, 0);
        ut.flag = d->isDevice;
        write_slot(cnode, slot++, ut);
    }
    bi->empty = (seL4_SlotRegion){ slot, 1u << ROOT_CNODE_SIZE_BITS };

    kaal_snprintf(tcb->name, sizeof(tcb->name), "%s", name);
    tcb->state = ThreadState_Running;
    tcb->priority = seL4_MaxPrio;
    tcb->mcp = seL4_MaxPrio;
    tcb->vspace_root = root;
    tcb->ipc_buffer_vaddr = ipc_vaddr;
    arch_thread_init_context(tcb, elf.entry, bi_vaddr);

    kprintf("[KaaL] root task '%s': image %p-%p, entry %p, bootinfo %p, ipc buffer %p\n", name,
            (void *)ui_start, (void *)ui_end, (void *)elf.entry, (void *)bi_vaddr,
            (void *)ipc_vaddr);
    return tcb;
}
