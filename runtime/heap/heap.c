// SPDX-License-Identifier: BSD-2-Clause
/*
 * The component heap: a binary buddy allocator with slab caches on top.
 *
 * Model. Each region handed to kaal_heap_add_region becomes an arena of
 * 64-byte granules, preceded by a state map of one byte per granule. A block
 * of order k is 64 << k bytes and always sits at an address that is a
 * multiple of its size (absolute, not relative to the arena), so the buddy
 * of block b is b ^ size and a block is aligned to its own size. The arena
 * is first cut into the largest aligned blocks that fit, so arenas of any
 * size and position work.
 *
 * Map byte of the first granule of a block: state (bits 7..6), a QUICK
 * flag (bit 5) and the order (bits 4..0). States: FREE (on
 * free_lists[order]), USED (a user block; with QUICK: freed, waiting on
 * quick_lists[order] for reuse), SLAB (a slab of one size class). Every
 * other granule's byte is 0.
 *
 * Deferred coalescing: a freed block of order <= KAAL_HEAP_QUICK_MAX_ORDER
 * goes on a short per-order stack instead of merging, so alloc/free pairs
 * skip the split/merge chain. The stacks are flushed into the buddy core
 * when an allocation would otherwise fail and on kaal_heap_trim, so caching
 * never makes an allocation fail.
 *
 * Requests up to KAAL_HEAP_SLAB_MAX_BYTES go to one of twelve size classes.
 * A slab is one buddy block with a header (struct kaal_heap_slab) followed
 * by equal objects; a bitmap in the header says which are live, so a double
 * free is caught. Slabs with a free object are on their class's partial
 * list; a slab that becomes empty goes back to the buddy core unless it is
 * the class's only partial slab (keeps alloc/free pairs from thrashing).
 *
 * Invariants (checked by kaal_heap_check): the blocks of an arena tile it
 * exactly; no two buddies of the same order are both FREE (coalesced,
 * except across QUICK blocks); every QUICK block is on exactly one quick
 * list and cached_bytes is their sum; every FREE block is on exactly the free list of its order and
 * bit `order` of nonempty_orders is set iff that list is non-empty;
 * free_bytes and in_use_bytes equal the sums over blocks and slab objects.
 */
#include <kaal/heap.h>
#include <kaal/string.h>

#define GRANULE ((uintptr_t)KAAL_HEAP_GRANULE_BYTES)
#define STATE_SHIFT 6
#define QUICK_FLAG 0x20u
#define ORDER_MASK 0x1fu
enum { ST_NONE = 0, ST_FREE = 1, ST_USED = 2, ST_SLAB = 3 };
#define MAP_BYTE(state, order) ((uint8_t)(((state) << STATE_SHIFT) | (order)))

#define SLAB_MAGIC 0x51ab51abu
#define SLAB_MAX_OBJECTS 256u
#define SLAB_MIN_OBJECTS 8u

/* Header at the start of a free buddy block. */
struct free_block {
    struct kaal_heap_link link;
    uint32_t region;
};

/* Header at the start of a slab; objects follow at SLAB_DATA_OFFSET. */
struct kaal_heap_slab {
    struct kaal_heap_link link; /* on the class's partial list while it has room */
    void *free_list;            /* freed objects, chained through their first word */
    uint32_t magic;
    uint16_t class_index;
    uint16_t n_used;
    uint16_t n_carved; /* objects [0, n_carved) were handed out at least once */
    uint16_t pad16;
    uint32_t pad32;
    uint64_t used_bits[SLAB_MAX_OBJECTS / 64];
};
#define SLAB_DATA_OFFSET                                                                           \
    ((sizeof(struct kaal_heap_slab) + KAAL_HEAP_MIN_ALIGN_BYTES - 1) &                             \
     ~(uintptr_t)(KAAL_HEAP_MIN_ALIGN_BYTES - 1))

static const uint16_t class_bytes[KAAL_HEAP_N_CLASSES] = {16,  32,  48,  64,  96,  128,
                                                          192, 256, 384, 512, 768, 1024};

static inline uintptr_t order_bytes(unsigned order)
{
    return GRANULE << order;
}

