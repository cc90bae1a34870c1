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

/* Everything the boot steps below share: what each step computes and a
 * later one needs. */
struct root_task {
    const struct boot_params *bp;
    struct boot_mem *bm;
    const struct boot_module *mod; /* module 0, the root task's ELF */
    const char *name;
    const uint8_t *image;
    kaal_elf_info_t *elf;
    paddr_t root; /* VSpace root */
    unsigned n_tables;
    vaddr_t ui_start, ui_end;
    seL4_Word n_image_frames;
    vaddr_t ipc_vaddr, bi_vaddr, extra_vaddr;
    paddr_t bi_frame, ipc_frame, extra_frames[EXTRA_BI_PAGES];
    int map_fail; /* a mapping of the bootinfo or module frames ran out of memory */
    uint64_t extra_len;
    kaal_bootinfo_modules_t *mods;
    seL4_Word module_pages;
    struct tcb *tcb;
    cte_t *cnode;
    paddr_t pool_paddr;
    seL4_BootInfo *bi;
    seL4_Word slot; /* next free slot of the root CNode */
};

/* Module 0 must be a valid ELF (seL4's load_boot_module). */
static void load_boot_module(struct root_task *rt)
{
    static kaal_elf_info_t elf;
    if (rt->bp->n_modules == 0)
        boot_fail("root task", "no boot module (pass the root task ELF with -initrd)");
    rt->mod = &rt->bp->modules[0];
    rt->name = module_name(rt->mod);
    rt->image = paddr_to_pptr(rt->mod->paddr);
    kaal_elf_status_t st = kaal_elf_check(rt->image, rt->mod->size_bytes, &elf);
    if (st != KAAL_ELF_OK)
        boot_fail(rt->name, kaal_elf_strerror(st));
    rt->elf = &elf;
}

/* The VSpace, with the image copied into fresh frames at its link
 * addresses (seL4's create_it_address_space; the paging caps come later,
 * in create_it_paging_caps, once every table exists). */
static void create_it_address_space(struct root_task *rt)
{
    rt->root = arch_boot_vspace_new(rt->bm);
    if (!rt->root)
        boot_fail(rt->name, "out of memory");
    rt->n_tables = 0;

    rt->ui_start = rt->elf->lowest_vaddr & ~(vaddr_t)(PAGE_SIZE - 1);
    rt->ui_end = page_round_up(rt->elf->highest_vaddr);
    for (vaddr_t va = rt->ui_start; va < rt->ui_end; va += PAGE_SIZE) {
        paddr_t frame = alloc_page(rt->bm);
        unsigned flags = fill_image_page(rt->elf, rt->image, va, paddr_to_pptr(frame));
        if (arch_boot_map_frame(rt->bm, rt->root, va, frame, flags, &rt->n_tables))
            boot_fail(rt->name, "out of memory");
    }
    rt->n_image_frames = (rt->ui_end - rt->ui_start) / PAGE_SIZE;
}

/* seL4's order (init_sys_state): IPC buffer, bootinfo, extra bootinfo,
 * after the image. */
static void map_ipcbuf_and_bi_frames(struct root_task *rt)
{
    rt->ipc_vaddr = rt->ui_end;
    rt->bi_vaddr = rt->ipc_vaddr + PAGE_SIZE;
    rt->extra_vaddr = rt->bi_vaddr + PAGE_SIZE;
    rt->bi_frame = alloc_page(rt->bm);
    rt->ipc_frame = alloc_page(rt->bm);
    rt->map_fail = arch_boot_map_frame(rt->bm, rt->root, rt->bi_vaddr, rt->bi_frame, 0,
                                       &rt->n_tables);
    for (unsigned i = 0; i < EXTRA_BI_PAGES; i++) {
        rt->extra_frames[i] = alloc_page(rt->bm);
        rt->map_fail |= arch_boot_map_frame(rt->bm, rt->root, rt->extra_vaddr + i * PAGE_SIZE,
                                            rt->extra_frames[i], 0, &rt->n_tables);
    }
    rt->map_fail |= arch_boot_map_frame(rt->bm, rt->root, rt->ipc_vaddr, rt->ipc_frame, VM_WRITE,
                                        &rt->n_tables);
}

/* The extra bootinfo is built in one page: arch chunks, then the modules
 * chunk (its entries are filled by map_boot_modules), then the arch chunks
 * seL4 puts last (x86: the TSC frequency). */
