// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device model (see <kaal/devices.h>): a caller-owned array of
 * kaal_device_t filled by enumerators, the legacy-IRQ routing table that
 * turns an ISA IRQ or a PCI interrupt line into a GSI, the fixed ISA devices
 * of QEMU's PC machines, the lspci-style printers (a table with a line per
 * resource; one line per PCI device) and the row of words a PCI device
 * travels in between init and a supervisor (kaal_device_encode/decode).
 *
 * Invariants: n_devices <= capacity; every device has n_resources <=
 * KAAL_DEVICE_MAX_RESOURCES. Nothing here reads ACPI: routing comes in
 * as data.
 */
#include <kaal/devices.h>
#include <kaal/string.h>

void kaal_devices_init(kaal_device_list_t *list, kaal_device_t *storage, size_t capacity)
{
    list->devices = storage;
    list->capacity = capacity;
    list->n_devices = 0;
    list->n_dropped = 0;
}

kaal_device_t *kaal_devices_add(kaal_device_list_t *list, kaal_bus_t bus)
{
    if (list->n_devices == list->capacity) {
        list->n_dropped++;
        return 0;
    }
    kaal_device_t *dev = &list->devices[list->n_devices++];
    memset(dev, 0, sizeof(*dev));
    dev->bus = bus;
    return dev;
}

kaal_error_t kaal_device_add_resource(kaal_device_t *dev, kaal_resource_t res)
{
    if (dev->n_resources == KAAL_DEVICE_MAX_RESOURCES)
        return KAAL_ENOSPC;
    dev->resources[dev->n_resources++] = res;
    return KAAL_OK;
}

kaal_resource_t kaal_irq_route(const kaal_irq_routing_t *routing, uint8_t isa_irq,
                               uint32_t default_flags)
{
    kaal_resource_t r = {.kind = KAAL_RESOURCE_IRQ,
                         .flags = default_flags,
                         .base = isa_irq,
                         .size = 1,
                         .isa_irq = isa_irq};
    for (unsigned i = 0; routing && i < routing->n_overrides; i++) {
        if (routing->overrides[i].isa_irq == isa_irq) {
            r.base = routing->overrides[i].gsi;
            r.flags = routing->overrides[i].flags;
            break;
        }
    }
    return r;
}

/* What QEMU's pc and q35 machines put on the ISA/LPC bus (and KaaL's
 * QEMU_FLAGS add: isa-debug-exit at 0xf4, 4 ports). */
static const struct isa_entry {
    const char *name;
    uint16_t port;
    uint16_t n_ports;
    int16_t irq; /* -1: none */
} isa_table[] = {
    {"com1", 0x3f8, 8, 4}, {"com2", 0x2f8, 8, 3},       {"pit", 0x40, 4, 0},
    {"rtc", 0x70, 2, 8},   {"debug-exit", 0xf4, 4, -1},
};

kaal_error_t kaal_isa_add_devices(kaal_device_list_t *list, const kaal_irq_routing_t *routing)
{
    for (size_t i = 0; i < sizeof(isa_table) / sizeof(isa_table[0]); i++) {
        const struct isa_entry *e = &isa_table[i];
        kaal_device_t *dev = kaal_devices_add(list, KAAL_BUS_ISA);
        if (!dev)
            return KAAL_ENOSPC;
        for (size_t k = 0; k + 1 < sizeof(dev->name) && e->name[k]; k++)
            dev->name[k] = e->name[k];
        kaal_device_add_resource(
            dev, (kaal_resource_t){.kind = KAAL_RESOURCE_IO, .base = e->port, .size = e->n_ports});
        if (e->irq >= 0)
            kaal_device_add_resource(dev, kaal_irq_route(routing, (uint8_t)e->irq, 0));
    }
    return KAAL_OK;
}

kaal_device_t *kaal_devices_find_name(kaal_device_list_t *list, const char *name)
{
    for (size_t i = 0; i < list->n_devices; i++) {
        if (list->devices[i].bus == KAAL_BUS_ISA && strcmp(list->devices[i].name, name) == 0)
            return &list->devices[i];
    }
    return 0;
}