static inline unsigned map_state(uint8_t b)
{
    return b >> STATE_SHIFT;
}

static inline unsigned map_order(uint8_t b)
{
    return b & ORDER_MASK;
}

static inline bool map_quick(uint8_t b)
{
    return (b & QUICK_FLAG) != 0;
}

static inline uint8_t *map_at(const struct kaal_heap_region *r, uintptr_t addr)
{
    return &r->map[(addr - r->start) / GRANULE];
}

/* Smallest order whose block holds size_bytes (size_bytes <= max block). */
static unsigned order_for(size_t size_bytes)
{
    size_t n_granules = (size_bytes + GRANULE - 1) / GRANULE;
    if (n_granules <= 1)
        return 0;
    return 64u - (unsigned)__builtin_clzll((unsigned long long)(n_granules - 1));
}

static void list_init(struct kaal_heap_link *head)
{
    head->next = head->prev = head;
}

static bool list_empty(const struct kaal_heap_link *head)
{
    return head->next == head;
}

static void list_push(struct kaal_heap_link *head, struct kaal_heap_link *n)
{
    n->next = head->next;
    n->prev = head;
    head->next->prev = n;
    head->next = n;
}

static void list_remove(struct kaal_heap_link *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
}

static void report(kaal_heap_t *heap, kaal_heap_misuse_t what, const void *ptr)
{
    heap->n_misuse++;
    if (heap->misuse_hook)
        heap->misuse_hook(what, ptr, heap->misuse_ctx);
}

static int find_region(const kaal_heap_t *heap, uintptr_t addr)
{
    for (uint32_t i = 0; i < heap->n_regions; i++)
        if (addr >= heap->regions[i].start && addr < heap->regions[i].end)
            return (int)i;
    return -1;
}

/* ---- buddy core ---- */

static void push_free(kaal_heap_t *heap, uint32_t region, uintptr_t addr, unsigned order)
{
    struct free_block *b = (struct free_block *)addr;
    *map_at(&heap->regions[region], addr) = MAP_BYTE(ST_FREE, order);
    b->region = region;
    list_push(&heap->free_lists[order], &b->link);
    heap->nonempty_orders |= 1ull << order;
    heap->free_bytes += order_bytes(order);
}

static void remove_free(kaal_heap_t *heap, uintptr_t addr, unsigned order)
{
    struct free_block *b = (struct free_block *)addr;
    *map_at(&heap->regions[b->region], addr) = 0;
    list_remove(&b->link);
    if (list_empty(&heap->free_lists[order]))
        heap->nonempty_orders &= ~(1ull << order);
    heap->free_bytes -= order_bytes(order);
}

/* Takes a block of exactly `order`, splitting a larger one if needed, and
 * marks it `state`. Returns 0 when no block is large enough. */
static uintptr_t buddy_alloc(kaal_heap_t *heap, unsigned order, unsigned state)
{
    if (order > KAAL_HEAP_MAX_ORDER)
        return 0;
    uint64_t candidates = heap->nonempty_orders >> order;
    if (candidates == 0)
        return 0;
    unsigned k = order + (unsigned)__builtin_ctzll(candidates);
    uintptr_t addr = (uintptr_t)heap->free_lists[k].next;
    uint32_t region = ((struct free_block *)addr)->region;
    remove_free(heap, addr, k);
    while (k > order) {
        k--;
        push_free(heap, region, addr + order_bytes(k), k);
    }
    *map_at(&heap->regions[region], addr) = MAP_BYTE(state, order);
    return addr;
}

/* Returns a block to the free lists, merging it with free buddies. */
static void buddy_free(kaal_heap_t *heap, uint32_t region, uintptr_t addr, unsigned order)
{
    const struct kaal_heap_region *r = &heap->regions[region];
    *map_at(r, addr) = 0;
    while (order < KAAL_HEAP_MAX_ORDER) {
        uintptr_t size = order_bytes(order);
        uintptr_t buddy = addr ^ size;
        if (buddy < r->start || buddy + size > r->end || buddy + size < buddy)
            break;
        if (*map_at(r, buddy) != MAP_BYTE(ST_FREE, order))
            break;
        remove_free(heap, buddy, order);
        addr &= ~size;
        order++;
    }
    push_free(heap, region, addr, order);
}

