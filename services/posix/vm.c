// SPDX-License-Identifier: BSD-2-Clause
/*
 * Process address spaces. A process's VSpace is a PML4 (with the paging
 * structures it needs, made on demand from the pool and listed in
 * vm->tables) and, on the server's side, two records: the VMAs (sorted,
 * disjoint ranges with their protection and what fills them: zeroes, or
 * the program image read through the VFS) and a software page table, a
 * 4-level radix of 512-entry arrays like the hardware's, whose leaves hold
 * the pool page mapped there and the rights it is mapped with.
 *
 * Pages are made on the first fault (lazy zero-fill, image pages read on
 * demand). Every page is mapped twice: in the process (the copy cap) and in
 * the server's window (mem_window), so copy_from_user and copy_to_user are
 * a radix walk and a memcpy; an address without a VMA that allows the
 * access is -EFAULT, never a fault of the server.
 *
 * fork shares pages copy-on-write: each present page of the parent is
 * mapped read-only in both (the child through an extra cap of its own,
 * mem_extra_cap; seL4 maps a cap once) and its leaves get LEAF_COW; the
 * first write on either side copies the page (or, if the other side has
 * let go of it meanwhile, just maps it writable again). page_maps[] counts
 * the mappings of each process page; the page is freed with its last.
 * Without a free extra slot fork copies the page at once, as it did before.
 * A leaf with no rights (mprotect PROT_NONE) keeps its page, unmapped.
 */
#include "posix.h"

#include <kaal/heap.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>
#include <kaal/vfs_client.h>

#include "posix_caps.h"

/* A leaf: bits 0-31 the pool page + 1, 32-39 the rights it is mapped
 * with, 40 copy-on-write, 41-56 the extra cap's slot (0: the page's own
 * copy cap, mem_copy_cap). */
#define LEAF_PAGE(e) ((page_t)((e)&0xffffffffu) - 1)
#define LEAF_PROT(e) ((uint8_t)((e) >> 32))
#define LEAF_COW (1ul << 40)
#define LEAF_SLOT(e) ((seL4_CPtr)(((e) >> 41) & 0xffff))
#define MAKE_LEAF(p, prot) (((uint64_t)(p) + 1) | ((uint64_t)(prot) << 32))
#define WITH_SLOT(e, slot) ((e) | ((uint64_t)(slot) << 41))
#define USER_TOP 0x0000800000000000ul

_Static_assert((1u << KAAL_COMPONENT_CNODE_SIZE_BITS) <= 0x10000, "slots fit a leaf's 16 bits");

/* Mappings of each pool page that processes hold (frames only). */
static uint16_t page_maps[POOL_PAGES];
/* Mappings beyond the first of all pages: what sysinfo must not count twice. */
static uint32_t shared_mappings;

uint32_t vm_shared_mappings(void)
{
    return shared_mappings;
}

/* The cap this leaf's mapping uses. */
static seL4_CPtr leaf_cap(uint64_t e)
{
    seL4_CPtr slot = LEAF_SLOT(e);
    return slot ? slot : mem_copy_cap(LEAF_PAGE(e));
}

/* Ends this leaf's mapping (unmapped, its cap dropped); the page goes back
 * to the pool with its last mapping. The leaf is left as it was. */
static void drop_mapping(uint64_t e)
{
    page_t p = LEAF_PAGE(e);
    seL4_CPtr slot = LEAF_SLOT(e);
    if (slot)
        mem_extra_free(slot);
    else
        seL4_X86_Page_Unmap(mem_copy_cap(p));
    if (page_maps[p] > 1) {
        page_maps[p]--;
        shared_mappings--;
    } else {
        page_maps[p] = 0;
        mem_free(p);
    }
}

static unsigned level_index(uint64_t va, int level)
{
    return (unsigned)(va >> (39 - 9 * level)) & 511;
}

