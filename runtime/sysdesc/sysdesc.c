// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reader and validator of the KSYS binary system description
 * (include/kaal/sysdesc.h, docs/system-toml.md). The blob arrives as a boot
 * module, so it is untrusted: kaal_sysdesc_open() checks the header, the
 * checksum, that every table lies inside the blob without overlapping
 * another, that every string offset and record index points at something
 * that exists, and that addresses, sizes, kinds and slots are sane. All
 * arithmetic on blob values is done in 64 bits (the values are 32-bit) or
 * checked for wrap-around. After a successful open, init may follow every
 * reference without checking again.
 *
 * Freestanding: no libc, no allocation, the blob is never written.
 */
#include <kaal/sysdesc.h>

#include <stdbool.h>

static const uint32_t record_size[KAAL_SYSDESC_N_TABLES] = {
    [KAAL_SYSDESC_TABLE_COMPONENTS] = sizeof(kaal_sysdesc_component_t),
    [KAAL_SYSDESC_TABLE_CHANNELS] = sizeof(kaal_sysdesc_channel_t),
    [KAAL_SYSDESC_TABLE_OBJECTS] = sizeof(kaal_sysdesc_object_t),
    [KAAL_SYSDESC_TABLE_CAPS] = sizeof(kaal_sysdesc_cap_t),
    [KAAL_SYSDESC_TABLE_REGIONS] = sizeof(kaal_sysdesc_region_t),
    [KAAL_SYSDESC_TABLE_CONFIG] = sizeof(kaal_sysdesc_config_t),
    [KAAL_SYSDESC_TABLE_MODULES] = sizeof(kaal_sysdesc_module_t),
    [KAAL_SYSDESC_TABLE_FILES] = sizeof(kaal_sysdesc_file_t),
};

_Static_assert(sizeof(kaal_sysdesc_header_t) == 96, "header layout");
_Static_assert(sizeof(kaal_sysdesc_component_t) == 96, "component layout");
_Static_assert(sizeof(kaal_sysdesc_channel_t) == 48, "channel layout");
_Static_assert(sizeof(kaal_sysdesc_object_t) == 16, "object layout");
_Static_assert(sizeof(kaal_sysdesc_cap_t) == 32, "cap layout");
_Static_assert(sizeof(kaal_sysdesc_region_t) == 32, "region layout");
_Static_assert(sizeof(kaal_sysdesc_config_t) == 16, "config layout");
_Static_assert(sizeof(kaal_sysdesc_module_t) == 16, "module layout");
_Static_assert(sizeof(kaal_sysdesc_file_t) == 32, "file layout");

uint32_t kaal_sysdesc_crc32(uint32_t crc, const void *data, size_t size_bytes)
{
    /* Reflected polynomial 0xedb88320, four bits at a time. */
    static const uint32_t nibble[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
        0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
        0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
    };
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < size_bytes; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ nibble[crc & 15];
        crc = (crc >> 4) ^ nibble[crc & 15];
    }
    return ~crc;
}

static uint32_t read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* CRC of the blob with the checksum field (bytes 12..15) read as zero. */
static uint32_t blob_crc(const uint8_t *base, uint32_t total)
{
    static const uint8_t zero[4];
    uint32_t crc = kaal_sysdesc_crc32(0, base, 12);
    crc = kaal_sysdesc_crc32(crc, zero, 4);
    return kaal_sysdesc_crc32(crc, base + 16, total - 16);
}

static int str_ok(const kaal_sysdesc_t *sd, uint32_t offset)
{
    return offset < sd->strtab_size_bytes;
}

static int name_ok(const kaal_sysdesc_t *sd, uint32_t offset)
{
    return str_ok(sd, offset) && sd->strtab[offset] != '\0';
}

static int range_ok(uint32_t first, uint32_t n, uint32_t limit)
{
    return (uint64_t)first + n <= limit;
}

static int page_aligned(uint64_t v)
{
    return (v & (KAAL_SYSDESC_PAGE_SIZE - 1)) == 0;
}

/* [vaddr, vaddr + size) is page aligned, non-empty and below the user top. */
static int user_range_ok(uint64_t vaddr, uint64_t size)
{
    return page_aligned(vaddr) && page_aligned(size) && size != 0 &&
           vaddr < KAAL_SYSDESC_USER_TOP && size <= KAAL_SYSDESC_USER_TOP - vaddr;
}

