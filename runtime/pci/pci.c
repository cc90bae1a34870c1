// SPDX-License-Identifier: BSD-2-Clause
/*
 * PCI enumeration (see <kaal/pci.h>). Brute-force scan of every device
 * number of every bus in the range: no dependency on bridges being
 * programmed the way we expect, and 256 x 32 reads are cheap.
 *
 * BAR sizing (PCI Local Bus 3.0 §6.2.5.1): with IO and memory decoding
 * switched off in the command register, write all ones to the BAR, read
 * back the mask, restore the original value; a 64-bit memory BAR takes two
 * slots and both halves are probed together. Decoding is restored after
 * the last BAR. The capability list is walked with a visited set, so a list
 * that loops or points into the header stops the walk instead of the boot.
 *
 * Config space contents are device input: every field used is checked
 * (BAR masks must be contiguous, 64-bit BARs need a second slot) and a bad
 * one is noted in the function's flags and skipped.
 */
#include <kaal/pci.h>
#include <kaal/string.h>

#define PCI_ABSENT 0xffffffffu
#define PCI_CFG_LEGACY_BYTES 256u
#define PCI_CAP_FIRST 0x40u

static uint32_t ecam_read32(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset)
{
    kaal_pci_ecam_t *e = ctx;
    if (bus < e->bus_start || bus > e->bus_end || dev > 31 || fn > 7 || offset > 0xffc)
        return PCI_ABSENT;
    size_t off = ((size_t)(bus - e->bus_start) << 20) | ((size_t)dev << 15) | ((size_t)fn << 12) |
                 (offset & 0xffcu);
    return *(volatile uint32_t *)(e->window + off);
}

static void ecam_write32(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset,
                         uint32_t value)
{
    kaal_pci_ecam_t *e = ctx;
    if (bus < e->bus_start || bus > e->bus_end || dev > 31 || fn > 7 || offset > 0xffc)
        return;
    size_t off = ((size_t)(bus - e->bus_start) << 20) | ((size_t)dev << 15) | ((size_t)fn << 12) |
                 (offset & 0xffcu);
    *(volatile uint32_t *)(e->window + off) = value;
}

kaal_pci_config_t kaal_pci_ecam_config(kaal_pci_ecam_t *ecam)
{
    return (kaal_pci_config_t){.read32 = ecam_read32, .write32 = ecam_write32, .ctx = ecam};
}

static uint32_t legacy_address(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset)
{
    return 0x80000000u | ((uint32_t)bus << 16) | ((uint32_t)(dev & 31) << 11) |
           ((uint32_t)(fn & 7) << 8) | (offset & 0xfcu);
}

static uint32_t legacy_read32(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset)
{
    kaal_pci_legacy_t *l = ctx;
    if (dev > 31 || fn > 7 || offset >= PCI_CFG_LEGACY_BYTES)
        return PCI_ABSENT;
    l->out32(l->ctx, KAAL_PCI_CONFIG_ADDRESS, legacy_address(bus, dev, fn, offset));
    return l->in32(l->ctx, KAAL_PCI_CONFIG_DATA);
}

static void legacy_write32(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset,
                           uint32_t value)
{
    kaal_pci_legacy_t *l = ctx;
    if (dev > 31 || fn > 7 || offset >= PCI_CFG_LEGACY_BYTES)
        return;
    l->out32(l->ctx, KAAL_PCI_CONFIG_ADDRESS, legacy_address(bus, dev, fn, offset));
    l->out32(l->ctx, KAAL_PCI_CONFIG_DATA, value);
}

kaal_pci_config_t kaal_pci_legacy_config(kaal_pci_legacy_t *legacy)
{
    return (kaal_pci_config_t){.read32 = legacy_read32, .write32 = legacy_write32, .ctx = legacy};
}

typedef struct func_ref {
    const kaal_pci_config_t *cfg;
    uint8_t bus, dev, fn;
} func_ref_t;

static uint32_t rd32(const func_ref_t *f, uint16_t off)
{
    return f->cfg->read32(f->cfg->ctx, f->bus, f->dev, f->fn, off);
}

static void wr32(const func_ref_t *f, uint16_t off, uint32_t v)
{
    f->cfg->write32(f->cfg->ctx, f->bus, f->dev, f->fn, off, v);
}

