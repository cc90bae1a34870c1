/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI enumeration (runtime/pci/pci.c), for init's device discovery.
 *
 * Config space is reached through a kaal_pci_config_t accessor, so the
 * enumerator does not care whether it talks to ECAM (memory-mapped, from
 * ACPI's MCFG), the legacy 0xCF8/0xCFC ports, or a fake config space in a
 * host test. Adapters for the two real mechanisms are here; they take the
 * mapped ECAM window, or port-IO callbacks (IO port caps in the guest).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kaal/devices.h>
#include <kaal/error.h>

/* 32-bit config reads/writes at a 4-byte-aligned offset (0..4095 on ECAM,
 * 0..255 on legacy). An absent function reads as all ones. */
typedef struct kaal_pci_config {
    uint32_t (*read32)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset);
    void (*write32)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset,
                    uint32_t value);
    void *ctx;
} kaal_pci_config_t;

/* Legacy configuration mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2). */
#define KAAL_PCI_CONFIG_ADDRESS 0xcf8
#define KAAL_PCI_CONFIG_DATA 0xcfc
typedef struct kaal_pci_legacy {
    void (*out32)(void *ctx, uint16_t port, uint32_t value);
    uint32_t (*in32)(void *ctx, uint16_t port);
    void *ctx;
} kaal_pci_legacy_t;

/* ECAM (PCIe 6.0 §7.2.2): bus_start's function 0 config space is at
 * window[0]; the window covers buses bus_start..bus_end. */
typedef struct kaal_pci_ecam {
    volatile uint8_t *window;
    uint8_t bus_start, bus_end;
} kaal_pci_ecam_t;

/* An ECAM region as firmware describes it (ACPI MCFG entry; a device
 * tree's pci-host-ecam-generic node later): base is the address bus 0 of
 * the segment would have, bus_start..bus_end the buses it decodes. */
typedef struct kaal_pci_ecam_region {
    uint64_t base;
    uint16_t segment;
    uint8_t bus_start;
    uint8_t bus_end;
} kaal_pci_ecam_region_t;

/* Accessors backed by the two mechanisms; the config structure keeps a
 * pointer to legacy/ecam, which must outlive it. */
kaal_pci_config_t kaal_pci_legacy_config(kaal_pci_legacy_t *legacy);
kaal_pci_config_t kaal_pci_ecam_config(kaal_pci_ecam_t *ecam);

/* Standard header offsets used by the enumerator. */
#define KAAL_PCI_VENDOR_ID 0x00
#define KAAL_PCI_COMMAND 0x04
#define KAAL_PCI_STATUS 0x06
#define KAAL_PCI_CLASS_REVISION 0x08
#define KAAL_PCI_HEADER_TYPE 0x0e
#define KAAL_PCI_BAR0 0x10
#define KAAL_PCI_SUBSYSTEM 0x2c
#define KAAL_PCI_CAP_PTR 0x34
#define KAAL_PCI_CARDBUS_CAP_PTR 0x14
#define KAAL_PCI_INTERRUPT 0x3c
#define KAAL_PCI_CMD_IO 0x1
#define KAAL_PCI_CMD_MEMORY 0x2
#define KAAL_PCI_CMD_BUS_MASTER 0x4
#define KAAL_PCI_CAP_VENDOR 0x09 /* vendor-specific (virtio's register blocks) */
#define KAAL_PCI_STATUS_CAP_LIST 0x10
#define KAAL_PCI_CAP_MSI 0x05
#define KAAL_PCI_CAP_MSIX 0x11

/* Enumerates buses bus_first..bus_last (every device, every function of a
 * multi-function device), sizing each BAR by the write-all-ones probe with
 * decoding turned off meanwhile, and appends one kaal_device_t per
 * function. Legacy INTx lines are routed through routing (may be NULL).
 * Returns KAAL_ENOSPC if the list filled up (what fit is kept). */
kaal_error_t kaal_pci_enumerate(const kaal_pci_config_t *cfg, uint16_t segment, uint8_t bus_first,
                                uint8_t bus_last, const kaal_irq_routing_t *routing,
                                kaal_device_list_t *list);