/* Coalesces every cached block back into the buddy core. */
static void flush_quick(kaal_heap_t *heap)
{
    for (unsigned k = 0; k <= KAAL_HEAP_QUICK_MAX_ORDER; k++) {
        while (heap->quick_lists[k]) {
            uintptr_t addr = (uintptr_t)heap->quick_lists[k];
            heap->quick_lists[k] = *(void **)addr;
            buddy_free(heap, (uint32_t)find_region(heap, addr), addr, k);
        }
        heap->quick_counts[k] = 0;
    }
    heap->cached_bytes = 0;
}

/* A block of `order` marked `state`: a cached one if there is one, else
 * from the buddy core, flushing the caches once if that fails. */
static uintptr_t block_alloc(kaal_heap_t *heap, unsigned order, unsigned state)
{
    if (order <= KAAL_HEAP_QUICK_MAX_ORDER && heap->quick_lists[order]) {
        uintptr_t addr = (uintptr_t)heap->quick_lists[order];
        heap->quick_lists[order] = *(void **)addr;
        heap->quick_counts[order]--;
        heap->cached_bytes -= order_bytes(order);
        *map_at(&heap->regions[find_region(heap, addr)], addr) = MAP_BYTE(state, order);
        return addr;
    }
    uintptr_t addr = buddy_alloc(heap, order, state);
    if (addr == 0 && heap->cached_bytes != 0) {
        flush_quick(heap);
        addr = buddy_alloc(heap, order, state);
    }
    return addr;
}

/* Frees a user block: onto its quick list if there is room, else merged. */
static void block_free(kaal_heap_t *heap, uint32_t region, uintptr_t addr, unsigned order)
{
    if (order <= KAAL_HEAP_QUICK_MAX_ORDER && heap->quick_counts[order] < KAAL_HEAP_QUICK_DEPTH) {
        *map_at(&heap->regions[region], addr) = MAP_BYTE(ST_USED, order) | QUICK_FLAG;
        *(void **)addr = heap->quick_lists[order];
        heap->quick_lists[order] = (void *)addr;
        heap->quick_counts[order]++;
        heap->cached_bytes += order_bytes(order);
        return;
    }
    buddy_free(heap, region, addr, order);
}

/* ---- slabs ---- */

static void *slab_alloc(kaal_heap_t *heap, unsigned ci)
{
    struct kaal_heap_class *c = &heap->classes[ci];
    struct kaal_heap_slab *s;
    if (list_empty(&c->partial)) {
        uintptr_t addr = block_alloc(heap, c->slab_order, ST_SLAB);
        if (addr == 0)
            return NULL;
        s = (struct kaal_heap_slab *)addr;
        memset(s, 0, sizeof(*s));
        s->magic = SLAB_MAGIC;
        s->class_index = (uint16_t)ci;
        list_push(&c->partial, &s->link);
    } else {
        s = (struct kaal_heap_slab *)c->partial.next;
    }
    uintptr_t data = (uintptr_t)s + SLAB_DATA_OFFSET;
    void *obj;
    if (s->free_list) {
        obj = s->free_list;
        s->free_list = *(void **)obj;
    } else {
        obj = (void *)(data + (uintptr_t)s->n_carved * c->object_bytes);
        s->n_carved++;
    }
    uint32_t i = (uint32_t)(((uint64_t)((uintptr_t)obj - data) * c->object_recip) >> 32);
    s->used_bits[i / 64] |= 1ull << (i % 64);
    if (++s->n_used == c->objects_per_slab)
        list_remove(&s->link);
    heap->in_use_bytes += c->object_bytes;
    return obj;
}

/* The slab holding addr, or NULL. Slabs are buddy blocks aligned to their
 * size, so the candidates are addr rounded down to each slab size. */
