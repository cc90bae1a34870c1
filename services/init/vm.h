/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * init's own resources: the untyped manager and slot allocator over what the
 * kernel handed over in the bootinfo, and mappings of physical ranges into
 * init's address space (device memory: ACPI tables, ECAM, MMIO).
 */
#pragma once

#include <kaal/broker.h>
#include <sel4/sel4.h>

extern kaal_untyped_mgr_t init_untyped;
extern kaal_cspace_t init_cspace;

/* Takes over every untyped and the empty slot range of the bootinfo. */
kaal_error_t init_vm_setup(const seL4_BootInfo *bi);

/* Device memory only (RAM is handed out as objects, never mapped by its
 * physical address); mappings are uncached and stay. */

/* Maps [paddr, paddr + size_bytes), none of it mapped yet, contiguously
 * (2 MiB pages where the range allows) and returns the address of paddr,
 * or NULL. */
volatile void *init_map_device(uint64_t paddr, uint64_t size_bytes);

/* The address of paddr through a 4 KiB mapping of its page, made on first
 * use; NULL if the page is not device memory or cannot be mapped. */
volatile void *init_device_page(uint64_t paddr);
