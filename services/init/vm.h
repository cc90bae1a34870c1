/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * init's own resources: the untyped manager and slot allocator over what the
 * kernel handed over in the bootinfo, and mappings of physical ranges into
 * init's address space (device memory: ACPI tables, ECAM, MMIO).
 */
#pragma once

#include <kaal/broker.h>
#include <sel4/sel4.h>

/* Frame sizes: seL4's 4 KiB pages and x86_64's 2 MiB large pages. */
#define PAGE (1ul << seL4_PageBits)
#define LARGE_PAGE (1ul << seL4_LargePageBits)

/* The right to Call an endpoint and nothing more: send, with grant-reply
 * (the server's reply may carry a cap back), no receive, no grant. */
#define INIT_RIGHTS_CALL seL4_CapRights_new(1, 0, 0, 1)

extern kaal_untyped_mgr_t init_untyped;

/* Objects made for one component, so that they can all be destroyed. */
#define INIT_MAX_OBJECTS 1024
struct init_objects {
    seL4_CPtr caps[INIT_MAX_OBJECTS];
    unsigned n;
};

/* An object from the untyped manager, recorded in owner (NULL: init's own). */
kaal_ut_alloc_ret_t init_alloc(struct init_objects *owner, seL4_Word type, seL4_Word size_bits,
                               uint8_t footprint_bits);
/* A frame (type, 2^size_bits bytes) at physical address paddr, from device
 * untyped (MMIO) or RAM, recorded in owner. KAAL_EBUSY: in use. */
kaal_ut_alloc_ret_t init_alloc_at(struct init_objects *owner, seL4_Word type, uint8_t size_bits,
                                  uint64_t paddr);
/* Destroys every object of owner, newest first; its memory is free again. */
void init_free_all(struct init_objects *owner);

/* Maps frame at vaddr in vspace, making the missing paging structures
 * (charged to owner). large: a 2 MiB frame. */
/* Makes the paging structures for 4 KiB frames at [vaddr, vaddr + size) in
 * vspace now, charged to owner, so that mapping them later allocates
 * nothing (what needs the untyped manager left alone in between). */
bool init_map_tables(struct init_objects *owner, seL4_CPtr vspace, uint64_t vaddr, uint64_t size);
seL4_Error init_map_frame(struct init_objects *owner, seL4_CPtr vspace, seL4_CPtr frame,
                          uint64_t vaddr, bool large, seL4_CapRights_t rights,
                          seL4_X86_VMAttributes attr);
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