static struct kaal_heap_slab *slab_of(const kaal_heap_t *heap, const struct kaal_heap_region *r,
                                      uintptr_t addr)
{
    unsigned last_order = ~0u;
    for (unsigned ci = 0; ci < KAAL_HEAP_N_CLASSES; ci++) {
        unsigned order = heap->classes[ci].slab_order;
        if (order == last_order)
            continue;
        last_order = order;
        uintptr_t head = addr & ~(order_bytes(order) - 1);
        if (head >= r->start && *map_at(r, head) == MAP_BYTE(ST_SLAB, order))
            return (struct kaal_heap_slab *)head;
    }
    return NULL;
}

/* Index of the live object at addr in slab s, or -1. */
static int slab_object_index(const kaal_heap_t *heap, const struct kaal_heap_slab *s,
                             uintptr_t addr)
{
    const struct kaal_heap_class *c = &heap->classes[s->class_index];
    uintptr_t data = (uintptr_t)s + SLAB_DATA_OFFSET;
    if (addr < data)
        return -1;
    uintptr_t off = addr - data;
    uintptr_t i = (uintptr_t)(((uint64_t)off * c->object_recip) >> 32);
    if (i * c->object_bytes != off || i >= s->n_carved ||
        !(s->used_bits[i / 64] & (1ull << (i % 64))))
        return -1;
    return (int)i;
}

static void slab_free(kaal_heap_t *heap, uint32_t region, struct kaal_heap_slab *s, unsigned i)
{
    struct kaal_heap_class *c = &heap->classes[s->class_index];
    void *obj = (void *)((uintptr_t)s + SLAB_DATA_OFFSET + (uintptr_t)i * c->object_bytes);
    s->used_bits[i / 64] &= ~(1ull << (i % 64));
    *(void **)obj = s->free_list;
    s->free_list = obj;
    heap->in_use_bytes -= c->object_bytes;
    if (s->n_used-- == c->objects_per_slab)
        list_push(&c->partial, &s->link);
    if (s->n_used == 0 && c->partial.next != c->partial.prev) {
        list_remove(&s->link);
        s->magic = 0;
        buddy_free(heap, region, (uintptr_t)s, c->slab_order);
    }
}

/* ---- lookup of a user pointer ---- */

enum block_kind { BLOCK_FOREIGN, BLOCK_INVALID, BLOCK_BUDDY, BLOCK_SLAB };

struct block_ref {
    enum block_kind kind;
    uint32_t region;
    unsigned order;              /* BLOCK_BUDDY */
    struct kaal_heap_slab *slab; /* BLOCK_SLAB */
    unsigned index;              /* BLOCK_SLAB */
};

static struct block_ref lookup(const kaal_heap_t *heap, const void *ptr)
{
    struct block_ref ref = {.kind = BLOCK_FOREIGN};
    uintptr_t addr = (uintptr_t)ptr;
    int region = find_region(heap, addr);
    if (region < 0)
        return ref;
    const struct kaal_heap_region *r = &heap->regions[region];
    ref.region = (uint32_t)region;
    ref.kind = BLOCK_INVALID;
    if (addr % GRANULE == 0) {
        uint8_t b = *map_at(r, addr);
        if (map_state(b) == ST_USED && !map_quick(b)) {
            ref.kind = BLOCK_BUDDY;
            ref.order = map_order(b);
            return ref;
        }
        if (map_state(b) != ST_NONE)
            return ref; /* a free or cached block, or a slab header */
    }
    struct kaal_heap_slab *s = slab_of(heap, r, addr);
    if (s && s->magic == SLAB_MAGIC) {
        int i = slab_object_index(heap, s, addr);
        if (i >= 0) {
            ref.kind = BLOCK_SLAB;
            ref.slab = s;
            ref.index = (unsigned)i;
        }
    }
    return ref;
}

static size_t usable_of(const kaal_heap_t *heap, const struct block_ref *ref)
{
    if (ref->kind == BLOCK_BUDDY)
        return order_bytes(ref->order);
    if (ref->kind == BLOCK_SLAB)
        return heap->classes[ref->slab->class_index].object_bytes;
    return 0;
}

/* ---- public API ---- */