static const struct class_name {
    uint8_t class_code, subclass;
    const char *name;
} class_names[] = {
    {0x01, 0x01, "IDE interface"},
    {0x01, 0x06, "SATA controller"},
    {0x01, 0x08, "Non-Volatile memory controller"},
    {0x01, 0x00, "SCSI storage controller"},
    {0x02, 0x00, "Ethernet controller"},
    {0x03, 0x00, "VGA compatible controller"},
    {0x04, 0x03, "Audio device"},
    {0x06, 0x00, "Host bridge"},
    {0x06, 0x01, "ISA bridge"},
    {0x06, 0x04, "PCI bridge"},
    {0x06, 0x80, "Bridge"},
    {0x07, 0x00, "Serial controller"},
    {0x0c, 0x03, "USB controller"},
    {0x0c, 0x05, "SMBus"},
    {0x00, 0xff, "Unclassified device"},
};

const char *kaal_pci_class_name(uint8_t class_code, uint8_t subclass)
{
    const char *fallback = "Unknown class";
    for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
        if (class_names[i].class_code != class_code)
            continue;
        if (class_names[i].subclass == subclass)
            return class_names[i].name;
    }
    if (class_code == 0x01)
        fallback = "Mass storage controller";
    else if (class_code == 0x02)
        fallback = "Network controller";
    else if (class_code == 0x06)
        fallback = "Bridge";
    return fallback;
}

/* "BAR0 mem32 0xfebc0000 size 0x20000", "IRQ 4 -> gsi 4 edge high", ... */
static void resource_text(const kaal_resource_t *r, kaal_putc_fn out, void *ctx)
{
    if (r->flags & KAAL_RES_BAR)
        kaal_format(out, ctx, "BAR%u ", r->bar);
    switch (r->kind) {
    case KAAL_RESOURCE_MMIO:
        if (r->flags & KAAL_RES_UNASSIGNED) {
            kaal_format(out, ctx, "mem unassigned size %#llx", (unsigned long long)r->size);
            break;
        }
        kaal_format(out, ctx, "mem%s %#llx size %#llx%s", (r->flags & KAAL_RES_64BIT) ? "64" : "32",
                    (unsigned long long)r->base, (unsigned long long)r->size,
                    (r->flags & KAAL_RES_PREFETCHABLE) ? " prefetchable" : "");
        break;
    case KAAL_RESOURCE_IO:
        if (r->flags & KAAL_RES_UNASSIGNED) {
            kaal_format(out, ctx, "io unassigned size %#llx", (unsigned long long)r->size);
            break;
        }
        kaal_format(out, ctx, "io %#llx size %#llx", (unsigned long long)r->base,
                    (unsigned long long)r->size);
        break;
    case KAAL_RESOURCE_IRQ:
        kaal_format(out, ctx, "IRQ %u -> gsi %llu %s %s", r->isa_irq, (unsigned long long)r->base,
                    (r->flags & KAAL_RES_LEVEL) ? "level" : "edge",
                    (r->flags & KAAL_RES_ACTIVE_LOW) ? "low" : "high");
        break;
    }
}

static void print_resource(const kaal_resource_t *r, kaal_putc_fn out, void *ctx)
{
    kaal_format(out, ctx, "        ");
    resource_text(r, out, ctx);
    kaal_format(out, ctx, "\n");
}

static void print_location(const kaal_pci_function_t *f, kaal_putc_fn out, void *ctx)
{
    if (f->segment)
        kaal_format(out, ctx, "%04x:", f->segment);
    kaal_format(out, ctx, "%02x:%02x.%x", f->bus, f->dev, f->fn);
}

