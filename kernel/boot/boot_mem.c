// SPDX-License-Identifier: BSD-2-Clause
/*
 * Boot-time physical memory. From the loader's memory map we derive the set
 * of RAM the kernel may hand out (RAM regions minus anything any other
 * region claims: overlapping or unsorted maps are common in firmware), keep
 * it as sorted, disjoint [base, end) ranges, allocate the root task's objects
 * from it, and finally cut what is left into the untyped descriptors of the
 * bootinfo. Everything else below the physical top becomes device untyped.
 *
 * Invariant: ram[] and free[] are sorted, disjoint and non-empty ranges, and
 * free[] is a subset of ram[].
 */
#include <kernel/boot.h>

#define MIN_UNTYPED_BITS 4
#define MAX_UNTYPED_BITS 47

static void range_insert(struct boot_range *r, unsigned *n, uint64_t base, uint64_t end)
{
    if (base >= end || *n == BOOT_MAX_RANGES)
        return;
    unsigned i = *n;
    while (i > 0 && r[i - 1].base > base) {
        r[i] = r[i - 1];
        i--;
    }
    r[i] = (struct boot_range){ base, end };
    (*n)++;
}

/* Adds [base, end), merging with neighbours so the set stays disjoint. */
static void range_add(struct boot_range *r, unsigned *n, uint64_t base, uint64_t end)
{
    if (base >= end)
        return;
    unsigned out = 0;
    for (unsigned i = 0; i < *n; i++) {
        if (r[i].end < base || r[i].base > end) {
            r[out++] = r[i];
        } else {
            base = r[i].base < base ? r[i].base : base;
            end = r[i].end > end ? r[i].end : end;
        }
    }
    *n = out;
    range_insert(r, n, base, end);
}

static void range_remove(struct boot_range *r, unsigned *n, uint64_t base, uint64_t end)
{
    if (base >= end)
        return;
    struct boot_range keep[2];
    for (unsigned i = 0; i < *n; i++) {
        if (r[i].end <= base || r[i].base >= end)
            continue;
        unsigned k = 0;
        if (r[i].base < base)
            keep[k++] = (struct boot_range){ r[i].base, base };
        if (r[i].end > end)
            keep[k++] = (struct boot_range){ end, r[i].end };
        for (unsigned j = i + 1; j < *n; j++)
            r[j - 1] = r[j];
        (*n)--;
        for (unsigned j = 0; j < k; j++)
            range_insert(r, n, keep[j].base, keep[j].end);
        i = (unsigned)-1; /* restart: the array changed under us */
    }
}

void boot_mem_init(struct boot_mem *bm, const struct boot_params *bp, uint64_t low,
                   uint64_t limit)
{
    bm->n_ram = 0;
    bm->n_kernel_devices = 0;
    bm->ignored_bytes = 0;
    for (unsigned i = 0; i < bp->n_regions; i++) {
        const struct boot_mem_region *r = &bp->regions[i];
        uint64_t base = r->base, end = r->base + r->size_bytes;
        if (r->type != BOOT_MEM_RAM || end <= base)
            continue;
        if (end > limit)
            bm->ignored_bytes += end - (base > limit ? base : limit);
        base = base < low ? low : base;
        end = end > limit ? limit : end;
        /* Only whole pages are handed out. */
        base = (base + 4095) & ~4095ull;
        end &= ~4095ull;
        range_add(bm->ram, &bm->n_ram, base, end);
    }
    for (unsigned i = 0; i < bp->n_regions; i++) {
        const struct boot_mem_region *r = &bp->regions[i];
        uint64_t end = r->base + r->size_bytes;
        if (r->type == BOOT_MEM_RAM)
            continue;
        if (end < r->base)
            end = ~0ull;
        range_remove(bm->ram, &bm->n_ram, r->base & ~4095ull, (end + 4095) & ~4095ull);
    }
    bm->n_free = bm->n_ram;
    for (unsigned i = 0; i < bm->n_ram; i++)
        bm->free[i] = bm->ram[i];
}

void boot_mem_reserve(struct boot_mem *bm, uint64_t base, uint64_t end)
{
    range_remove(bm->free, &bm->n_free, base & ~4095ull, (end + 4095) & ~4095ull);
}