void kaal_heap_init(kaal_heap_t *heap)
{
    memset(heap, 0, sizeof(*heap));
    for (unsigned k = 0; k <= KAAL_HEAP_MAX_ORDER; k++)
        list_init(&heap->free_lists[k]);
    unsigned ci = 0;
    for (unsigned i = 0; i < sizeof(heap->class_of); i++) {
        while (class_bytes[ci] < i * KAAL_HEAP_MIN_ALIGN_BYTES)
            ci++;
        heap->class_of[i] = (uint8_t)ci;
    }
    for (ci = 0; ci < KAAL_HEAP_N_CLASSES; ci++) {
        struct kaal_heap_class *c = &heap->classes[ci];
        c->object_bytes = class_bytes[ci];
        c->object_recip = (uint32_t)((((uint64_t)1 << 32) + c->object_bytes - 1) / c->object_bytes);
        unsigned order = 6; /* 4 KiB */
        while ((order_bytes(order) - SLAB_DATA_OFFSET) / c->object_bytes < SLAB_MIN_OBJECTS)
            order++;
        uintptr_t n = (order_bytes(order) - SLAB_DATA_OFFSET) / c->object_bytes;
        c->slab_order = order;
        c->objects_per_slab = n > SLAB_MAX_OBJECTS ? SLAB_MAX_OBJECTS : (uint32_t)n;
        list_init(&c->partial);
    }
}

kaal_error_t kaal_heap_add_region(kaal_heap_t *heap, void *base, size_t size_bytes)
{
    uintptr_t lo = ((uintptr_t)base + GRANULE - 1) & ~(GRANULE - 1);
    uintptr_t hi = ((uintptr_t)base + size_bytes) & ~(GRANULE - 1);
    if (base == NULL || (uintptr_t)base + size_bytes < (uintptr_t)base || hi <= lo)
        return KAAL_EINVAL;
    /* n granules of arena need n map bytes in front of them. */
    uintptr_t n = (hi - lo) / (GRANULE + 1);
    uintptr_t start = (lo + n + GRANULE - 1) & ~(GRANULE - 1);
    while (n > 0 && start + n * GRANULE > hi)
        n--;
    if (n == 0)
        return KAAL_EINVAL;
    for (uint32_t i = 0; i < heap->n_regions; i++) {
        const struct kaal_heap_region *o = &heap->regions[i];
        if (lo < o->end && (uintptr_t)o->map < hi)
            return KAAL_EINVAL;
    }
    if (heap->n_regions == KAAL_HEAP_MAX_REGIONS)
        return KAAL_ENOSPC;

    uint32_t region = heap->n_regions++;
    struct kaal_heap_region *r = &heap->regions[region];
    r->map = (uint8_t *)lo;
    r->start = start;
    r->end = start + n * GRANULE;
    memset(r->map, 0, n);
    heap->total_bytes += r->end - r->start;

    for (uintptr_t addr = r->start; addr < r->end;) {
        unsigned order = KAAL_HEAP_MAX_ORDER;
        while (addr % order_bytes(order) != 0 || order_bytes(order) > r->end - addr)
            order--;
        push_free(heap, region, addr, order);
        addr += order_bytes(order);
    }
    return KAAL_OK;
}

void *kaal_heap_alloc(kaal_heap_t *heap, size_t size_bytes)
{
    void *p = NULL;
    if (size_bytes == 0) {
        p = NULL;
    } else if (size_bytes <= KAAL_HEAP_SLAB_MAX_BYTES) {
        unsigned ci = heap->class_of[(size_bytes + KAAL_HEAP_MIN_ALIGN_BYTES - 1) /
                                     KAAL_HEAP_MIN_ALIGN_BYTES];
        p = slab_alloc(heap, ci);
    } else if (size_bytes <= order_bytes(KAAL_HEAP_MAX_ORDER)) {
        unsigned order = order_for(size_bytes);
        p = (void *)block_alloc(heap, order, ST_USED);
        if (p)
            heap->in_use_bytes += order_bytes(order);
    }
    if (p)
        heap->n_allocs++;
    else if (size_bytes != 0)
        heap->n_failed++;
    return p;
}

