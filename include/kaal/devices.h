/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device model (runtime/devices/devices.c): a flat list of devices,
 * each with the resources (MMIO ranges, IO port ranges, interrupts) a
 * driver needs.
 *
 * Sources fill it (runtime/pci/pci.c from PCI config space,
 * kaal_isa_add_devices from a fixed table of QEMU's ISA devices; a
 * device-tree source later); the broker (runtime/broker) hands devices out
 * from it. Nothing here knows about ACPI: interrupt
 * routing arrives as a kaal_irq_routing_t, which ACPI's MADT overrides (or a
 * device tree) fill in. Storage belongs to the caller; nothing allocates.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/error.h>
#include <kaal/format.h>

#define KAAL_DEVICE_MAX_RESOURCES 8
#define KAAL_DEVICE_NAME_MAX 16

typedef enum {
    KAAL_RESOURCE_MMIO = 1, /* base = physical address, size in bytes */
    KAAL_RESOURCE_IO,       /* base = first port, size = number of ports */
    KAAL_RESOURCE_IRQ,      /* base = GSI (what the IOAPIC sees), size = 1 */
} kaal_resource_kind_t;

/* kaal_resource_t.flags */
#define KAAL_RES_PREFETCHABLE 0x01u /* MMIO: prefetchable BAR */
#define KAAL_RES_64BIT 0x02u        /* MMIO: 64-bit BAR */
#define KAAL_RES_BAR 0x04u          /* came from PCI BAR number .bar */
#define KAAL_RES_UNASSIGNED 0x08u   /* BAR firmware left at 0: base not valid */
#define KAAL_RES_LEVEL 0x10u        /* IRQ: level-triggered (else edge) */
#define KAAL_RES_ACTIVE_LOW 0x20u   /* IRQ: active low (else high) */

typedef struct kaal_resource {
    kaal_resource_kind_t kind;
    uint32_t flags;
    uint64_t base;
    uint64_t size;
    uint8_t bar;     /* PCI BAR index when flags & KAAL_RES_BAR */
    uint8_t isa_irq; /* IRQ: the legacy IRQ number before routing */
} kaal_resource_t;

typedef enum {
    KAAL_BUS_PCI = 1,
    KAAL_BUS_ISA,
} kaal_bus_t;

/* PCI MSI / MSI-X capabilities (PCI Local Bus 3.0 §6.8). */
typedef struct kaal_pci_msi {
    uint8_t offset; /* in config space; 0: absent */
    bool addr_64bit;
    bool per_vector_mask;
    uint8_t log2_vectors; /* multiple message capable */
} kaal_pci_msi_t;

typedef struct kaal_pci_msix {
    uint8_t offset;      /* 0: absent */
    uint16_t table_size; /* number of vectors */
    uint8_t table_bar;
    uint32_t table_offset;
    uint8_t pba_bar;
    uint32_t pba_offset;
} kaal_pci_msix_t;

typedef struct kaal_pci_function {
    uint16_t segment;
    uint8_t bus, dev, fn;
    uint16_t vendor_id, device_id;
    uint16_t subsys_vendor_id, subsys_id;
    uint8_t class_code, subclass, prog_if, revision;
    uint8_t header_type; /* without the multi-function bit */
    uint8_t irq_pin;     /* 0 none, 1..4 = INTA..INTD */
    uint8_t irq_line;    /* as firmware programmed it (legacy IRQ), 0xff none */
    kaal_pci_msi_t msi;
    kaal_pci_msix_t msix;
    bool bad_bars; /* a BAR did not make sense (e.g. 64-bit in the last slot) */
    bool cap_loop; /* capability list looped or pointed into the header */
} kaal_pci_function_t;

typedef struct kaal_device {
    kaal_bus_t bus;
    char name[KAAL_DEVICE_NAME_MAX]; /* ISA: "com1", "rtc", ...; PCI: "" */
    kaal_pci_function_t pci;         /* valid when bus == KAAL_BUS_PCI */
    unsigned n_resources;
    kaal_resource_t resources[KAAL_DEVICE_MAX_RESOURCES];
    uint32_t owner; /* broker: 0 = nobody */
} kaal_device_t;

/* The caller owns devices[]; add() fails with KAAL_ENOSPC when it is full
 * and counts what was dropped. */
typedef struct kaal_device_list {
    kaal_device_t *devices;
    size_t capacity;
    size_t n_devices;
    size_t n_dropped;
} kaal_device_list_t;