static uint8_t rd8(const func_ref_t *f, uint16_t off)
{
    return (uint8_t)(rd32(f, off & 0xfffcu) >> ((off & 3u) * 8));
}

/* Writes all ones to the BAR at off and returns what sticks; restores it. */
static uint32_t probe(const func_ref_t *f, uint16_t off, uint32_t orig)
{
    wr32(f, off, 0xffffffffu);
    uint32_t mask = rd32(f, off);
    wr32(f, off, orig);
    return mask;
}

static void add_bar(kaal_device_t *dev, kaal_resource_kind_t kind, uint32_t flags, unsigned bar,
                    uint64_t base, uint64_t size)
{
    /* size is a power of two and base aligned to it, or the BAR is nonsense;
     * base 0 means firmware left it unassigned: nothing to hand out. */
    if ((size & (size - 1)) != 0 || (base & (size - 1)) != 0) {
        dev->pci.bad_bars = true;
        return;
    }
    /* Base 0: firmware left it unassigned (kaal_pci_assign_bars places it). */
    if (base == 0)
        flags |= KAAL_RES_UNASSIGNED;
    kaal_device_add_resource(dev, (kaal_resource_t){.kind = kind,
                                                    .flags = flags | KAAL_RES_BAR,
                                                    .base = base,
                                                    .size = size,
                                                    .bar = (uint8_t)bar});
}

static void probe_bars(const func_ref_t *f, kaal_device_t *dev, unsigned n_bars)
{
    uint32_t cmd = rd32(f, KAAL_PCI_COMMAND) & 0xffffu;
    /* The status half of the dword is write-1-to-clear: write zeros there. */
    wr32(f, KAAL_PCI_COMMAND, cmd & ~(uint32_t)(KAAL_PCI_CMD_IO | KAAL_PCI_CMD_MEMORY));
    for (unsigned i = 0; i < n_bars; i++) {
        uint16_t off = (uint16_t)(KAAL_PCI_BAR0 + 4 * i);
        uint32_t orig = rd32(f, off);
        uint32_t mask = probe(f, off, orig);
        if (orig & 1) {
            uint32_t m = mask & ~3u;
            if (m == 0)
                continue;
            if ((m & 0xffff0000u) == 0) /* 16-bit IO decoder */
                m |= 0xffff0000u;
            add_bar(dev, KAAL_RESOURCE_IO, 0, i, orig & ~3u, (uint32_t)(~m + 1));
            continue;
        }
        uint32_t type = (orig >> 1) & 3;
        uint32_t flags = (orig & 8) ? KAAL_RES_PREFETCHABLE : 0;
        if (type == 2) {
            if (i + 1 == n_bars) {
                dev->pci.bad_bars = true;
                break;
            }
            uint16_t off_hi = (uint16_t)(off + 4);
            uint32_t orig_hi = rd32(f, off_hi);
            uint64_t m = ((uint64_t)probe(f, off_hi, orig_hi) << 32) | (mask & ~0xfu);
            uint64_t base = ((uint64_t)orig_hi << 32) | (orig & ~0xfu);
            if (m != 0)
                add_bar(dev, KAAL_RESOURCE_MMIO, flags | KAAL_RES_64BIT, i, base, ~m + 1);
            i++;
        } else if (type == 3) {
            dev->pci.bad_bars = true;
        } else if ((mask & ~0xfu) != 0) {
            uint64_t m = 0xffffffff00000000ull | (mask & ~0xfu);
            add_bar(dev, KAAL_RESOURCE_MMIO, flags, i, orig & ~0xfu, ~m + 1);
        }
    }
    wr32(f, KAAL_PCI_COMMAND, cmd);
}