/* The leaf entry for va (level 3 array element), made if create. */
static uint64_t *leaf_entry(struct mm *vm, uint64_t va, bool create)
{
    uint64_t *node = vm->pt_root;
    for (int level = 0; level < 3; level++) {
        uint64_t *e = &node[level_index(va, level)];
        if (!*e) {
            if (!create)
                return NULL;
            void *next = calloc(512, sizeof(uint64_t));
            if (!next)
                return NULL;
            *e = (uint64_t)(uintptr_t)next;
        }
        node = (uint64_t *)(uintptr_t)*e;
    }
    return &node[level_index(va, 3)];
}

/* Calls fn on every mapped page in [start, end). */
static void walk(uint64_t *node, int level, uint64_t base, uint64_t start, uint64_t end,
                 void (*fn)(void *ctx, uint64_t va, uint64_t *leaf), void *ctx)
{
    uint64_t span = 1ul << (39 - 9 * level);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t va = base + i * span;
        if (!node[i] || va + span <= start || va >= end)
            continue;
        if (level == 3)
            fn(ctx, va, &node[i]);
        else
            walk((uint64_t *)(uintptr_t)node[i], level + 1, va, start, end, fn, ctx);
    }
}

static void free_radix(uint64_t *node, int level)
{
    if (level < 3)
        for (unsigned i = 0; i < 512; i++)
            if (node[i])
                free_radix((uint64_t *)(uintptr_t)node[i], level + 1);
    free(node);
}

/* Address spaces: one per process, plus one an execve builds before it
 * drops the old. refs == 0 is a free entry. */
static struct mm mm_pool[MAX_PROCS + 1];

int vm_create(struct vmspace *h, uint32_t max_pages)
{
    h->mm = NULL;
    struct mm *vm = NULL;
    for (unsigned i = 0; i < MAX_PROCS + 1 && !vm; i++)
        if (mm_pool[i].refs == 0)
            vm = &mm_pool[i];
    if (!vm)
        return -LINUX_ENOMEM;
    memset(vm, 0, sizeof(*vm));
    vm->max_pages = max_pages;
    vm->pml4 = mem_alloc(seL4_X64_PML4Object, 0);
    vm->pt_root = calloc(512, sizeof(uint64_t));
    if (vm->pml4 == PAGE_NONE || !vm->pt_root ||
        seL4_X86_ASIDPool_Assign(KAAL_CAP_ASIDS, mem_cap(vm->pml4)) != seL4_NoError) {
        mem_free(vm->pml4);
        free(vm->pt_root);
        vm->pml4 = PAGE_NONE;
        vm->pt_root = NULL;
        return -LINUX_ENOMEM;
    }
    vm->refs = 1;
    h->mm = vm;
    return 0;
}

void vm_share(struct vmspace *to, const struct vmspace *from)
{
    to->mm = from->mm;
    if (to->mm)
        to->mm->refs++;
}

static void image_put(struct image *img)
{
    if (img && --img->refs == 0) {
        kaal_vfs_close(KAAL_CAP_VFS, img->vfs_fd);
        free(img);
    }
}

static void free_page_fn(void *ctx, uint64_t va, uint64_t *leaf)
{
    struct mm *vm = ctx;
    (void)va;
    drop_mapping(*leaf);
    *leaf = 0;
    vm->n_pages--;
}

void vm_destroy(struct vmspace *h)
{
    struct mm *vm = h->mm;
    h->mm = NULL;
    if (!vm || --vm->refs > 0)
        return;
    if (vm->pt_root) {
        walk(vm->pt_root, 0, 0, 0, USER_TOP, free_page_fn, vm);
        free_radix(vm->pt_root, 0);
    }
    for (unsigned i = 0; i < vm->n_tables; i++)
        mem_free(vm->tables[i]);
    free(vm->tables);
    mem_free(vm->pml4);
    image_put(vm->image);
    memset(vm, 0, sizeof(*vm)); /* refs 0: free */
    vm->pml4 = PAGE_NONE;
}

/* ---- VMAs ---- */