static void populate_extra_bi(struct root_task *rt)
{
    _Static_assert(EXTRA_BI_PAGES == 1, "extra bootinfo is assembled in one page");
    uint8_t *extra = paddr_to_pptr(rt->extra_frames[0]);
    rt->extra_len = arch_extra_bootinfo(rt->bp, extra, PAGE_SIZE);
    rt->mods = (void *)(extra + rt->extra_len);
    uint64_t mods_len = sizeof(*rt->mods) + (rt->bp->n_modules - 1) * sizeof(kaal_boot_module_t);
    if (rt->extra_len + mods_len > PAGE_SIZE)
        boot_fail(rt->name, "extra bootinfo does not fit");
    rt->mods->header = (seL4_BootInfoHeader){ KAAL_BOOTINFO_HEADER_MODULES, mods_len };
    rt->mods->n_modules = rt->bp->n_modules - 1;
    rt->extra_len += mods_len;
    uint64_t tail = arch_extra_bootinfo_tail(extra + rt->extra_len, PAGE_SIZE - rt->extra_len);
    if (tail == 0)
        boot_fail(rt->name, "extra bootinfo does not fit");
    rt->extra_len += tail;
}

/* KaaL extension: boot modules 1..n mapped read-only after the extra
 * bootinfo. Their slots are assigned later, once n_tables is final; the
 * frame ranges are relative until create_module_frame_caps. */
static void map_boot_modules(struct root_task *rt)
{
    vaddr_t va = rt->extra_vaddr + EXTRA_BI_PAGES * PAGE_SIZE;
    rt->module_pages = 0;
    for (unsigned m = 1; m < rt->bp->n_modules; m++) {
        const struct boot_module *bm_mod = &rt->bp->modules[m];
        kaal_boot_module_t *km = &rt->mods->modules[m - 1];
        seL4_Word pages = page_round_up(bm_mod->size_bytes) / PAGE_SIZE;
        km->vaddr = va;
        km->paddr = bm_mod->paddr;
        km->size_bytes = bm_mod->size_bytes;
        km->frames = (seL4_SlotRegion){ rt->module_pages, rt->module_pages + pages };
        kaal_snprintf(km->name, sizeof(km->name), "%s", bm_mod->cmdline);
        for (seL4_Word p = 0; p < pages; p++)
            rt->map_fail |= arch_boot_map_frame(rt->bm, rt->root, va + p * PAGE_SIZE,
                                                bm_mod->paddr + p * PAGE_SIZE, 0, &rt->n_tables);
        va += pages * PAGE_SIZE;
        rt->module_pages += pages;
    }
}

/* The TCB, and before the untyped list is cut, the root CNode and the ASID
 * pool (seL4's create_rootserver_objects). */
static void create_rootserver_objects(struct root_task *rt)
{
    paddr_t tcb_paddr = boot_mem_alloc(rt->bm, TCB_SIZE_BITS);
    if (!tcb_paddr)
        boot_fail(rt->name, "out of memory");
    rt->tcb = paddr_to_pptr(tcb_paddr);
    memset(rt->tcb, 0, sizeof(*rt->tcb));

    paddr_t cnode_paddr = boot_mem_alloc(rt->bm, ROOT_CNODE_SIZE_BITS + seL4_SlotBits);
    rt->pool_paddr = alloc_page(rt->bm);
    if (!cnode_paddr)
        boot_fail(rt->name, "out of memory");
    rt->cnode = paddr_to_pptr(cnode_paddr);
    memset(rt->cnode, 0, (size_t)1 << (ROOT_CNODE_SIZE_BITS + seL4_SlotBits));
}

/* The seL4_NumInitialCaps fixed slots (seL4's create_root_cnode,
 * create_domain_cap, init_irqs, create_bi_frame_cap, create_ipcbuf_frame_cap,
 * create_it_asid_pool). The TCB's CSpace, VSpace and IPC buffer slots hold
 * copies of the CNode, VSpace and IPC buffer caps. */