static void walk_caps(const func_ref_t *f, kaal_pci_function_t *pf, uint16_t ptr_off)
{
    uint64_t visited = 0; /* one bit per dword of 0x40..0xff */
    uint8_t ptr = rd8(f, ptr_off) & 0xfc;
    while (ptr != 0) {
        unsigned slot = (unsigned)(ptr - PCI_CAP_FIRST) / 4;
        if (ptr < PCI_CAP_FIRST || (visited >> slot) & 1) {
            pf->cap_loop = true;
            return;
        }
        visited |= 1ull << slot;
        uint32_t hdr = rd32(f, ptr);
        uint16_t ctrl = (uint16_t)(hdr >> 16);
        if ((hdr & 0xff) == KAAL_PCI_CAP_MSI && !pf->msi.offset) {
            pf->msi = (kaal_pci_msi_t){.offset = ptr,
                                       .addr_64bit = (ctrl >> 7) & 1,
                                       .per_vector_mask = (ctrl >> 8) & 1,
                                       .log2_vectors = (ctrl >> 1) & 7};
        } else if ((hdr & 0xff) == KAAL_PCI_CAP_MSIX && !pf->msix.offset && ptr <= 0xf4) {
            uint32_t table = rd32(f, (uint16_t)(ptr + 4));
            uint32_t pba = rd32(f, (uint16_t)(ptr + 8));
            pf->msix = (kaal_pci_msix_t){.offset = ptr,
                                         .table_size = (uint16_t)((ctrl & 0x7ff) + 1),
                                         .table_bar = table & 7,
                                         .table_offset = table & ~7u,
                                         .pba_bar = pba & 7,
                                         .pba_offset = pba & ~7u};
        }
        ptr = (uint8_t)(hdr >> 8) & 0xfc;
    }
}

/* Adds the function at f, if present; returns its raw header-type byte
 * (0xff if absent) so the caller knows whether to look at functions 1-7. */
static int add_function(const func_ref_t *f, uint16_t segment, const kaal_irq_routing_t *routing,
                        kaal_device_list_t *list)
{
    uint32_t id = rd32(f, KAAL_PCI_VENDOR_ID);
    if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
        return -1;
    uint8_t header = rd8(f, KAAL_PCI_HEADER_TYPE);
    kaal_device_t *dev = kaal_devices_add(list, KAAL_BUS_PCI);
    if (!dev)
        return header;
    kaal_pci_function_t *pf = &dev->pci;
    uint32_t cls = rd32(f, KAAL_PCI_CLASS_REVISION);
    *pf = (kaal_pci_function_t){.segment = segment,
                                .bus = f->bus,
                                .dev = f->dev,
                                .fn = f->fn,
                                .vendor_id = (uint16_t)id,
                                .device_id = (uint16_t)(id >> 16),
                                .revision = (uint8_t)cls,
                                .prog_if = (uint8_t)(cls >> 8),
                                .subclass = (uint8_t)(cls >> 16),
                                .class_code = (uint8_t)(cls >> 24),
                                .header_type = header & 0x7f};
    unsigned n_bars = 0;
    uint16_t cap_ptr = KAAL_PCI_CAP_PTR;
    if (pf->header_type == 0) {
        n_bars = 6;
        uint32_t sub = rd32(f, KAAL_PCI_SUBSYSTEM);
        pf->subsys_vendor_id = (uint16_t)sub;
        pf->subsys_id = (uint16_t)(sub >> 16);
    } else if (pf->header_type == 1) {
        n_bars = 2;
    } else if (pf->header_type == 2) {
        n_bars = 1;
        cap_ptr = KAAL_PCI_CARDBUS_CAP_PTR;
    }
    probe_bars(f, dev, n_bars);

    uint32_t intr = rd32(f, KAAL_PCI_INTERRUPT);
    pf->irq_line = (uint8_t)intr;
    pf->irq_pin = (uint8_t)(intr >> 8);
    if (pf->irq_pin >= 1 && pf->irq_pin <= 4 && pf->irq_line < 16)
        kaal_device_add_resource(
            dev, kaal_irq_route(routing, pf->irq_line, KAAL_RES_LEVEL | KAAL_RES_ACTIVE_LOW));

    if ((rd32(f, KAAL_PCI_COMMAND) >> 16) & KAAL_PCI_STATUS_CAP_LIST)
        walk_caps(f, pf, cap_ptr);
    return header;
}

kaal_error_t kaal_pci_enumerate(const kaal_pci_config_t *cfg, uint16_t segment, uint8_t bus_first,
                                uint8_t bus_last, const kaal_irq_routing_t *routing,
                                kaal_device_list_t *list)
{
    size_t dropped_before = list->n_dropped;
    for (unsigned bus = bus_first; bus <= bus_last; bus++) {
        for (uint8_t dev = 0; dev < 32; dev++) {
            func_ref_t f = {.cfg = cfg, .bus = (uint8_t)bus, .dev = dev, .fn = 0};
            int header = add_function(&f, segment, routing, list);
            if (header < 0 || !(header & 0x80))
                continue;
            for (f.fn = 1; f.fn < 8; f.fn++)
                add_function(&f, segment, routing, list);
        }
    }
    return list->n_dropped == dropped_before ? KAAL_OK : KAAL_ENOSPC;
}