static void print_pci(const kaal_pci_function_t *f, kaal_putc_fn out, void *ctx)
{
    print_location(f, out, ctx);
    kaal_format(out, ctx, " %04x:%04x [%02x%02x] %s (rev %02x)\n", f->vendor_id, f->device_id,
                f->class_code, f->subclass, kaal_pci_class_name(f->class_code, f->subclass),
                f->revision);
    if (f->irq_pin)
        kaal_format(out, ctx, "        pin INT%c line %u\n", 'A' + (f->irq_pin - 1) % 4,
                    f->irq_line);
    if (f->msi.offset)
        kaal_format(out, ctx, "        MSI at %#x: %s, %u vectors%s\n", f->msi.offset,
                    f->msi.addr_64bit ? "64-bit" : "32-bit", 1u << f->msi.log2_vectors,
                    f->msi.per_vector_mask ? ", maskable" : "");
    if (f->msix.offset)
        kaal_format(out, ctx, "        MSI-X at %#x: %u vectors, table BAR%u+%#x, PBA BAR%u+%#x\n",
                    f->msix.offset, f->msix.table_size, f->msix.table_bar,
                    (unsigned)f->msix.table_offset, f->msix.pba_bar, (unsigned)f->msix.pba_offset);
    if (f->bad_bars)
        kaal_format(out, ctx, "        warning: BAR that makes no sense ignored\n");
    if (f->cap_loop)
        kaal_format(out, ctx, "        warning: capability list loops, walk stopped\n");
}

void kaal_devices_print(const kaal_device_list_t *list, kaal_putc_fn out, void *ctx)
{
    for (size_t i = 0; i < list->n_devices; i++) {
        const kaal_device_t *d = &list->devices[i];
        if (d->bus == KAAL_BUS_PCI)
            print_pci(&d->pci, out, ctx);
        else
            kaal_format(out, ctx, "isa %s\n", d->name);
        for (unsigned r = 0; r < d->n_resources; r++)
            print_resource(&d->resources[r], out, ctx);
    }
    if (list->n_dropped)
        kaal_format(out, ctx, "(%llu devices did not fit the table)\n",
                    (unsigned long long)list->n_dropped);
}

void kaal_pci_print_line(const kaal_device_t *dev, kaal_putc_fn out, void *ctx)
{
    const kaal_pci_function_t *f = &dev->pci;
    print_location(f, out, ctx);
    kaal_format(out, ctx, " %s [%02x%02x]: %04x:%04x (rev %02x, prog-if %02x)",
                kaal_pci_class_name(f->class_code, f->subclass), f->class_code, f->subclass,
                f->vendor_id, f->device_id, f->revision, f->prog_if);
    if (f->irq_pin)
        kaal_format(out, ctx, ", pin INT%c line %u", 'A' + (f->irq_pin - 1) % 4, f->irq_line);
    for (unsigned r = 0; r < dev->n_resources; r++) {
        kaal_format(out, ctx, ", ");
        resource_text(&dev->resources[r], out, ctx);
    }
    if (f->msi.offset)
        kaal_format(out, ctx, ", MSI %u vectors", 1u << f->msi.log2_vectors);
    if (f->msix.offset)
        kaal_format(out, ctx, ", MSI-X %u vectors", f->msix.table_size);
    if (f->bad_bars)
        kaal_format(out, ctx, ", bad BAR ignored");
    if (f->cap_loop)
        kaal_format(out, ctx, ", capability list loops");
}

/* ---- the wire form of a PCI device (layout in <kaal/devices.h>) ---- */