void *kaal_heap_calloc(kaal_heap_t *heap, size_t n, size_t size_bytes)
{
    if (size_bytes != 0 && n > SIZE_MAX / size_bytes) {
        heap->n_failed++;
        return NULL;
    }
    void *p = kaal_heap_alloc(heap, n * size_bytes);
    if (p)
        memset(p, 0, n * size_bytes);
    return p;
}

void *kaal_heap_aligned_alloc(kaal_heap_t *heap, size_t align_bytes, size_t size_bytes)
{
    if (align_bytes == 0 || (align_bytes & (align_bytes - 1)) != 0) {
        heap->n_failed++;
        return NULL;
    }
    if (align_bytes <= KAAL_HEAP_MIN_ALIGN_BYTES)
        return kaal_heap_alloc(heap, size_bytes);
    if (size_bytes == 0)
        return NULL;
    /* Buddy blocks are aligned to their size: ask for one at least align. */
    size_t want = size_bytes > align_bytes ? size_bytes : align_bytes;
    void *p = NULL;
    if (want <= order_bytes(KAAL_HEAP_MAX_ORDER)) {
        unsigned order = order_for(want);
        p = (void *)block_alloc(heap, order, ST_USED);
        if (p)
            heap->in_use_bytes += order_bytes(order);
    }
    if (p)
        heap->n_allocs++;
    else
        heap->n_failed++;
    return p;
}

kaal_error_t kaal_heap_free(kaal_heap_t *heap, void *ptr)
{
    if (ptr == NULL)
        return KAAL_OK;
    struct block_ref ref = lookup(heap, ptr);
    switch (ref.kind) {
    case BLOCK_FOREIGN: report(heap, KAAL_HEAP_MISUSE_FOREIGN_POINTER, ptr); return KAAL_EINVAL;
    case BLOCK_INVALID: report(heap, KAAL_HEAP_MISUSE_NOT_ALLOCATED, ptr); return KAAL_ENOENT;
    case BLOCK_BUDDY:
        heap->in_use_bytes -= order_bytes(ref.order);
        block_free(heap, ref.region, (uintptr_t)ptr, ref.order);
        break;
    case BLOCK_SLAB: slab_free(heap, ref.region, ref.slab, ref.index); break;
    }
    heap->n_frees++;
    return KAAL_OK;
}

/* Resizes a buddy block in place: gives back upper halves when shrinking,
 * absorbs free upper buddies when growing. False if it cannot grow. */
static bool buddy_resize_in_place(kaal_heap_t *heap, uint32_t region, uintptr_t addr,
                                  unsigned order, unsigned new_order)
{
    const struct kaal_heap_region *r = &heap->regions[region];
    if (new_order < order) {
        for (unsigned k = order; k-- > new_order;)
            push_free(heap, region, addr + order_bytes(k), k);
    } else {
        for (unsigned k = order; k < new_order; k++) {
            uintptr_t buddy = addr + order_bytes(k);
            if (addr % order_bytes(k + 1) != 0 || buddy + order_bytes(k) > r->end ||
                *map_at(r, buddy) != MAP_BYTE(ST_FREE, k))
                return false;
        }
        for (unsigned k = order; k < new_order; k++)
            remove_free(heap, addr + order_bytes(k), k);
    }
    *map_at(r, addr) = MAP_BYTE(ST_USED, new_order);
    heap->in_use_bytes = heap->in_use_bytes - order_bytes(order) + order_bytes(new_order);
    return true;
}

void *kaal_heap_realloc(kaal_heap_t *heap, void *ptr, size_t size_bytes)
{
    if (ptr == NULL)
        return kaal_heap_alloc(heap, size_bytes);
    if (size_bytes == 0) {
        kaal_heap_free(heap, ptr);
        return NULL;
    }
    struct block_ref ref = lookup(heap, ptr);
    if (ref.kind == BLOCK_FOREIGN || ref.kind == BLOCK_INVALID) {
        report(heap,
               ref.kind == BLOCK_FOREIGN ? KAAL_HEAP_MISUSE_FOREIGN_POINTER
                                         : KAAL_HEAP_MISUSE_NOT_ALLOCATED,
               ptr);
        return NULL;
    }
    size_t usable = usable_of(heap, &ref);
    if (ref.kind == BLOCK_SLAB && size_bytes <= usable)
        return ptr;
    if (ref.kind == BLOCK_BUDDY && size_bytes <= order_bytes(KAAL_HEAP_MAX_ORDER) &&
        buddy_resize_in_place(heap, ref.region, (uintptr_t)ptr, ref.order, order_for(size_bytes)))
        return ptr;
    void *p = kaal_heap_alloc(heap, size_bytes);
    if (p == NULL)
        return NULL;
    memcpy(p, ptr, usable < size_bytes ? usable : size_bytes);
    kaal_heap_free(heap, ptr);
    return p;
}