static kaal_sysdesc_status_t check_tables(kaal_sysdesc_t *sd, const kaal_sysdesc_header_t *h)
{
    uint64_t start[KAAL_SYSDESC_N_TABLES + 1], end[KAAL_SYSDESC_N_TABLES + 1];
    unsigned n = 0;
    uint64_t total = h->total_size_bytes;

    if (h->strtab_size_bytes == 0 || h->strtab_offset < sizeof(*h) ||
        (uint64_t)h->strtab_offset + h->strtab_size_bytes > total)
        return KAAL_SYSDESC_BAD_STRING;
    sd->strtab = (const char *)sd->base + h->strtab_offset;
    sd->strtab_size_bytes = h->strtab_size_bytes;
    if (sd->strtab[0] != '\0' || sd->strtab[h->strtab_size_bytes - 1] != '\0')
        return KAAL_SYSDESC_BAD_STRING;
    start[n] = h->strtab_offset;
    end[n++] = (uint64_t)h->strtab_offset + h->strtab_size_bytes;

    for (unsigned t = 0; t < KAAL_SYSDESC_N_TABLES; t++) {
        const kaal_sysdesc_table_t *tab = &h->tables[t];
        if (tab->count == 0)
            continue;
        uint64_t bytes = (uint64_t)tab->count * record_size[t];
        if (tab->offset % 8 != 0 || tab->offset < sizeof(*h) ||
            tab->offset + bytes > total)
            return KAAL_SYSDESC_BAD_TABLE;
        start[n] = tab->offset;
        end[n++] = tab->offset + bytes;
    }
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++)
            if (start[i] < end[j] && start[j] < end[i])
                return KAAL_SYSDESC_BAD_TABLE;

    const uint8_t *b = sd->base;
    const kaal_sysdesc_table_t *tab = h->tables;
    sd->components = (const void *)(b + tab[KAAL_SYSDESC_TABLE_COMPONENTS].offset);
    sd->n_components = tab[KAAL_SYSDESC_TABLE_COMPONENTS].count;
    sd->channels = (const void *)(b + tab[KAAL_SYSDESC_TABLE_CHANNELS].offset);
    sd->n_channels = tab[KAAL_SYSDESC_TABLE_CHANNELS].count;
    sd->objects = (const void *)(b + tab[KAAL_SYSDESC_TABLE_OBJECTS].offset);
    sd->n_objects = tab[KAAL_SYSDESC_TABLE_OBJECTS].count;
    sd->caps = (const void *)(b + tab[KAAL_SYSDESC_TABLE_CAPS].offset);
    sd->n_caps = tab[KAAL_SYSDESC_TABLE_CAPS].count;
    sd->regions = (const void *)(b + tab[KAAL_SYSDESC_TABLE_REGIONS].offset);
    sd->n_regions = tab[KAAL_SYSDESC_TABLE_REGIONS].count;
    sd->config = (const void *)(b + tab[KAAL_SYSDESC_TABLE_CONFIG].offset);
    sd->n_config = tab[KAAL_SYSDESC_TABLE_CONFIG].count;
    sd->modules = (const void *)(b + tab[KAAL_SYSDESC_TABLE_MODULES].offset);
    sd->n_modules = tab[KAAL_SYSDESC_TABLE_MODULES].count;
    sd->files = (const void *)(b + tab[KAAL_SYSDESC_TABLE_FILES].offset);
    sd->n_files = tab[KAAL_SYSDESC_TABLE_FILES].count;
    return KAAL_SYSDESC_OK;
}