struct vma *vm_find(struct vmspace *h, uint64_t addr)
{
    struct mm *vm = h->mm;
    for (unsigned i = 0; i < vm->n_vmas; i++)
        if (addr >= vm->vmas[i].start && addr < vm->vmas[i].end)
            return &vm->vmas[i];
    return NULL;
}

/* Splits the VMA containing addr (not at its start) in two at addr. */
static int split_at(struct mm *vm, uint64_t addr)
{
    for (unsigned i = 0; i < vm->n_vmas; i++) {
        struct vma *v = &vm->vmas[i];
        if (addr <= v->start || addr >= v->end)
            continue;
        if (vm->n_vmas == MAX_VMAS)
            return -LINUX_ENOMEM;
        memmove(&vm->vmas[i + 1], &vm->vmas[i], (vm->n_vmas - i) * sizeof(*v));
        vm->n_vmas++;
        vm->vmas[i].end = addr;
        vm->vmas[i + 1].start = addr;
        return 0;
    }
    return 0;
}

static void unmap_range_fn(void *ctx, uint64_t va, uint64_t *leaf)
{
    free_page_fn(ctx, va, leaf);
}

void vm_remove(struct vmspace *h, uint64_t start, uint64_t end)
{
    struct mm *vm = h->mm;
    if (start >= end)
        return;
    split_at(vm, start);
    split_at(vm, end);
    walk(vm->pt_root, 0, 0, start, end, unmap_range_fn, vm);
    unsigned j = 0;
    for (unsigned i = 0; i < vm->n_vmas; i++)
        if (vm->vmas[i].start < start || vm->vmas[i].end > end)
            vm->vmas[j++] = vm->vmas[i];
    vm->n_vmas = j;
}

int vm_add_vma(struct vmspace *h, uint64_t start, uint64_t end, uint8_t prot, uint8_t kind)
{
    struct mm *vm = h->mm;
    if (start >= end || end > USER_TOP)
        return -LINUX_EINVAL;
    vm_remove(h, start, end);
    if (vm->n_vmas == MAX_VMAS)
        return -LINUX_ENOMEM;
    unsigned i = 0;
    while (i < vm->n_vmas && vm->vmas[i].start < start)
        i++;
    memmove(&vm->vmas[i + 1], &vm->vmas[i], (vm->n_vmas - i) * sizeof(struct vma));
    vm->vmas[i] = (struct vma){.start = start, .end = end, .prot = prot, .kind = kind};
    vm->n_vmas++;
    return 0;
}

/* ---- mappings ---- */

static int new_table(struct mm *vm, seL4_Word type,
                     seL4_Error (*map)(seL4_CPtr, seL4_CPtr, seL4_Word, seL4_X86_VMAttributes),
                     uint64_t va)
{
    if (vm->n_tables == vm->cap_tables) {
        unsigned n = vm->cap_tables ? vm->cap_tables * 2 : 8;
        page_t *t = realloc(vm->tables, n * sizeof(page_t));
        if (!t)
            return -LINUX_ENOMEM;
        vm->tables = t;
        vm->cap_tables = n;
    }
    page_t p = mem_alloc(type, 0);
    if (p == PAGE_NONE)
        return -LINUX_ENOMEM;
    seL4_Error e = map(mem_cap(p), mem_cap(vm->pml4), va, seL4_X86_Default_VMAttributes);
    if (e != seL4_NoError) {
        mem_free(p);
        return e == seL4_DeleteFirst ? 0 : -LINUX_ENOMEM;
    }
    vm->tables[vm->n_tables++] = p;
    return 0;
}