static void create_initial_caps(struct root_task *rt)
{
    cte_t *cnode = rt->cnode;
    cap_t cnode_cap = cap_make(cap_cnode_cap, cnode, ROOT_CNODE_SIZE_BITS,
                               (uint64_t)(64 - ROOT_CNODE_SIZE_BITS)); /* guard 0, 52 bits */
    cap_t vspace_cap = arch_boot_vspace_cap(rt->root);
    write_slot(cnode, seL4_CapInitThreadTCB, cap_make(cap_thread_cap, rt->tcb, 0, 0));
    write_slot(cnode, seL4_CapInitThreadCNode, cnode_cap);
    write_slot(cnode, seL4_CapInitThreadVSpace, vspace_cap);
    write_slot(cnode, seL4_CapIRQControl, cap_make(cap_irq_control_cap, 0, 0, 0));
    write_slot(cnode, seL4_CapASIDControl, arch_boot_control_cap(ARCH_BOOT_ASID_CONTROL));
    write_slot(cnode, seL4_CapInitThreadASIDPool,
               arch_boot_asid_pool_cap(rt->pool_paddr, rt->root));
    write_slot(cnode, seL4_CapIOPortControl, arch_boot_control_cap(ARCH_BOOT_IO_PORT_CONTROL));
    write_slot(cnode, seL4_CapBootInfoFrame, arch_boot_frame_cap(rt->bi_frame, rt->bi_vaddr, true));
    write_slot(cnode, seL4_CapInitThreadIPCBuffer,
               arch_boot_frame_cap(rt->ipc_frame, rt->ipc_vaddr, true));
    write_slot(cnode, seL4_CapDomain, cap_make(cap_domain_cap, 0, 0, 0));
    cdt_insert(cnode_cap, &cnode[seL4_CapInitThreadCNode], &rt->tcb->slots[TCB_CTABLE]);
    cdt_insert(vspace_cap, &cnode[seL4_CapInitThreadVSpace], &rt->tcb->slots[TCB_VTABLE]);
    cdt_insert(cnode[seL4_CapInitThreadIPCBuffer].cap, &cnode[seL4_CapInitThreadIPCBuffer],
               &rt->tcb->slots[TCB_BUFFER]);
    rt->slot = seL4_NumInitialCaps;
}

static void populate_bi_frame(struct root_task *rt)
{
    seL4_BootInfo *bi = rt->bi = paddr_to_pptr(rt->bi_frame);
    bi->extraLen = rt->extra_len;
    bi->nodeID = 0;
    bi->numNodes = 1;
    bi->numIOPTLevels = 0;
    bi->ipcBuffer = (seL4_IPCBuffer *)rt->ipc_vaddr;
    bi->initThreadCNodeSizeBits = ROOT_CNODE_SIZE_BITS;
    bi->initThreadDomain = 0;
}

/* userImagePaging: every paging structure below the VSpace root. */
static void create_it_paging_caps(struct root_task *rt)
{
    if (rt->slot + rt->n_tables + EXTRA_BI_PAGES + rt->n_image_frames + rt->module_pages >
        (1u << ROOT_CNODE_SIZE_BITS))
        boot_fail(rt->name, "image too large for the root CNode");
    static cap_t paging[1u << ROOT_CNODE_SIZE_BITS];
    unsigned n_paging = arch_boot_paging_caps(rt->root, paging, 1u << ROOT_CNODE_SIZE_BITS);
    kassert(n_paging == rt->n_tables);
    rt->bi->userImagePaging = (seL4_SlotRegion){ rt->slot, rt->slot + rt->n_tables };
    for (unsigned i = 0; i < rt->n_tables; i++)
        write_slot(rt->cnode, rt->slot++, paging[i]);
}

/* extraBIPages (seL4's create_frames_of_region for the extra bootinfo). */
static void create_extra_bi_frame_caps(struct root_task *rt)
{
    rt->bi->extraBIPages = (seL4_SlotRegion){ rt->slot, rt->slot + EXTRA_BI_PAGES };
    for (unsigned i = 0; i < EXTRA_BI_PAGES; i++)
        write_slot(rt->cnode, rt->slot++,
                   arch_boot_frame_cap(rt->extra_frames[i], rt->extra_vaddr + i * PAGE_SIZE,
                                       true));
}

/* userImageFrames (seL4's create_frames_of_region for the image). */
static void create_image_frame_caps(struct root_task *rt)
{
    rt->bi->userImageFrames = (seL4_SlotRegion){ rt->slot, rt->slot + rt->n_image_frames };
    for (vaddr_t v = rt->ui_start; v < rt->ui_end; v += PAGE_SIZE)
        write_slot(rt->cnode, rt->slot++,
                   arch_boot_frame_cap(arch_boot_lookup_frame(rt->root, v), v, true));
}