void kaal_devices_init(kaal_device_list_t *list, kaal_device_t *storage, size_t capacity);
/* A zeroed device appended to the list, or NULL if it is full. */
kaal_device_t *kaal_devices_add(kaal_device_list_t *list, kaal_bus_t bus);
/* Appends a resource; KAAL_ENOSPC if the device has no room left. */
kaal_error_t kaal_device_add_resource(kaal_device_t *dev, kaal_resource_t res);

/* Legacy (ISA) IRQ -> GSI routing: identity except where an override says
 * otherwise. ISA default is edge, active high. */
#define KAAL_IRQ_MAX_OVERRIDES 16
typedef struct kaal_irq_override {
    uint8_t isa_irq;
    uint32_t gsi;
    uint32_t flags; /* KAAL_RES_LEVEL | KAAL_RES_ACTIVE_LOW */
} kaal_irq_override_t;

typedef struct kaal_irq_routing {
    unsigned n_overrides;
    kaal_irq_override_t overrides[KAAL_IRQ_MAX_OVERRIDES];
} kaal_irq_routing_t;

/* The IRQ resource for legacy IRQ isa_irq; default_flags apply unless an
 * override exists (ISA: 0 = edge/high, PCI INTx: level/low). routing may be NULL. */
kaal_resource_t kaal_irq_route(const kaal_irq_routing_t *routing, uint8_t isa_irq,
                               uint32_t default_flags);

/* The fixed ISA devices QEMU's pc and q35 machines provide: com1, com2, rtc,
 * debug-exit (isa-debug-exit at 0xf4, 4 ports). */
kaal_error_t kaal_isa_add_devices(kaal_device_list_t *list, const kaal_irq_routing_t *routing);

/* Finds a device by ISA name, or NULL. */
kaal_device_t *kaal_devices_find_name(kaal_device_list_t *list, const char *name);

/* The lspci-style table: one line per device (bus:dev.fn vendor:device
 * [class] name), then one indented line per resource and capability. */
void kaal_devices_print(const kaal_device_list_t *list, kaal_putc_fn out, void *ctx);

/* "Ethernet controller", "Host bridge", ...; "Unknown class" otherwise. */
const char *kaal_pci_class_name(uint8_t class_code, uint8_t subclass);

/* One PCI device on one line, lspci style (no newline):
 * "00:03.0 Ethernet controller [0200]: 8086:100e (rev 03, prog-if 00), pin
 * INTA line 11, BAR0 mem32 0xfebc0000 size 0x20000, BAR1 io 0xc000 size
 * 0x40, IRQ 11 -> gsi 11 level high, MSI 1 vectors, MSI-X 3 vectors".
 * The words are those of kaal_devices_print's table. */
void kaal_pci_print_line(const kaal_device_t *dev, kaal_putc_fn out, void *ctx);

/* A PCI device as a row of 64-bit words (what init sends a supervisor in
 * message registers, KAAL_INIT_LABEL_PCI in <kaal/component.h>):
 *   w0 location: segment << 16 | bus << 8 | dev << 3 | fn
 *   w1 ids: vendor | device << 16 | subsystem vendor << 32 | subsystem << 48
 *   w2 class: prog-if | subclass << 8 | class << 16 | revision << 24 |
 *      header type << 32
 *   w3 interrupt: irq line | irq pin << 8 | bad_bars << 16 | cap_loop << 17
 *   w4 MSI/MSI-X: msi offset | msi 64-bit << 8 | msi maskable << 9 |
 *      msi log2 vectors << 16 | msix offset << 24 | msix table size << 32 |
 *      msix table BAR << 48 | msix PBA BAR << 56
 *   w5 MSI-X offsets: table offset | PBA offset << 32
 *   w6 number of resources n (<= KAAL_DEVICE_MAX_RESOURCES)
 *   w7+3i resource i: kind | flags << 8 | bar << 40 | isa_irq << 48;
 *   w8+3i base; w9+3i size
 * (MSI/MSI-X offset 0: absent.) */
#define KAAL_DEVICE_WIRE_WORDS (7 + 3 * KAAL_DEVICE_MAX_RESOURCES)
/* Writes dev (a PCI device) into words[0..]; returns the number of words
 * used (7 + 3 * n_resources). */
size_t kaal_device_encode(const kaal_device_t *dev, uint64_t words[KAAL_DEVICE_WIRE_WORDS]);
/* Reads n_words words back into *dev (a PCI device, no name, no owner).
 * KAAL_EFORMAT: too few words, too many resources, an unknown resource
 * kind; *dev is then unspecified. */
kaal_error_t kaal_device_decode(const uint64_t *words, size_t n_words, kaal_device_t *dev);
