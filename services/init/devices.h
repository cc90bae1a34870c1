/* SPDX-License-Identifier: BSD-2-Clause */
/* Platform discovery in init: ACPI tables, PCI, the ISA devices QEMU has. */
#pragma once

#include <kaal/acpi.h>
#include <kaal/devices.h>

extern kaal_acpi_info_t init_acpi;
extern kaal_device_list_t init_devices;
/* Legacy IRQ -> IOAPIC input, from the MADT's overrides. */
extern kaal_irq_routing_t init_irq_routing;

/* Reads the ACPI tables, enumerates PCI and adds the ISA devices; prints the
 * ACPI summary and an lspci-style device table. */
void init_discover_devices(void);

/* Configuration space of a function enumeration found (through the same
 * ECAM window or legacy ports), for device grants (pcigrant.c); offsets
 * 4-byte aligned. Reads as all ones if it is unreachable. */
uint32_t init_pci_config_read32(const kaal_pci_function_t *f, uint16_t offset);
void init_pci_config_write32(const kaal_pci_function_t *f, uint16_t offset, uint32_t value);