/* KaaL extension: the module frames, read-only; their ranges in the
 * modules chunk become absolute. */
static void create_module_frame_caps(struct root_task *rt)
{
    for (seL4_Word m = 0; m < rt->mods->n_modules; m++) {
        kaal_boot_module_t *km = &rt->mods->modules[m];
        km->frames.start += rt->slot;
        km->frames.end += rt->slot;
        for (seL4_Word p = 0; p < km->frames.end - km->frames.start; p++)
            write_slot(rt->cnode, km->frames.start + p,
                       arch_boot_frame_cap(km->paddr + p * PAGE_SIZE, km->vaddr + p * PAGE_SIZE,
                                           false));
    }
    rt->slot += rt->module_pages;
}

/* Untyped caps for all the memory nobody uses, as far as the bootinfo and
 * the root CNode hold them. */
static void create_untypeds(struct root_task *rt)
{
    unsigned dropped;
    seL4_Word max_untyped = CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS;
    if (max_untyped > (1u << ROOT_CNODE_SIZE_BITS) - rt->slot)
        max_untyped = (1u << ROOT_CNODE_SIZE_BITS) - rt->slot;
    unsigned n_untyped = boot_mem_untypeds(rt->bm, arch_phys_addr_top(), rt->bi->untypedList,
                                           (unsigned)max_untyped, &dropped);
    if (dropped)
        kprintf("[KaaL] warning: %u untyped blocks did not fit the bootinfo\n", dropped);
    rt->bi->untyped = (seL4_SlotRegion){ rt->slot, rt->slot + n_untyped };
    for (unsigned i = 0; i < n_untyped; i++) {
        const seL4_UntypedDesc *d = &rt->bi->untypedList[i];
        cap_t ut = cap_make(cap_untyped_cap, paddr_to_pptr(d->paddr), d->sizeBits, 0);
        ut.flag = d->isDevice;
        write_slot(rt->cnode, rt->slot++, ut);
    }
}

/* The rest of the root CNode is empty. */
static void bi_finalise(struct root_task *rt)
{
    rt->bi->empty = (seL4_SlotRegion){ rt->slot, 1u << ROOT_CNODE_SIZE_BITS };
}

/* Running at the ELF entry with rdi = bootinfo address. */
static void create_initial_thread(struct root_task *rt)
{
    struct tcb *tcb = rt->tcb;
    kaal_snprintf(tcb->name, sizeof(tcb->name), "%s", rt->name);
    tcb->state = ThreadState_Running;
    tcb->priority = seL4_MaxPrio;
    tcb->mcp = seL4_MaxPrio;
    tcb->vspace_root = rt->root;
    tcb->ipc_buffer_vaddr = rt->ipc_vaddr;
    arch_thread_init_context(tcb, rt->elf->entry, rt->bi_vaddr);

    kprintf("[KaaL] root task '%s': image %p-%p, entry %p, bootinfo %p, ipc buffer %p\n", rt->name,
            (void *)rt->ui_start, (void *)rt->ui_end, (void *)rt->elf->entry,
            (void *)rt->bi_vaddr, (void *)rt->ipc_vaddr);
}

struct tcb *create_root_task(const struct boot_params *bp, struct boot_mem *bm)
{
    struct root_task rt = { .bp = bp, .bm = bm };
    load_boot_module(&rt);
    create_it_address_space(&rt);
    map_ipcbuf_and_bi_frames(&rt);
    populate_extra_bi(&rt);
    map_boot_modules(&rt);
    if (rt.map_fail)
        boot_fail(rt.name, "out of memory");
    create_rootserver_objects(&rt);
    /* The root task's image was copied: module 0's memory is free again. */
    boot_mem_release(bm, rt.mod->paddr, rt.mod->paddr + rt.mod->size_bytes);
    create_initial_caps(&rt);
    populate_bi_frame(&rt);
    create_it_paging_caps(&rt);
    create_extra_bi_frame_caps(&rt);
    create_image_frame_caps(&rt);
    create_module_frame_caps(&rt);
    create_untypeds(&rt);
    bi_finalise(&rt);
    create_initial_thread(&rt);
    return rt.tcb;
}