static kaal_sysdesc_status_t check_objects(const kaal_sysdesc_t *sd)
{
    for (uint32_t i = 0; i < sd->n_objects; i++) {
        const kaal_sysdesc_object_t *o = &sd->objects[i];
        if (!str_ok(sd, o->name))
            return KAAL_SYSDESC_BAD_STRING;
        switch (o->kind) {
        case KAAL_SYSDESC_OBJECT_ENDPOINT:
        case KAAL_SYSDESC_OBJECT_NOTIFICATION: break;
        case KAAL_SYSDESC_OBJECT_MEMORY:
            if (o->size_bytes == 0 || !page_aligned(o->size_bytes) ||
                o->size_bytes >= KAAL_SYSDESC_USER_TOP)
                return KAAL_SYSDESC_BAD_VALUE;
            break;
        case KAAL_SYSDESC_OBJECT_DMA_MEMORY:
            if (o->size_bytes == 0 || !page_aligned(o->size_bytes) ||
                o->size_bytes > KAAL_SYSDESC_DMA_MAX_BYTES)
                return KAAL_SYSDESC_BAD_VALUE;
            break;
        case KAAL_SYSDESC_OBJECT_UNTYPED:
            if (o->size_bytes < KAAL_SYSDESC_PAGE_SIZE || (o->size_bytes & (o->size_bytes - 1)))
                return KAAL_SYSDESC_BAD_VALUE;
            break;
        default: return KAAL_SYSDESC_BAD_VALUE;
        }
    }
    return KAAL_SYSDESC_OK;
}

static kaal_sysdesc_status_t check_cap(const kaal_sysdesc_t *sd, const kaal_sysdesc_cap_t *c,
                                       unsigned cnode_bits)
{
    uint32_t want_object;
    if (!name_ok(sd, c->name))
        return KAAL_SYSDESC_BAD_STRING;
    if (c->slot < KAAL_SYSDESC_FIRST_GRANTED_SLOT || c->slot >= (1u << cnode_bits) ||
        c->rights > KAAL_SYSDESC_RIGHTS_ALL)
        return KAAL_SYSDESC_BAD_VALUE;
    switch (c->kind) {
    case KAAL_SYSDESC_CAP_ENDPOINT: want_object = KAAL_SYSDESC_OBJECT_ENDPOINT; break;
    case KAAL_SYSDESC_CAP_NOTIFICATION: want_object = KAAL_SYSDESC_OBJECT_NOTIFICATION; break;
    case KAAL_SYSDESC_CAP_UNTYPED: want_object = KAAL_SYSDESC_OBJECT_UNTYPED; break;
    case KAAL_SYSDESC_CAP_IOPORT:
        if (c->arg1 == 0 || c->arg0 > 0xffff || c->arg1 > 0x10000 - c->arg0)
            return KAAL_SYSDESC_BAD_VALUE;
        return c->object == KAAL_SYSDESC_NONE ? KAAL_SYSDESC_OK : KAAL_SYSDESC_BAD_REFERENCE;
    case KAAL_SYSDESC_CAP_IRQ:
        if (c->arg0 > 255)
            return KAAL_SYSDESC_BAD_VALUE;
        return c->object == KAAL_SYSDESC_NONE ? KAAL_SYSDESC_OK : KAAL_SYSDESC_BAD_REFERENCE;
    case KAAL_SYSDESC_CAP_PCI:
    case KAAL_SYSDESC_CAP_PCI_IRQ:
        return c->object == KAAL_SYSDESC_NONE ? KAAL_SYSDESC_OK : KAAL_SYSDESC_BAD_REFERENCE;
    case KAAL_SYSDESC_CAP_PCI_MMIO: {
        unsigned b = KAAL_SYSDESC_PCI_SIZE_BITS(c->arg0);
        if (KAAL_SYSDESC_PCI_BAR(c->arg0) > 5 || (c->arg0 >> 48) != 0 || b < 12 || b > 32 ||
            !user_range_ok(c->arg1, 1ull << b))
            return KAAL_SYSDESC_BAD_VALUE;
        return c->object == KAAL_SYSDESC_NONE ? KAAL_SYSDESC_OK : KAAL_SYSDESC_BAD_REFERENCE;
    }
    case KAAL_SYSDESC_CAP_PCI_IOPORT:
        if (KAAL_SYSDESC_PCI_BAR(c->arg0) > 5 || (c->arg0 >> 40) != 0 || c->arg1 == 0 ||
            c->arg1 > 0x10000)
            return KAAL_SYSDESC_BAD_VALUE;
        return c->object == KAAL_SYSDESC_NONE ? KAAL_SYSDESC_OK : KAAL_SYSDESC_BAD_REFERENCE;
    case KAAL_SYSDESC_CAP_DMA:
        if (c->arg0 == 0 || c->arg0 % KAAL_SYSDESC_PAGE_SIZE || c->arg0 > KAAL_SYSDESC_DMA_MAX_BYTES ||
            !user_range_ok(c->arg1, c->arg0))
            return KAAL_SYSDESC_BAD_VALUE;
        return c->object == KAAL_SYSDESC_NONE ? KAAL_SYSDESC_OK : KAAL_SYSDESC_BAD_REFERENCE;
    default: return KAAL_SYSDESC_BAD_VALUE;
    }
    if (c->object >= sd->n_objects)
        return KAAL_SYSDESC_BAD_REFERENCE;
    if (sd->objects[c->object].kind != want_object)
        return KAAL_SYSDESC_BAD_VALUE;
    return KAAL_SYSDESC_OK;
}