size_t kaal_device_encode(const kaal_device_t *dev, uint64_t words[KAAL_DEVICE_WIRE_WORDS])
{
    const kaal_pci_function_t *f = &dev->pci;
    unsigned n = dev->n_resources <= KAAL_DEVICE_MAX_RESOURCES ? dev->n_resources
                                                               : KAAL_DEVICE_MAX_RESOURCES;
    words[0] = (uint64_t)f->segment << 16 | (uint64_t)f->bus << 8 | (uint64_t)(f->dev & 0x1f) << 3 |
               (f->fn & 7u);
    words[1] = f->vendor_id | (uint64_t)f->device_id << 16 | (uint64_t)f->subsys_vendor_id << 32 |
               (uint64_t)f->subsys_id << 48;
    words[2] = f->prog_if | (uint64_t)f->subclass << 8 | (uint64_t)f->class_code << 16 |
               (uint64_t)f->revision << 24 | (uint64_t)f->header_type << 32;
    words[3] = f->irq_line | (uint64_t)f->irq_pin << 8 | (uint64_t)f->bad_bars << 16 |
               (uint64_t)f->cap_loop << 17;
    words[4] = f->msi.offset | (uint64_t)f->msi.addr_64bit << 8 |
               (uint64_t)f->msi.per_vector_mask << 9 | (uint64_t)f->msi.log2_vectors << 16 |
               (uint64_t)f->msix.offset << 24 | (uint64_t)f->msix.table_size << 32 |
               (uint64_t)f->msix.table_bar << 48 | (uint64_t)f->msix.pba_bar << 56;
    words[5] = f->msix.table_offset | (uint64_t)f->msix.pba_offset << 32;
    words[6] = n;
    for (unsigned i = 0; i < n; i++) {
        const kaal_resource_t *r = &dev->resources[i];
        words[7 + 3 * i] = (uint64_t)r->kind | (uint64_t)r->flags << 8 | (uint64_t)r->bar << 40 |
                           (uint64_t)r->isa_irq << 48;
        words[8 + 3 * i] = r->base;
        words[9 + 3 * i] = r->size;
    }
    return 7 + 3 * (size_t)n;
}

kaal_error_t kaal_device_decode(const uint64_t *words, size_t n_words, kaal_device_t *dev)
{
    if (n_words < 7 || words[6] > KAAL_DEVICE_MAX_RESOURCES || n_words < 7 + 3 * words[6])
        return KAAL_EFORMAT;
    memset(dev, 0, sizeof(*dev));
    dev->bus = KAAL_BUS_PCI;
    kaal_pci_function_t *f = &dev->pci;
    f->segment = (uint16_t)(words[0] >> 16);
    f->bus = (uint8_t)(words[0] >> 8);
    f->dev = (uint8_t)(words[0] >> 3 & 0x1f);
    f->fn = (uint8_t)(words[0] & 7);
    f->vendor_id = (uint16_t)words[1];
    f->device_id = (uint16_t)(words[1] >> 16);
    f->subsys_vendor_id = (uint16_t)(words[1] >> 32);
    f->subsys_id = (uint16_t)(words[1] >> 48);
    f->prog_if = (uint8_t)words[2];
    f->subclass = (uint8_t)(words[2] >> 8);
    f->class_code = (uint8_t)(words[2] >> 16);
    f->revision = (uint8_t)(words[2] >> 24);
    f->header_type = (uint8_t)(words[2] >> 32);
    f->irq_line = (uint8_t)words[3];
    f->irq_pin = (uint8_t)(words[3] >> 8);
    f->bad_bars = words[3] >> 16 & 1;
    f->cap_loop = words[3] >> 17 & 1;
    f->msi.offset = (uint8_t)words[4];
    f->msi.addr_64bit = words[4] >> 8 & 1;
    f->msi.per_vector_mask = words[4] >> 9 & 1;
    f->msi.log2_vectors = (uint8_t)(words[4] >> 16);
    f->msix.offset = (uint8_t)(words[4] >> 24);
    f->msix.table_size = (uint16_t)(words[4] >> 32);
    f->msix.table_bar = (uint8_t)(words[4] >> 48);
    f->msix.pba_bar = (uint8_t)(words[4] >> 56);
    f->msix.table_offset = (uint32_t)words[5];
    f->msix.pba_offset = (uint32_t)(words[5] >> 32);
    dev->n_resources = (unsigned)words[6];
    for (unsigned i = 0; i < dev->n_resources; i++) {
        kaal_resource_t *r = &dev->resources[i];
        uint64_t w = words[7 + 3 * i];
        uint8_t kind = (uint8_t)w;
        if (kind < KAAL_RESOURCE_MMIO || kind > KAAL_RESOURCE_IRQ)
            return KAAL_EFORMAT;
        r->kind = (kaal_resource_kind_t)kind;
        r->flags = (uint32_t)(w >> 8);
        r->bar = (uint8_t)(w >> 40);
        r->isa_irq = (uint8_t)(w >> 48);
        r->base = words[8 + 3 * i];
        r->size = words[9 + 3 * i];
    }
    return KAAL_OK;
}
