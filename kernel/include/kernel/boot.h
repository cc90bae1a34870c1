/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the boot loader told us, in a loader-independent form (filled by the
 * arch's multiboot parser; a device-tree parser can fill it on AArch64), and
 * the boot-time physical memory allocator built from it.
 */
#pragma once

#include <stdint.h>
#include <sel4/bootinfo_types.h>

#define BOOT_MAX_REGIONS  64
#define BOOT_MAX_MODULES  16
#define BOOT_CMDLINE_MAX  128

enum boot_mem_type {
    BOOT_MEM_RAM = 1,       /* usable RAM */
    BOOT_MEM_RESERVED = 2,  /* firmware / device, never touch */
    BOOT_MEM_ACPI = 3,      /* ACPI tables, reclaimable */
    BOOT_MEM_NVS = 4,
    BOOT_MEM_BAD = 5,
};

struct boot_mem_region {
    uint64_t base;
    uint64_t size_bytes;
    uint32_t type;  /* enum boot_mem_type; unknown types count as reserved */
};

struct boot_module {
    uint64_t paddr;
    uint64_t size_bytes;
    char cmdline[BOOT_CMDLINE_MAX];
};

struct boot_params {
    struct boot_mem_region regions[BOOT_MAX_REGIONS];
    unsigned n_regions;
    unsigned n_regions_dropped;  /* entries past BOOT_MAX_REGIONS */
    struct boot_module modules[BOOT_MAX_MODULES];
    unsigned n_modules;
    char cmdline[BOOT_CMDLINE_MAX];
};

/* Lets the parser read physical memory without knowing how it is mapped:
 * returns a pointer to len readable bytes at paddr, or NULL. */
typedef const void *(*boot_phys_reader_t)(void *ctx, uint64_t paddr, uint64_t len);

/* ---- boot memory: free physical ranges, allocation, untyped split ---- */

#define BOOT_MAX_RANGES 128

struct boot_range {
    uint64_t base;
    uint64_t end;  /* exclusive */
};

struct boot_mem {
    struct boot_range ram[BOOT_MAX_RANGES];   /* all usable RAM the kernel may hand out */
    unsigned n_ram;
    struct boot_range free[BOOT_MAX_RANGES];  /* RAM not yet allocated or reserved */
    unsigned n_free;
    uint64_t ignored_bytes;  /* RAM the kernel cannot reach (above `limit`) */
    /* Device memory the kernel drives itself (local APIC, IOAPIC): never
     * handed out as device untyped. */
    struct boot_range kernel_devices[8];
    unsigned n_kernel_devices;
};

/* RAM regions clipped to [low, limit), minus every non-RAM region. */
void boot_mem_init(struct boot_mem *bm, const struct boot_params *bp, uint64_t low,
                   uint64_t limit);
/* Removes [base, end) from the free ranges (kernel image, modules, ...). */
void boot_mem_reserve(struct boot_mem *bm, uint64_t base, uint64_t end);
/* A naturally aligned block of 2^size_bits bytes, or 0 if none is left. */
uint64_t boot_mem_alloc(struct boot_mem *bm, unsigned size_bits);
uint64_t boot_mem_free_bytes(const struct boot_mem *bm);

/* Fills out[] with untyped descriptors: free RAM, then device memory (all
 * physical addresses below phys_top that are not RAM), each a naturally
 * aligned power-of-two block between 2^4 and 2^47 bytes. Returns the count;
 * *n_dropped gets how many blocks did not fit. */
unsigned boot_mem_untypeds(const struct boot_mem *bm, uint64_t phys_top, seL4_UntypedDesc *out,
                           unsigned max, unsigned *n_dropped);

/* Keeps the device memory [base, end) for the kernel (page-rounded). */
void boot_mem_reserve_device(struct boot_mem *bm, uint64_t base, uint64_t end);

/* Returns [base, end) to the free ranges (must be RAM). */
void boot_mem_release(struct boot_mem *bm, uint64_t base, uint64_t end);

/* ---- generic boot sequence (kernel/boot/) ---- */

/* Entered by the arch once the CPU, console and boot params are ready. */
_Noreturn void kernel_main(struct boot_params *bp);

struct tcb;
/* Builds the root task from module 0: address space, bootinfo, thread.
 * On a bad image it reports why and stops the machine. */
struct tcb *create_root_task(const struct boot_params *bp, struct boot_mem *bm);

/* Physical memory occupied by the kernel image (arch). */
void arch_kernel_image_range(uint64_t *base, uint64_t *end);
/* Keeps the device pages the kernel drives out of the untypeds (arch). */
void arch_reserve_kernel_devices(struct boot_mem *bm);
/* Top of the physical address space handed out as device untyped (arch). */
uint64_t arch_phys_addr_top(void);
/* Fills the arch extra-bootinfo chunks at dst (at most max bytes); returns
 * the bytes used. */
uint64_t arch_extra_bootinfo(const struct boot_params *bp, void *dst, uint64_t max);
/* The arch chunks that come last, after KaaL's modules chunk, as seL4
 * puts them last (x86: the TSC frequency, whose length, 20, leaves the
 * next offset unaligned); returns the bytes used, 0 if max is too small. */
uint64_t arch_extra_bootinfo_tail(void *dst, uint64_t max);