void kaal_heap_trim(kaal_heap_t *heap)
{
    flush_quick(heap);
    for (unsigned ci = 0; ci < KAAL_HEAP_N_CLASSES; ci++) {
        struct kaal_heap_class *c = &heap->classes[ci];
        struct kaal_heap_link *l = c->partial.next;
        while (l != &c->partial) {
            struct kaal_heap_slab *s = (struct kaal_heap_slab *)l;
            l = l->next;
            if (s->n_used == 0) {
                list_remove(&s->link);
                s->magic = 0;
                buddy_free(heap, (uint32_t)find_region(heap, (uintptr_t)s), (uintptr_t)s,
                           c->slab_order);
            }
        }
    }
}

size_t kaal_heap_usable_size(const kaal_heap_t *heap, const void *ptr)
{
    if (ptr == NULL)
        return 0;
    struct block_ref ref = lookup(heap, ptr);
    return usable_of(heap, &ref);
}

kaal_heap_stats_t kaal_heap_stats(const kaal_heap_t *heap)
{
    kaal_heap_stats_t s = {
        .total_bytes = heap->total_bytes,
        .in_use_bytes = heap->in_use_bytes,
        .free_bytes = heap->free_bytes,
        .cached_bytes = heap->cached_bytes,
        .n_allocs = heap->n_allocs,
        .n_frees = heap->n_frees,
        .n_failed = heap->n_failed,
        .n_misuse = heap->n_misuse,
    };
    if (heap->nonempty_orders)
        s.largest_free_bytes = order_bytes(63u - (unsigned)__builtin_clzll(heap->nonempty_orders));
    s.overhead_bytes = s.total_bytes - s.in_use_bytes - s.free_bytes;
    if (s.free_bytes)
        s.fragmentation_permille =
            (uint32_t)(1000 - (uint64_t)s.largest_free_bytes * 1000 / s.free_bytes);
    return s;
}

void kaal_heap_set_misuse_hook(kaal_heap_t *heap, kaal_heap_misuse_hook_t hook, void *ctx)
{
    heap->misuse_hook = hook;
    heap->misuse_ctx = ctx;
}

static bool check_slab(const kaal_heap_t *heap, const struct kaal_heap_slab *s, unsigned order,
                       size_t *in_use, size_t *n_with_room)
{
    if (s->magic != SLAB_MAGIC || s->class_index >= KAAL_HEAP_N_CLASSES)
        return false;
    const struct kaal_heap_class *c = &heap->classes[s->class_index];
    if (c->slab_order != order || s->n_carved > c->objects_per_slab || s->n_used > s->n_carved)
        return false;
    unsigned n_set = 0;
    for (unsigned w = 0; w < SLAB_MAX_OBJECTS / 64; w++)
        n_set += (unsigned)__builtin_popcountll(s->used_bits[w]);
    if (n_set != s->n_used)
        return false;
    unsigned n_free = 0;
    for (void *o = s->free_list; o; o = *(void **)o) {
        int i = slab_object_index(heap, s, (uintptr_t)o);
        uintptr_t data = (uintptr_t)s + SLAB_DATA_OFFSET;
        if (i >= 0 || (uintptr_t)o < data || ((uintptr_t)o - data) % c->object_bytes != 0 ||
            ((uintptr_t)o - data) / c->object_bytes >= s->n_carved || ++n_free > s->n_carved)
            return false; /* a listed object is live, misplaced, or the list loops */
    }
    if (n_free + s->n_used != s->n_carved)
        return false;
    *in_use += (size_t)s->n_used * c->object_bytes;
    if (s->n_used < c->objects_per_slab)
        (*n_with_room)++;
    return true;
}