/* Places one BAR; false if the window has no room. */
static bool assign_bar(const kaal_pci_config_t *cfg, const kaal_pci_function_t *pf,
                       kaal_resource_t *r, kaal_pci_window_t *w)
{
    uint64_t base = (w->next + r->size - 1) & ~(r->size - 1);
    if (base < w->next || base + r->size > w->end || base + r->size < base)
        return false;
    func_ref_t f = {.cfg = cfg, .bus = pf->bus, .dev = pf->dev, .fn = pf->fn};
    uint16_t off = (uint16_t)(KAAL_PCI_BAR0 + 4 * r->bar);
    uint32_t low_bits = rd32(&f, off) & (r->kind == KAAL_RESOURCE_IO ? 3u : 0xfu);
    wr32(&f, off, (uint32_t)base | low_bits);
    if (r->flags & KAAL_RES_64BIT)
        wr32(&f, (uint16_t)(off + 4), (uint32_t)(base >> 32));
    r->base = base;
    r->flags &= ~KAAL_RES_UNASSIGNED;
    w->next = base + r->size;
    return true;
}

kaal_error_t kaal_pci_assign_bars(const kaal_pci_config_t *cfg, kaal_device_list_t *list,
                                  size_t first, kaal_pci_window_t *mmio, kaal_pci_window_t *io)
{
    kaal_error_t err = KAAL_OK;
    for (size_t d = first; d < list->n_devices; d++) {
        kaal_device_t *dev = &list->devices[d];
        if (dev->bus != KAAL_BUS_PCI)
            continue;
        uint32_t enable = 0;
        /* Largest first keeps the natural alignment cheap. A kind without a
         * window (end 0) is left unassigned, as the caller asked. */
        for (;;) {
            kaal_resource_t *big = NULL;
            for (unsigned i = 0; i < dev->n_resources; i++) {
                kaal_resource_t *r = &dev->resources[i];
                kaal_pci_window_t *w = r->kind == KAAL_RESOURCE_IO ? io : mmio;
                if ((r->flags & KAAL_RES_UNASSIGNED) && w->end && (!big || r->size > big->size))
                    big = r;
            }
            if (!big)
                break;
            bool io_bar = big->kind == KAAL_RESOURCE_IO;
            if (assign_bar(cfg, &dev->pci, big, io_bar ? io : mmio)) {
                enable |= io_bar ? KAAL_PCI_CMD_IO : KAAL_PCI_CMD_MEMORY;
            } else {
                big->flags &= ~KAAL_RES_UNASSIGNED; /* do not retry it... */
                big->size = 0;                     /* ...and never hand it out */
                err = KAAL_ENOSPC;
            }
        }
        if (enable) {
            func_ref_t f = {.cfg = cfg, .bus = dev->pci.bus, .dev = dev->pci.dev, .fn = dev->pci.fn};
            uint32_t cmd = rd32(&f, KAAL_PCI_COMMAND) & 0xffffu;
            wr32(&f, KAAL_PCI_COMMAND, cmd | enable);
        }
    }
    return err;
}