uint64_t boot_mem_alloc(struct boot_mem *bm, unsigned size_bits)
{
    uint64_t size = 1ull << size_bits;
    /* Highest fit first, so low memory stays in large untyped blocks. */
    for (unsigned i = bm->n_free; i-- > 0;) {
        struct boot_range *r = &bm->free[i];
        if (r->end - r->base < size)
            continue;
        uint64_t block = (r->end - size) & ~(size - 1);
        if (block < r->base)
            continue;
        range_remove(bm->free, &bm->n_free, block, block + size);
        return block;
    }
    return 0;
}

uint64_t boot_mem_free_bytes(const struct boot_mem *bm)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < bm->n_free; i++)
        total += bm->free[i].end - bm->free[i].base;
    return total;
}

static unsigned largest_block_bits(uint64_t base, uint64_t end)
{
    unsigned bits = MAX_UNTYPED_BITS;
    while (bits > 0 && ((base & ((1ull << bits) - 1)) || base + (1ull << bits) > end ||
                        base + (1ull << bits) < base))
        bits--;
    return bits;
}

static void split_range(uint64_t base, uint64_t end, int is_device, seL4_UntypedDesc *out,
                        unsigned max, unsigned *n, unsigned *n_dropped)
{
    while (base < end && end - base >= (1ull << MIN_UNTYPED_BITS)) {
        unsigned bits = largest_block_bits(base, end);
        if (bits < MIN_UNTYPED_BITS)
            break;
        if (*n < max) {
            out[*n] = (seL4_UntypedDesc){ .paddr = base, .sizeBits = (seL4_Uint8)bits,
                                          .isDevice = (seL4_Uint8)is_device };
            (*n)++;
        } else {
            (*n_dropped)++;
        }
        base += 1ull << bits;
    }
}

unsigned boot_mem_untypeds(const struct boot_mem *bm, uint64_t phys_top, seL4_UntypedDesc *out,
                           unsigned max, unsigned *n_dropped)
{
    unsigned n = 0;
    *n_dropped = 0;
    for (unsigned i = 0; i < bm->n_free; i++)
        split_range(bm->free[i].base, bm->free[i].end, 0, out, max, &n, n_dropped);
    /* Device untyped: everything below phys_top that is neither RAM nor
     * kept by the kernel. */
    struct boot_range taken[BOOT_MAX_RANGES];
    unsigned n_taken = 0;
    for (unsigned i = 0; i < bm->n_ram; i++)
        range_add(taken, &n_taken, bm->ram[i].base, bm->ram[i].end);
    for (unsigned i = 0; i < bm->n_kernel_devices; i++)
        range_add(taken, &n_taken, bm->kernel_devices[i].base, bm->kernel_devices[i].end);
    uint64_t cursor = 0;
    for (unsigned i = 0; i < n_taken && cursor < phys_top; i++) {
        uint64_t gap_end = taken[i].base < phys_top ? taken[i].base : phys_top;
        split_range(cursor, gap_end, 1, out, max, &n, n_dropped);
        cursor = taken[i].end;
    }
    if (cursor < phys_top)
        split_range(cursor, phys_top, 1, out, max, &n, n_dropped);
    return n;
}

void boot_mem_reserve_device(struct boot_mem *bm, uint64_t base, uint64_t end)
{
    if (bm->n_kernel_devices < sizeof(bm->kernel_devices) / sizeof(bm->kernel_devices[0]))
        bm->kernel_devices[bm->n_kernel_devices++] =
            (struct boot_range){ base & ~4095ull, (end + 4095) & ~4095ull };
}

void boot_mem_release(struct boot_mem *bm, uint64_t base, uint64_t end)
{
    base = (base + 4095) & ~4095ull;
    end &= ~4095ull;
    for (unsigned i = 0; i < bm->n_ram; i++) {
        uint64_t b = base > bm->ram[i].base ? base : bm->ram[i].base;
        uint64_t e = end < bm->ram[i].end ? end : bm->ram[i].end;
        range_add(bm->free, &bm->n_free, b, e);
    }
}