/* Maps frame cap at va in the process with prot (no rights: nothing). */
static int map_cap(struct mm *vm, uint64_t va, seL4_CPtr cap, uint8_t prot)
{
    if (!cap)
        return -LINUX_ENOMEM;
    if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return 0;
    seL4_CapRights_t rights = (prot & PROT_WRITE) ? seL4_ReadWrite : seL4_CanRead;
    seL4_X86_VMAttributes attr = seL4_X86_Default_VMAttributes;
    if (!(prot & PROT_EXEC))
        attr |= KAAL_X86_ExecuteNever;
    seL4_Error e = seL4_X86_Page_Map(cap, mem_cap(vm->pml4), va, rights, attr);
    if (e == seL4_FailedLookup) {
        int r;
        if ((r = new_table(vm, seL4_X86_PDPTObject, seL4_X86_PDPT_Map, va)) < 0 ||
            (r = new_table(vm, seL4_X86_PageDirectoryObject, seL4_X86_PageDirectory_Map, va)) < 0 ||
            (r = new_table(vm, seL4_X86_PageTableObject, seL4_X86_PageTable_Map, va)) < 0)
            return r;
        e = seL4_X86_Page_Map(cap, mem_cap(vm->pml4), va, rights, attr);
    }
    return e == seL4_NoError ? 0 : -LINUX_ENOMEM;
}

/* Maps pool page p at va in the process with prot (its copy cap). */
static int map_user(struct mm *vm, uint64_t va, page_t p, uint8_t prot)
{
    return map_cap(vm, va, mem_copy_cap(p), prot);
}

/* The leaf's mapping with rights prot instead (same page, same cap). */
static int remap(struct mm *vm, uint64_t va, uint64_t *leaf, uint8_t prot)
{
    seL4_CPtr cap = leaf_cap(*leaf);
    seL4_X86_Page_Unmap(cap);
    int r = map_cap(vm, va, cap, prot);
    *leaf = (*leaf & ~(0xfful << 32)) | ((uint64_t)prot << 32);
    return r;
}

/* The first write to a shared page: a copy of its own for this process
 * (or the page itself when no other mapping is left), mapped with prot. */
static int break_cow(struct mm *vm, uint64_t va, uint64_t *leaf, uint8_t prot)
{
    page_t old = LEAF_PAGE(*leaf);
    if (page_maps[old] == 1) {
        *leaf &= ~LEAF_COW;
        return remap(vm, va, leaf, prot);
    }
    page_t p = mem_alloc(seL4_X86_4K, 0);
    if (p == PAGE_NONE)
        return -LINUX_ENOMEM;
    uint8_t *win = mem_window(p), *src = mem_window(old);
    if (!win || !src) {
        mem_free(p);
        return -LINUX_ENOMEM;
    }
    memcpy(win, src, PAGE_SIZE);
    drop_mapping(*leaf);
    page_maps[p] = 1;
    *leaf = MAKE_LEAF(p, prot);
    return map_user(vm, va, p, prot);
}

/* Reads the image bytes that belong in the page at va. */
static void fill_image(struct mm *vm, uint64_t va, uint8_t *win)
{
    const struct image *img = vm->image;
    if (!img)
        return;
    for (unsigned i = 0; i < img->n_segments; i++) {
        const kaal_elf_segment_t *s = &img->segments[i];
        uint64_t from = s->vaddr > va ? s->vaddr : va;
        uint64_t file_end = s->vaddr + s->filesz;
        uint64_t to = file_end < va + PAGE_SIZE ? file_end : va + PAGE_SIZE;
        if (to > from)
            kaal_vfs_pread(KAAL_CAP_VFS, img->vfs_fd, win + (from - va), to - from,
                           (int64_t)(s->offset + (from - s->vaddr)));
    }
}

static bool allows(const struct vma *v, bool write)
{
    return write ? (v->prot & PROT_WRITE) : (v->prot & (PROT_READ | PROT_EXEC | PROT_WRITE));
}