bool kaal_heap_check(const kaal_heap_t *heap)
{
    size_t free_bytes = 0, in_use = 0, n_free_blocks = 0, n_with_room = 0, n_partial = 0;
    size_t cached = 0, n_cached_blocks = 0;
    for (uint32_t ri = 0; ri < heap->n_regions; ri++) {
        const struct kaal_heap_region *r = &heap->regions[ri];
        for (uintptr_t addr = r->start; addr < r->end;) {
            uint8_t b = *map_at(r, addr);
            unsigned order = map_order(b);
            uintptr_t size = order_bytes(order);
            if (map_state(b) == ST_NONE || order > KAAL_HEAP_MAX_ORDER || addr % size != 0 ||
                size > r->end - addr ||
                (map_quick(b) && (map_state(b) != ST_USED || order > KAAL_HEAP_QUICK_MAX_ORDER)))
                return false;
            for (uintptr_t g = addr + GRANULE; g < addr + size; g += GRANULE)
                if (*map_at(r, g) != 0)
                    return false;
            if (map_state(b) == ST_FREE) {
                uintptr_t buddy = addr ^ size;
                if (buddy >= r->start && buddy + size <= r->end &&
                    *map_at(r, buddy) == MAP_BYTE(ST_FREE, order))
                    return false; /* not coalesced */
                if (((const struct free_block *)addr)->region != ri)
                    return false;
                free_bytes += size;
                n_free_blocks++;
            } else if (map_quick(b)) {
                cached += size;
                n_cached_blocks++;
            } else if (map_state(b) == ST_USED) {
                in_use += size;
            } else if (!check_slab(heap, (const struct kaal_heap_slab *)addr, order, &in_use,
                                   &n_with_room)) {
                return false;
            }
            addr += size;
        }
    }
    size_t n_listed = 0;
    for (unsigned k = 0; k <= KAAL_HEAP_MAX_ORDER; k++) {
        const struct kaal_heap_link *head = &heap->free_lists[k];
        if (list_empty(head) != !(heap->nonempty_orders & (1ull << k)))
            return false;
        for (const struct kaal_heap_link *l = head->next; l != head; l = l->next) {
            int ri = find_region(heap, (uintptr_t)l);
            if (ri < 0 || *map_at(&heap->regions[ri], (uintptr_t)l) != MAP_BYTE(ST_FREE, k) ||
                l->next->prev != l || ++n_listed > n_free_blocks)
                return false;
        }
    }
    size_t n_quick_listed = 0;
    for (unsigned k = 0; k <= KAAL_HEAP_QUICK_MAX_ORDER; k++) {
        uint32_t n = 0;
        for (void *q = heap->quick_lists[k]; q; q = *(void **)q) {
            int ri = find_region(heap, (uintptr_t)q);
            if (ri < 0 || (uintptr_t)q % GRANULE != 0 ||
                *map_at(&heap->regions[ri], (uintptr_t)q) != (MAP_BYTE(ST_USED, k) | QUICK_FLAG) ||
                ++n > KAAL_HEAP_QUICK_DEPTH)
                return false;
        }
        if (n != heap->quick_counts[k])
            return false;
        n_quick_listed += n;
    }
    if (n_quick_listed != n_cached_blocks || cached != heap->cached_bytes)
        return false;
    for (unsigned ci = 0; ci < KAAL_HEAP_N_CLASSES; ci++) {
        const struct kaal_heap_link *head = &heap->classes[ci].partial;
        for (const struct kaal_heap_link *l = head->next; l != head; l = l->next) {
            const struct kaal_heap_slab *s = (const struct kaal_heap_slab *)l;
            if (s->magic != SLAB_MAGIC || s->class_index != ci ||
                s->n_used >= heap->classes[ci].objects_per_slab || ++n_partial > n_with_room)
                return false;
        }
    }
    return n_listed == n_free_blocks && n_partial == n_with_room &&
           free_bytes == heap->free_bytes && in_use == heap->in_use_bytes;
}
