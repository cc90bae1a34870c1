// SPDX-License-Identifier: BSD-2-Clause
/*
 * Device discovery in init, on the broker library (runtime/broker): the
 * ACPI parser reads physical memory through 4 KiB device frames that init
 * maps on demand (vm.c); PCI configuration space is reached through the
 * MCFG's ECAM window, mapped once with large pages, or without ECAM (QEMU's
 * `pc` machine) through the legacy ports 0xCF8/0xCFC with an I/O port cap
 * init issues to itself.
 */
#include "devices.h"
#include "vm.h"

#include <kaal/pci.h>
#include <kaal/stdio.h>

#define MAX_DEVICES 64
/* Above any RAM we give a guest below 4 GiB (up to 3 GiB) and q35's ECAM
 * (0xb0000000-0xbfffffff), below the IOAPIC. */
#define PCI_MMIO_WINDOW_BASE 0xc0000000ull
#define PCI_MMIO_WINDOW_END 0xfec00000ull

kaal_acpi_info_t init_acpi;
kaal_device_list_t init_devices;
kaal_irq_routing_t init_irq_routing;
static kaal_device_t device_storage[MAX_DEVICES];

static bool read_phys(void *ctx, uint64_t paddr, void *dst, size_t size_bytes)
{
    (void)ctx;
    uint8_t *out = dst;
    while (size_bytes) {
        volatile uint8_t *src = init_device_page(paddr);
        if (!src)
            return false;
        size_t chunk = PAGE - (paddr & (PAGE - 1));
        if (chunk > size_bytes)
            chunk = size_bytes;
        for (size_t i = 0; i < chunk; i++)
            out[i] = src[i];
        out += chunk;
        paddr += chunk;
        size_bytes -= chunk;
    }
    return true;
}

/* The ECAM windows enumeration mapped, kept for init_pci_config_*. */
#define MAX_ECAM 4
static struct {
    kaal_pci_ecam_t ecam;
    kaal_pci_config_t cfg;
    uint16_t segment;
} ecams[MAX_ECAM];
static unsigned n_ecams;

static volatile uint8_t *map_ecam(void *ctx, uint64_t paddr, uint64_t size_bytes)
{
    (void)ctx;
    volatile uint8_t *w = init_map_device(paddr, size_bytes);
    for (unsigned i = 0; w && i < init_acpi.n_mcfg && n_ecams < MAX_ECAM; i++) {
        const kaal_pci_ecam_region_t *r = &init_acpi.mcfg[i];
        if (r->base + ((uint64_t)r->bus_start << 20) != paddr)
            continue;
        ecams[n_ecams].ecam = (kaal_pci_ecam_t){ w, r->bus_start, r->bus_end };
        ecams[n_ecams].cfg = kaal_pci_ecam_config(&ecams[n_ecams].ecam);
        ecams[n_ecams].segment = r->segment;
        n_ecams++;
        break;
    }
    return w;
}

/* PCI configuration mechanism #1 through an I/O port cap for 0xcf8-0xcff,
 * which init issues to itself from the I/O port control cap. */
static seL4_CPtr pci_ports;

static void port_out32(void *ctx, uint16_t port, uint32_t value)
{
    (void)ctx;
    seL4_X86_IOPort_Out32(pci_ports, port, value);
}

static uint32_t port_in32(void *ctx, uint16_t port)
{
    (void)ctx;
    seL4_X86_IOPort_In32_t r = seL4_X86_IOPort_In32(pci_ports, port);
    return r.error ? 0xffffffffu : r.result;
}

static kaal_pci_legacy_t legacy = { port_out32, port_in32, 0 };
static kaal_pci_config_t legacy_cfg;

static kaal_pci_legacy_t *legacy_ports(void)
{
    kaal_slot_ret_t slot = kaal_cspace_alloc(&init_cspace, 1);
    if (slot.err || seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, KAAL_PCI_CONFIG_ADDRESS,
                                                 KAAL_PCI_CONFIG_DATA + 3, seL4_CapInitThreadCNode,
                                                 slot.slot, seL4_WordBits) != seL4_NoError)
        return NULL;
    pci_ports = slot.slot;
    legacy_cfg = kaal_pci_legacy_config(&legacy);
    return &legacy;
}