kaal_error_t kaal_pci_enumerate_platform(const kaal_pci_platform_t *plat,
                                         const kaal_irq_routing_t *routing,
                                         kaal_device_list_t *list)
{
    kaal_error_t err = KAAL_ENOENT;
    /* The windows advance as BARs are placed, across all segments. */
    kaal_pci_window_t mmio = plat->mmio_window, io = plat->io_window;
    for (unsigned i = 0; plat->map_ecam && i < plat->n_ecam; i++) {
        const kaal_pci_ecam_region_t *r = &plat->ecam[i];
        uint64_t size_bytes = ((uint64_t)(r->bus_end - r->bus_start) + 1) << 20;
        kaal_pci_ecam_t ecam = {.bus_start = r->bus_start, .bus_end = r->bus_end};
        ecam.window =
            plat->map_ecam(plat->map_ctx, r->base + ((uint64_t)r->bus_start << 20), size_bytes);
        if (!ecam.window)
            continue;
        kaal_pci_config_t cfg = kaal_pci_ecam_config(&ecam);
        size_t first = list->n_devices;
        kaal_error_t e =
            kaal_pci_enumerate(&cfg, r->segment, r->bus_start, r->bus_end, routing, list);
        kaal_error_t a = kaal_pci_assign_bars(&cfg, list, first, &mmio, &io);
        e = e ? e : a;
        err = (err == KAAL_ENOENT || err == KAAL_OK) ? e : err;
    }
    if (err != KAAL_ENOENT || !plat->legacy)
        return err;
    kaal_pci_config_t cfg = kaal_pci_legacy_config(plat->legacy);
    size_t first = list->n_devices;
    err = kaal_pci_enumerate(&cfg, 0, 0, 255, routing, list);
    kaal_error_t a = kaal_pci_assign_bars(&cfg, list, first, &mmio, &io);
    return err ? err : a;
}

/* d is the function at 00:dev.fn. */
static bool at_bus0(const kaal_device_t *d, uint8_t dev, uint8_t fn)
{
    return d != NULL && d->pci.bus == 0 && d->pci.dev == dev && d->pci.fn == fn;
}

kaal_device_t *kaal_pci_find(kaal_device_list_t *list, uint16_t vendor, uint16_t device)
{
    for (size_t i = 0; i < list->n_devices; i++) {
        const kaal_pci_function_t *p = &list->devices[i].pci;
        if (list->devices[i].bus == KAAL_BUS_PCI && p->vendor_id == vendor &&
            p->device_id == device)
            return &list->devices[i];
    }
    return NULL;
}

/* Puts irq in place of d's IRQ resource (or adds it). */
static bool set_irq(kaal_device_t *d, kaal_resource_t irq)
{
    unsigned r = 0;
    while (r < d->n_resources && d->resources[r].kind != KAAL_RESOURCE_IRQ)
        r++;
    if (r < d->n_resources) {
        d->resources[r] = irq;
        return true;
    }
    return kaal_device_add_resource(d, irq) == KAAL_OK;
}

size_t kaal_pci_route_qemu_pc(kaal_device_list_t *list, const uint8_t pirq_route[4],
                              const kaal_irq_routing_t *routing)
{
    if (!at_bus0(kaal_pci_find(list, KAAL_PCI_PIIX3_VENDOR, KAAL_PCI_PIIX3_DEVICE), 1, 0))
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < list->n_devices; i++) {
        kaal_device_t *d = &list->devices[i];
        const kaal_pci_function_t *p = &d->pci;
        if (d->bus != KAAL_BUS_PCI || p->bus != 0 || p->irq_pin < 1 || p->irq_pin > 4)
            continue;
        uint8_t route = pirq_route[(p->dev + p->irq_pin + 2u) % 4];
        if (route & 0x80)
            continue; /* that PIRQ is not routed: the line is all there is */
        uint8_t irq = route & 0x0f;
        if (irq == p->irq_line)
            continue;
        if (set_irq(d, kaal_irq_route(routing, irq, KAAL_RES_LEVEL | KAAL_RES_ACTIVE_LOW)))
            n++;
    }
    return n;
}

size_t kaal_pci_route_qemu_q35(kaal_device_list_t *list)
{
    bool ich9 = at_bus0(kaal_pci_find(list, 0x8086, 0x2918), 0x1f, 0);
    size_t n = 0;
    for (size_t i = 0; ich9 && i < list->n_devices; i++) {
        kaal_device_t *d = &list->devices[i];
        const kaal_pci_function_t *p = &d->pci;
        if (d->bus != KAAL_BUS_PCI || p->bus != 0 || p->dev > 24 || p->irq_pin < 1 ||
            p->irq_pin > 4)
            continue;
        kaal_resource_t irq = {.kind = KAAL_RESOURCE_IRQ,
                               .flags = KAAL_RES_LEVEL | KAAL_RES_ACTIVE_LOW,
                               .base = 16 + 4 + (p->dev + p->irq_pin - 1u) % 4,
                               .size = 1,
                               .isa_irq = p->irq_line};
        if (set_irq(d, irq))
            n++;
    }
    return n;
}