int vm_fault(struct vmspace *h, uint64_t addr, bool write)
{
    struct mm *vm = h->mm;
    struct vma *v = vm_find(h, addr);
    if (!v || !allows(v, write))
        return -LINUX_EFAULT;
    uint64_t va = PAGE_DOWN(addr);
    uint64_t *leaf = leaf_entry(vm, va, true);
    if (!leaf)
        return -LINUX_ENOMEM;
    if (*leaf) {
        if ((*leaf & LEAF_COW) && (v->prot & PROT_WRITE)) {
            if (write)
                return break_cow(vm, va, leaf, v->prot);
            uint8_t ro = v->prot & ~PROT_WRITE;
            return LEAF_PROT(*leaf) == ro ? 0 : remap(vm, va, leaf, ro);
        }
        /* Mapped with other rights than the VMA has now (mprotect). */
        if (LEAF_PROT(*leaf) == v->prot)
            return 0;
        return remap(vm, va, leaf, v->prot);
    }
    if (vm->n_pages + vm->n_tables >= vm->max_pages)
        return -LINUX_ENOMEM;
    page_t p = mem_alloc(seL4_X86_4K, 0);
    if (p == PAGE_NONE)
        return -LINUX_ENOMEM;
    uint8_t *win = mem_window(p);
    if (!win) {
        mem_free(p);
        return -LINUX_ENOMEM;
    }
    if (v->kind == VMA_IMAGE)
        fill_image(vm, va, win);
    int r = map_user(vm, va, p, v->prot);
    if (r < 0) {
        mem_free(p);
        return r;
    }
    *leaf = MAKE_LEAF(p, v->prot);
    page_maps[p] = 1;
    vm->n_pages++;
    return 0;
}

uint8_t *vm_user_ptr(struct vmspace *h, uint64_t addr, bool write)
{
    struct mm *vm = h->mm;
    if (addr >= USER_TOP)
        return NULL;
    uint64_t *leaf = leaf_entry(vm, PAGE_DOWN(addr), false);
    if (!leaf || !*leaf || (write && !(LEAF_PROT(*leaf) & PROT_WRITE)) ||
        !(LEAF_PROT(*leaf) & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
        if (vm_fault(h, addr, write) < 0)
            return NULL;
        leaf = leaf_entry(vm, PAGE_DOWN(addr), false);
        if (!leaf || !*leaf)
            return NULL;
    }
    uint8_t *win = mem_window(LEAF_PAGE(*leaf));
    return win ? win + (addr & (PAGE_SIZE - 1)) : NULL;
}

int copy_from_user(struct vmspace *vm, void *dst, uint64_t src, size_t n)
{
    uint8_t *d = dst;
    while (n > 0) {
        size_t chunk = PAGE_SIZE - (src & (PAGE_SIZE - 1));
        if (chunk > n)
            chunk = n;
        const uint8_t *s = vm_user_ptr(vm, src, false);
        if (!s)
            return -LINUX_EFAULT;
        memcpy(d, s, chunk);
        d += chunk;
        src += chunk;
        n -= chunk;
    }
    return 0;
}

int copy_to_user(struct vmspace *vm, uint64_t dst, const void *src, size_t n)
{
    const uint8_t *s = src;
    while (n > 0) {
        size_t chunk = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
        if (chunk > n)
            chunk = n;
        uint8_t *d = vm_user_ptr(vm, dst, true);
        if (!d)
            return -LINUX_EFAULT;
        memcpy(d, s, chunk);
        s += chunk;
        dst += chunk;
        n -= chunk;
    }
    return 0;
}

int64_t strncpy_from_user(struct vmspace *vm, char *dst, uint64_t src, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        const uint8_t *s = vm_user_ptr(vm, src + i, false);
        if (!s)
            return -LINUX_EFAULT;
        dst[i] = (char)*s;
        if (!*s)
            return (int64_t)i;
    }
    return -LINUX_ENAMETOOLONG;
}

struct protect_ctx {
    struct mm *vm;
    uint8_t prot;
};

static void protect_page_fn(void *ctx, uint64_t va, uint64_t *leaf)
{
    struct protect_ctx *c = ctx;
    uint8_t prot = (*leaf & LEAF_COW) ? c->prot & ~PROT_WRITE : c->prot; /* written: copied */
    if (LEAF_PROT(*leaf) != prot)
        remap(c->vm, va, leaf, prot);
}