/* Heap, stack (with its guard page), IPC buffer and regions of one
 * component must be pairwise disjoint. */
static kaal_sysdesc_status_t check_vspace(const kaal_sysdesc_t *sd,
                                          const kaal_sysdesc_component_t *c)
{
    if (!user_range_ok(c->heap_vaddr, c->heap_size_bytes) ||
        !user_range_ok(c->ipc_buffer_vaddr, KAAL_SYSDESC_PAGE_SIZE) ||
        c->stack_size_bytes > c->stack_top_vaddr - KAAL_SYSDESC_PAGE_SIZE ||
        c->stack_top_vaddr < KAAL_SYSDESC_PAGE_SIZE ||
        !user_range_ok(c->stack_top_vaddr - c->stack_size_bytes - KAAL_SYSDESC_PAGE_SIZE,
                       c->stack_size_bytes + KAAL_SYSDESC_PAGE_SIZE))
        return KAAL_SYSDESC_BAD_VALUE;
    for (uint32_t i = 0; i < c->n_regions; i++) {
        const kaal_sysdesc_region_t *r = &sd->regions[c->first_region + i];
        if (!str_ok(sd, r->name))
            return KAAL_SYSDESC_BAD_STRING;
        if (r->object >= sd->n_objects)
            return KAAL_SYSDESC_BAD_REFERENCE;
        const kaal_sysdesc_object_t *o = &sd->objects[r->object];
        bool dma = o->kind == KAAL_SYSDESC_OBJECT_DMA_MEMORY;
        if ((o->kind != KAAL_SYSDESC_OBJECT_MEMORY && !dma) || o->size_bytes != r->size_bytes ||
            !user_range_ok(r->vaddr, r->size_bytes) || r->rights == 0 ||
            r->rights > (KAAL_SYSDESC_RIGHT_READ | KAAL_SYSDESC_RIGHT_WRITE) ||
            (r->flags & ~KAAL_SYSDESC_REGION_DMA) || ((r->flags & KAAL_SYSDESC_REGION_DMA) && !dma))
            return KAAL_SYSDESC_BAD_VALUE;
    }
    for (uint32_t i = 0; i < c->n_files; i++) {
        const kaal_sysdesc_file_t *f = &sd->files[c->first_file + i];
        if (!name_ok(sd, f->name))
            return KAAL_SYSDESC_BAD_STRING;
        if (f->module >= sd->n_modules)
            return KAAL_SYSDESC_BAD_REFERENCE;
        if (f->size_bytes == 0 || f->size_bytes > f->max_size_bytes ||
            f->size_bytes != sd->modules[f->module].size_bytes ||
            !user_range_ok(f->vaddr, f->max_size_bytes))
            return KAAL_SYSDESC_BAD_VALUE;
    }
    /* Ranges: 0 heap, 1 stack + guard, 2 IPC buffer, 3.. regions, then files. */
    uint32_t n = 3 + c->n_regions + c->n_files;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = i + 1; j < n; j++) {
            uint64_t s[2], e[2];
            uint32_t k[2] = {i, j};
            for (int x = 0; x < 2; x++) {
                if (k[x] == 0) {
                    s[x] = c->heap_vaddr;
                    e[x] = c->heap_vaddr + c->heap_size_bytes;
                } else if (k[x] == 1) {
                    s[x] = c->stack_top_vaddr - c->stack_size_bytes - KAAL_SYSDESC_PAGE_SIZE;
                    e[x] = c->stack_top_vaddr;
                } else if (k[x] == 2) {
                    s[x] = c->ipc_buffer_vaddr;
                    e[x] = c->ipc_buffer_vaddr + KAAL_SYSDESC_PAGE_SIZE;
                } else if (k[x] - 3 < c->n_regions) {
                    const kaal_sysdesc_region_t *r = &sd->regions[c->first_region + k[x] - 3];
                    s[x] = r->vaddr;
                    e[x] = r->vaddr + r->size_bytes;
                } else {
                    const kaal_sysdesc_file_t *f =
                        &sd->files[c->first_file + k[x] - 3 - c->n_regions];
                    s[x] = f->vaddr;
                    e[x] = f->vaddr + f->max_size_bytes;
                }
            }
            if (s[0] < e[1] && s[1] < e[0])
                return KAAL_SYSDESC_OVERLAP;
        }
    }
    return KAAL_SYSDESC_OK;
}