/* The mechanism that reaches f: the ECAM window of its segment and bus,
 * else the legacy ports (if enumeration used them). */
static const kaal_pci_config_t *config_for(const kaal_pci_function_t *f)
{
    for (unsigned i = 0; i < n_ecams; i++)
        if (ecams[i].segment == f->segment && f->bus >= ecams[i].ecam.bus_start &&
            f->bus <= ecams[i].ecam.bus_end)
            return &ecams[i].cfg;
    return pci_ports && f->segment == 0 ? &legacy_cfg : NULL;
}

uint32_t init_pci_config_read32(const kaal_pci_function_t *f, uint16_t offset)
{
    const kaal_pci_config_t *c = config_for(f);
    return c ? c->read32(c->ctx, f->bus, f->dev, f->fn, offset) : 0xffffffffu;
}

void init_pci_config_write32(const kaal_pci_function_t *f, uint16_t offset, uint32_t value)
{
    const kaal_pci_config_t *c = config_for(f);
    if (c)
        c->write32(c->ctx, f->bus, f->dev, f->fn, offset, value);
}

static void console_putc(void *ctx, char c)
{
    (void)ctx;
    putchar(c);
}

void init_discover_devices(void)
{
    kaal_phys_reader_t mem = { read_phys, 0 };
    kaal_irq_routing_t *routing = &init_irq_routing;
    kaal_devices_init(&init_devices, device_storage, MAX_DEVICES);

    kaal_acpi_rsdp_ret_t rsdp = kaal_acpi_find_rsdp(&mem);
    if (rsdp.err) {
        printf("acpi: no RSDP found (%s): no ACPI tables\n", kaal_strerror(rsdp.err));
    } else {
        kaal_acpi_options_t opts = { .warn = console_putc };
        kaal_error_t err = kaal_acpi_parse(&mem, rsdp.paddr, &opts, &init_acpi);
        if (err)
            printf("acpi: tables unusable: %s\n", kaal_strerror(err));
        kaal_acpi_print(&init_acpi, console_putc, 0);
        kaal_acpi_irq_routing(&init_acpi, routing);
    }

    kaal_pci_platform_t plat = {
        .ecam = init_acpi.mcfg,
        .n_ecam = init_acpi.n_mcfg,
        .map_ecam = map_ecam,
        .legacy = init_acpi.n_mcfg ? NULL : legacy_ports(),
        /* For BARs firmware left unassigned (qboot assigns none): the PC's
         * PCI hole below the IOAPIC, and the upper half of the port space. */
        .mmio_window = { PCI_MMIO_WINDOW_BASE, PCI_MMIO_WINDOW_END },
        .io_window = { 0xc000, 0x10000 },
    };
    kaal_error_t err = kaal_pci_enumerate_platform(&plat, routing, &init_devices);
    if (err == KAAL_ENOENT)
        printf("pci: configuration space not reachable (no ECAM, no ports): no PCI devices\n");
    else if (err)
        printf("pci: enumeration stopped: %s\n", kaal_strerror(err));
    kaal_pci_route_qemu_q35(&init_devices); /* INTx -> IOAPIC 20-23 on q35 */
    const kaal_device_t *piix3 =
        kaal_pci_find(&init_devices, KAAL_PCI_PIIX3_VENDOR, KAAL_PCI_PIIX3_DEVICE);
    if (piix3) { /* pc: INTx as the PIIX3 routes it, not as firmware's line says */
        uint32_t route = init_pci_config_read32(&piix3->pci, KAAL_PCI_PIIX3_PIRQ_ROUTE);
        const uint8_t pirq[4] = {(uint8_t)route, (uint8_t)(route >> 8), (uint8_t)(route >> 16),
                                 (uint8_t)(route >> 24)};
        kaal_pci_route_qemu_pc(&init_devices, pirq, routing);
    }
    err = kaal_isa_add_devices(&init_devices, routing);
    if (err)
        printf("isa: %s\n", kaal_strerror(err));
    kaal_devices_print(&init_devices, console_putc, 0);
}
