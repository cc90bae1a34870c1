// SPDX-License-Identifier: BSD-2-Clause
/*
 * Multiboot v1 information parser (Multiboot Specification 0.6.96, §3.3).
 * The loader's structures are outside input: every pointer is read through
 * the caller's reader (which refuses addresses it cannot map), every length
 * is checked before use, strings are copied with a bound, and a malformed
 * memory-map entry ends the walk with an error rather than a wild read.
 */
#include <arch/multiboot.h>

#include <stddef.h>

#define MBI_FLAG_MEM     (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS    (1u << 3)
#define MBI_FLAG_MMAP    (1u << 6)

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
    uint32_t mod_start, mod_end, cmdline, reserved;
} __attribute__((packed));

struct mb_mmap_entry {
    uint32_t size; /* of the rest of the entry, not counting this field */
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} __attribute__((packed));

static void copy_string(boot_phys_reader_t read, void *ctx, uint64_t paddr, char *dst,
                        size_t max)
{
    size_t i = 0;
    for (; paddr && i + 1 < max; i++) {
        const char *c = read(ctx, paddr + i, 1);
        if (!c || !*c)
            break;
        dst[i] = *c;
    }
    dst[i] = '\0';
}

static void add_region(struct boot_params *out, uint64_t base, uint64_t len, uint32_t type)
{
    if (out->n_regions == BOOT_MAX_REGIONS) {
        out->n_regions_dropped++;
        return;
    }
    if (type < BOOT_MEM_RAM || type > BOOT_MEM_BAD)
        type = BOOT_MEM_RESERVED;
    if (base + len < base) /* wraps: clip at the top of the address space */
        len = ~0ull - base;
    out->regions[out->n_regions++] = (struct boot_mem_region){ base, len, type };
}

const char *multiboot_parse(uint32_t magic, uint64_t info_paddr, boot_phys_reader_t read,
                            void *ctx, struct boot_params *out)
{
    *out = (struct boot_params){ 0 };
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        return "not started by a multiboot loader (bad magic)";
    const struct mb_info *mbi = read(ctx, info_paddr, sizeof(*mbi));
    if (!mbi)
        return "multiboot information not readable";

    if (mbi->flags & MBI_FLAG_CMDLINE)
        copy_string(read, ctx, mbi->cmdline, out->cmdline, sizeof(out->cmdline));

    if (mbi->flags & MBI_FLAG_MMAP) {
        uint64_t pos = mbi->mmap_addr, end = (uint64_t)mbi->mmap_addr + mbi->mmap_length;
        while (pos < end) {
            const struct mb_mmap_entry *e = read(ctx, pos, sizeof(*e));
            if (!e || end - pos < sizeof(*e))
                return "memory map truncated";
            if (e->size < sizeof(*e) - sizeof(e->size) || e->size > end - pos - sizeof(e->size))
                return "memory map entry has a bad size";
            if (e->len)
                add_region(out, e->addr, e->len, e->type);
            pos += e->size + sizeof(e->size);
        }
    } else if (mbi->flags & MBI_FLAG_MEM) {
        add_region(out, 0, (uint64_t)mbi->mem_lower * 1024, BOOT_MEM_RAM);
        add_region(out, 0x100000, (uint64_t)mbi->mem_upper * 1024, BOOT_MEM_RAM);
    } else {
        return "no memory information from the boot loader";
    }
    if (out->n_regions == 0)
        return "memory map is empty";

    if (mbi->flags & MBI_FLAG_MODS) {
        if (mbi->mods_count > BOOT_MAX_MODULES)
            return "too many boot modules";
        const struct mb_module *mods =
            read(ctx, mbi->mods_addr, (uint64_t)mbi->mods_count * sizeof(*mods));
        if (mbi->mods_count && !mods)
            return "module list not readable";
        for (unsigned i = 0; i < mbi->mods_count; i++) {
            if (mods[i].mod_end < mods[i].mod_start)
                return "module ends before it starts";
            struct boot_module *m = &out->modules[out->n_modules++];
            m->paddr = mods[i].mod_start;
            m->size_bytes = mods[i].mod_end - mods[i].mod_start;
            copy_string(read, ctx, mods[i].cmdline, m->cmdline, sizeof(m->cmdline));
        }
    }
    return NULL;
}