int vm_protect(struct vmspace *h, uint64_t start, uint64_t end, uint8_t prot)
{
    struct mm *vm = h->mm;
    int r;
    if ((r = split_at(vm, start)) < 0 || (r = split_at(vm, end)) < 0)
        return r;
    for (unsigned i = 0; i < vm->n_vmas; i++) {
        struct vma *v = &vm->vmas[i];
        if (v->start >= start && v->end <= end)
            v->prot = prot;
    }
    /* Pages already there are remapped now (a walk of the mapped pages
     * only: the range may be huge and mostly empty). */
    struct protect_ctx c = { vm, prot };
    walk(vm->pt_root, 0, 0, start, end, protect_page_fn, &c);
    return 0;
}

struct copy_ctx {
    struct mm *to, *from;
    int err;
};

/* fork without a free extra cap: the child gets a copy of the page now. */
static void copy_page(struct copy_ctx *c, uint64_t va, uint64_t *leaf, uint64_t *dst)
{
    page_t p = mem_alloc(seL4_X86_4K, 0);
    uint8_t *win = p == PAGE_NONE ? NULL : mem_window(p);
    uint8_t *src = mem_window(LEAF_PAGE(*leaf));
    uint8_t prot = LEAF_PROT(*leaf) | ((*leaf & LEAF_COW) ? PROT_WRITE : 0);
    if (!win || !src) {
        mem_free(p);
        c->err = -LINUX_ENOMEM;
        return;
    }
    memcpy(win, src, PAGE_SIZE);
    struct vma *v = vm_find(&(struct vmspace){c->to}, va);
    prot = v ? v->prot : prot; /* the child's rights are its VMA's */
    if (map_user(c->to, va, p, LEAF_PROT(*leaf) ? prot : 0) < 0) {
        mem_free(p);
        c->err = -LINUX_ENOMEM;
        return;
    }
    *dst = MAKE_LEAF(p, LEAF_PROT(*leaf) ? prot : 0);
    page_maps[p] = 1;
    c->to->n_pages++;
}

static void share_page_fn(void *ctx, uint64_t va, uint64_t *leaf)
{
    struct copy_ctx *c = ctx;
    if (c->err)
        return;
    uint64_t *dst = leaf_entry(c->to, va, true);
    if (!dst) {
        c->err = -LINUX_ENOMEM;
        return;
    }
    page_t p = LEAF_PAGE(*leaf);
    if (page_maps[p] == UINT16_MAX)
        return copy_page(c, va, leaf, dst);
    seL4_CPtr extra = mem_extra_cap(p);
    if (!extra)
        return copy_page(c, va, leaf, dst);
    uint8_t prot = LEAF_PROT(*leaf) & ~PROT_WRITE;
    if (map_cap(c->to, va, extra, prot) < 0) {
        mem_extra_free(extra);
        c->err = -LINUX_ENOMEM;
        return;
    }
    if (LEAF_PROT(*leaf) != prot && remap(c->from, va, leaf, prot) < 0) {
        mem_extra_free(extra);
        c->err = -LINUX_ENOMEM;
        return;
    }
    *leaf |= LEAF_COW;
    *dst = WITH_SLOT(MAKE_LEAF(p, prot) | LEAF_COW, extra);
    page_maps[p]++;
    shared_mappings++;
    c->to->n_pages++;
}

int vm_copy(struct vmspace *to_h, struct vmspace *from_h)
{
    struct mm *to = to_h->mm, *from = from_h->mm;
    if (from->n_pages + from->n_tables > to->max_pages || mem_free_pages() < 64)
        return -LINUX_ENOMEM;
    memcpy(to->vmas, from->vmas, sizeof(from->vmas));
    to->n_vmas = from->n_vmas;
    to->brk_start = from->brk_start;
    to->brk = from->brk;
    to->mmap_top = from->mmap_top;
    to->image = from->image;
    if (to->image)
        to->image->refs++;
    struct copy_ctx c = {to, from, 0};
    walk(from->pt_root, 0, 0, 0, USER_TOP, share_page_fn, &c);
    return c.err;
}