static kaal_sysdesc_status_t check_component(const kaal_sysdesc_t *sd,
                                             const kaal_sysdesc_component_t *c)
{
    kaal_sysdesc_status_t st;
    if (!name_ok(sd, c->name))
        return KAAL_SYSDESC_BAD_STRING;
    if (c->module >= sd->n_modules || !range_ok(c->first_cap, c->n_caps, sd->n_caps) ||
        !range_ok(c->first_region, c->n_regions, sd->n_regions) ||
        !range_ok(c->first_config, c->n_config, sd->n_config) ||
        !range_ok(c->first_file, c->n_files, sd->n_files))
        return KAAL_SYSDESC_BAD_REFERENCE;
    if (c->restart > KAAL_SYSDESC_RESTART_ON_FAILURE || c->cnode_size_bits < 5 ||
        c->cnode_size_bits > KAAL_SYSDESC_MAX_CNODE_BITS)
        return KAAL_SYSDESC_BAD_VALUE;
    uint32_t last_slot = 0;
    for (uint32_t i = 0; i < c->n_caps; i++) {
        const kaal_sysdesc_cap_t *cap = &sd->caps[c->first_cap + i];
        if ((st = check_cap(sd, cap, c->cnode_size_bits)) != KAAL_SYSDESC_OK)
            return st;
        if (i > 0 && cap->slot <= last_slot) /* ascending: no slot given twice */
            return KAAL_SYSDESC_BAD_VALUE;
        last_slot = cap->slot;
    }
    for (uint32_t i = 0; i < c->n_config; i++) {
        const kaal_sysdesc_config_t *cfg = &sd->config[c->first_config + i];
        if (!name_ok(sd, cfg->key))
            return KAAL_SYSDESC_BAD_STRING;
        if (cfg->type == KAAL_SYSDESC_CONFIG_STRING) {
            if (cfg->value >= sd->strtab_size_bytes)
                return KAAL_SYSDESC_BAD_STRING;
        } else if (cfg->type == KAAL_SYSDESC_CONFIG_BOOL) {
            if (cfg->value > 1)
                return KAAL_SYSDESC_BAD_VALUE;
        } else if (cfg->type != KAAL_SYSDESC_CONFIG_INT) {
            return KAAL_SYSDESC_BAD_VALUE;
        }
    }
    return check_vspace(sd, c);
}

static kaal_sysdesc_status_t check_records(const kaal_sysdesc_t *sd)
{
    kaal_sysdesc_status_t st;
    if (!str_ok(sd, sd->header->name))
        return KAAL_SYSDESC_BAD_STRING;
    for (uint32_t i = 0; i < sd->n_modules; i++)
        if (!str_ok(sd, sd->modules[i].name))
            return KAAL_SYSDESC_BAD_STRING;
    if ((st = check_objects(sd)) != KAAL_SYSDESC_OK)
        return st;
    for (uint32_t i = 0; i < sd->n_components; i++)
        if ((st = check_component(sd, &sd->components[i])) != KAAL_SYSDESC_OK)
            return st;
    for (uint32_t i = 0; i < sd->n_channels; i++) {
        const kaal_sysdesc_channel_t *ch = &sd->channels[i];
        if (!str_ok(sd, ch->name) || !name_ok(sd, ch->end[0]) || !name_ok(sd, ch->end[1]))
            return KAAL_SYSDESC_BAD_STRING;
        if (ch->component[0] >= sd->n_components || ch->component[1] >= sd->n_components)
            return KAAL_SYSDESC_BAD_REFERENCE;
        if ((ch->kind != KAAL_SYSDESC_CHANNEL_RPC && ch->kind != KAAL_SYSDESC_CHANNEL_RING) ||
            ch->component[0] == ch->component[1])
            return KAAL_SYSDESC_BAD_VALUE;
    }
    return KAAL_SYSDESC_OK;
}

