// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device model (see <kaal/devices.h>): a caller-owned array of
 * kaal_device_t filled by enumerators, the legacy-IRQ routing table that
 * turns an ISA IRQ or a PCI interrupt line into a GSI, the fixed ISA devices
 * of QEMU's PC machines, and the lspci-style printer.
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

static void print_resource(const kaal_resource_t *r, kaal_putc_fn out, void *ctx)
{
    kaal_format(out, ctx, "        ");
    if (r->flags & KAAL_RES_BAR)
        kaal_format(out, ctx, "BAR%u ", r->bar);
    switch (r->kind) {
    case KAAL_RESOURCE_MMIO:
        if (r->flags & KAAL_RES_UNASSIGNED) {
            kaal_format(out, ctx, "mem unassigned size %#llx\n", (unsigned long long)r->size);
            break;
        }
        kaal_format(out, ctx, "mem%s %#llx size %#llx%s\n",
                    (r->flags & KAAL_RES_64BIT) ? "64" : "32", (unsigned long long)r->base,
                    (unsigned long long)r->size,
                    (r->flags & KAAL_RES_PREFETCHABLE) ? " prefetchable" : "");
        break;
    case KAAL_RESOURCE_IO:
        if (r->flags & KAAL_RES_UNASSIGNED) {
            kaal_format(out, ctx, "io unassigned size %#llx\n", (unsigned long long)r->size);
            break;
        }
        kaal_format(out, ctx, "io %#llx size %#llx\n", (unsigned long long)r->base,
                    (unsigned long long)r->size);
        break;
    case KAAL_RESOURCE_IRQ:
        kaal_format(out, ctx, "IRQ %u -> gsi %llu %s %s\n", r->isa_irq, (unsigned long long)r->base,
                    (r->flags & KAAL_RES_LEVEL) ? "level" : "edge",
                    (r->flags & KAAL_RES_ACTIVE_LOW) ? "low" : "high");
        break;
    }
}

static void print_pci(const kaal_pci_function_t *f, kaal_putc_fn out, void *ctx)
{
    if (f->segment)
        kaal_format(out, ctx, "%04x:", f->segment);
    kaal_format(out, ctx, "%02x:%02x.%x %04x:%04x [%02x%02x] %s (rev %02x)\n", f->bus, f->dev,
                f->fn, f->vendor_id, f->device_id, f->class_code, f->subclass,
                kaal_pci_class_name(f->class_code, f->subclass), f->revision);
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