/* An address range BARs are placed in, lowest first; `next` advances. */
typedef struct kaal_pci_window {
    uint64_t next, end;
} kaal_pci_window_t;

/* Gives every BAR of list[first..] that is marked KAAL_RES_UNASSIGNED a
 * naturally aligned address from the windows (MMIO and IO), writes it to
 * the device and enables its decoding. BARs that do not fit stay
 * unassigned; returns KAAL_ENOSPC then. */
kaal_error_t kaal_pci_assign_bars(const kaal_pci_config_t *cfg, kaal_device_list_t *list,
                                  size_t first, kaal_pci_window_t *mmio, kaal_pci_window_t *io);

/* What a platform offers for reaching config space. */
typedef struct kaal_pci_platform {
    const kaal_pci_ecam_region_t *ecam; /* e.g. kaal_acpi_info_t.mcfg */
    unsigned n_ecam;
    /* Maps size_bytes of ECAM at paddr uncached and returns its address,
     * or NULL (the region is then skipped). May be NULL: no ECAM. */
    volatile uint8_t *(*map_ecam)(void *ctx, uint64_t paddr, uint64_t size_bytes);
    void *map_ctx;
    kaal_pci_legacy_t *legacy; /* ports 0xCF8-0xCFF; NULL: none */
    /* Where BARs that firmware left unassigned may be placed (end 0: leave
     * them unassigned). Some firmware (qboot) assigns none. */
    kaal_pci_window_t mmio_window, io_window;
} kaal_pci_platform_t;

/* Enumerates every ECAM region that maps (each segment, its bus range);
 * if none does, all 256 buses of segment 0 through the legacy ports.
 * KAAL_ENOENT: no way to reach config space; KAAL_ENOSPC: the list filled
 * up. */
kaal_error_t kaal_pci_enumerate_platform(const kaal_pci_platform_t *plat,
                                         const kaal_irq_routing_t *routing,
                                         kaal_device_list_t *list);

/* QEMU's q35 machine (ICH9 LPC bridge 8086:2918 at 00:1f.0): its chipset
 * wires the INTx pins of bus 0 slots 0-24 to PIRQE-H, which reach the
 * IOAPIC at inputs 16 + PIRQ, PIRQ = 4 + (slot + pin - 1) mod 4, level
 * triggered, active low (what QEMU's DSDT _PRT says too). The interrupt
 * line register is only the 8259 route, which the IOAPIC does not see
 * unless firmware enabled PIRQ routing (qboot does not). Rewrites (or adds)
 * those devices' IRQ resources, keeping isa_irq = the line; returns how
 * many changed. Without an ICH9 LPC bridge: 0, nothing changed. Slots
 * 25-31 (the chipset's own functions) and devices behind bridges keep the
 * line's routing. A real-hardware answer needs _PRT (AML): not done. */
size_t kaal_pci_route_qemu_q35(kaal_device_list_t *list);

/* QEMU's pc machine (PIIX3 ISA bridge 8086:7000 at 00:01.0): the bridge
 * sends bus-0 INTx to PIRQ (slot + pin - 2) mod 4 (QEMU's swizzle), and
 * PIRQA-D to the ISA IRQ in its route registers 0x60-0x63 (bit 7: off),
 * which is also the IOAPIC input. Firmware's line register may name
 * another IRQ (qboot's does for slot 4 and up): pirq_route is the four
 * route bytes, read by the caller; the IRQ resources of the devices whose
 * line differs are rewritten through routing's overrides (isa_irq = the
 * routed IRQ). Returns how many changed; without a PIIX3: 0. */
#define KAAL_PCI_PIIX3_PIRQ_ROUTE 0x60
#define KAAL_PCI_PIIX3_VENDOR 0x8086
#define KAAL_PCI_PIIX3_DEVICE 0x7000

/* The first PCI function of list with these ids, or NULL. */
kaal_device_t *kaal_pci_find(kaal_device_list_t *list, uint16_t vendor, uint16_t device);
size_t kaal_pci_route_qemu_pc(kaal_device_list_t *list, const uint8_t pirq_route[4],
                              const kaal_irq_routing_t *routing);