kaal_sysdesc_status_t kaal_sysdesc_open(kaal_sysdesc_t *sd, const void *blob, size_t size_bytes)
{
    const kaal_sysdesc_header_t *h = blob;
    kaal_sysdesc_status_t st;
    *sd = (kaal_sysdesc_t){0};

    if (size_bytes < sizeof(*h))
        return KAAL_SYSDESC_TRUNCATED;
    if ((uintptr_t)blob % 8 != 0)
        return KAAL_SYSDESC_MISALIGNED;
    if (read_u32(blob) != KAAL_SYSDESC_MAGIC)
        return KAAL_SYSDESC_BAD_MAGIC;
    if (h->version_major != KAAL_SYSDESC_VERSION_MAJOR)
        return KAAL_SYSDESC_BAD_VERSION;
    if (h->total_size_bytes < sizeof(*h) || h->total_size_bytes % 8 != 0)
        return KAAL_SYSDESC_BAD_SIZE;
    if (h->total_size_bytes > size_bytes)
        return KAAL_SYSDESC_TRUNCATED;
    if (blob_crc(blob, h->total_size_bytes) != h->crc32)
        return KAAL_SYSDESC_BAD_CHECKSUM;
    sd->base = blob;
    sd->header = h;
    if ((st = check_tables(sd, h)) == KAAL_SYSDESC_OK)
        st = check_records(sd);
    if (st != KAAL_SYSDESC_OK)
        *sd = (kaal_sysdesc_t){0};
    return st;
}

const char *kaal_sysdesc_strerror(kaal_sysdesc_status_t status)
{
    switch (status) {
    case KAAL_SYSDESC_OK: return "ok";
    case KAAL_SYSDESC_TRUNCATED: return "truncated system description";
    case KAAL_SYSDESC_MISALIGNED: return "system description not 8-byte aligned in memory";
    case KAAL_SYSDESC_BAD_MAGIC: return "not a system description (no KSYS magic)";
    case KAAL_SYSDESC_BAD_VERSION: return "unsupported system description version";
    case KAAL_SYSDESC_BAD_SIZE: return "bad total size in system description header";
    case KAAL_SYSDESC_BAD_CHECKSUM: return "system description checksum mismatch";
    case KAAL_SYSDESC_BAD_TABLE: return "system description table outside the blob or overlapping";
    case KAAL_SYSDESC_BAD_STRING: return "bad string in system description";
    case KAAL_SYSDESC_BAD_REFERENCE: return "dangling reference in system description";
    case KAAL_SYSDESC_BAD_VALUE: return "invalid value in system description";
    case KAAL_SYSDESC_OVERLAP: return "overlapping regions in a component's address space";
    }
    return "unknown system description error";
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

const char *kaal_sysdesc_string(const kaal_sysdesc_t *sd, uint32_t offset)
{
    return str_ok(sd, offset) ? sd->strtab + offset : "";
}

const kaal_sysdesc_component_t *kaal_sysdesc_find_component(const kaal_sysdesc_t *sd,
                                                            const char *name)
{
    for (uint32_t i = 0; i < sd->n_components; i++)
        if (str_eq(kaal_sysdesc_string(sd, sd->components[i].name), name))
            return &sd->components[i];
    return 0;
}

const kaal_sysdesc_cap_t *kaal_sysdesc_find_cap(const kaal_sysdesc_t *sd,
                                                const kaal_sysdesc_component_t *component,
                                                const char *name)
{
    for (uint32_t i = 0; i < component->n_caps; i++) {
        const kaal_sysdesc_cap_t *c = &sd->caps[component->first_cap + i];
        if (str_eq(kaal_sysdesc_string(sd, c->name), name))
            return c;
    }
    return 0;
}

const kaal_sysdesc_config_t *kaal_sysdesc_find_config(const kaal_sysdesc_t *sd,
                                                      const kaal_sysdesc_component_t *component,
                                                      const char *key)
{
    for (uint32_t i = 0; i < component->n_config; i++) {
        const kaal_sysdesc_config_t *c = &sd->config[component->first_config + i];
        if (str_eq(kaal_sysdesc_string(sd, c->key), key))
            return c;
    }
    return 0;
}
