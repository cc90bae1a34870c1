/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KaaL's additions to the seL4 bootinfo (documented in
 * docs/sel4-deviations.md): a chunk in the extra bootinfo that lists the
 * boot modules after the root task (component images, the system
 * description). The kernel maps each one read-only into the root task and
 * gives it the frame caps in the listed slot range.
 */
#pragma once

#include <sel4/bootinfo_types.h>

#define KAAL_BOOTINFO_HEADER_MODULES 0x4b41 /* 'KA' */
#define KAAL_BOOT_MODULE_NAME_MAX 48

typedef struct kaal_boot_module {
    seL4_Word vaddr;       /* where the root task sees it (read-only) */
    seL4_Word paddr;
    seL4_Word size_bytes;
    seL4_SlotRegion frames; /* caps to the module's frames */
    char name[KAAL_BOOT_MODULE_NAME_MAX]; /* the loader's command line for it */
} kaal_boot_module_t;

typedef struct kaal_bootinfo_modules {
    seL4_BootInfoHeader header; /* id KAAL_BOOTINFO_HEADER_MODULES */
    seL4_Word n_modules;
    kaal_boot_module_t modules[];
} kaal_bootinfo_modules_t;

/* Finds the extra bootinfo chunk with the given id, or NULL. */
static inline const seL4_BootInfoHeader *kaal_bootinfo_find(const seL4_BootInfo *bi,
                                                            seL4_Word id)
{
    const char *p = (const char *)bi + seL4_BootInfoFrameSize;
    const char *end = p + bi->extraLen;
    while (p + sizeof(seL4_BootInfoHeader) <= end) {
        const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)p;
        if (h->len < sizeof(*h) || h->len > (seL4_Word)(end - p))
            return 0;
        if (h->id == id)
            return h;
        p += h->len;
    }
    return 0;
}

/* The TSC frequency in Hz from seL4's x86 chunk SEL4_BOOTINFO_HEADER_X86_TSC_FREQ
 * (a uint32_t in MHz after the header, len 20); 0 if the chunk is missing or
 * too short. */
static inline uint64_t kaal_bootinfo_tsc_hz(const seL4_BootInfo *bi)
{
    const seL4_BootInfoHeader *h = kaal_bootinfo_find(bi, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ);
    if (!h || h->len < sizeof(*h) + sizeof(uint32_t))
        return 0;
    uint32_t mhz;
    __builtin_memcpy(&mhz, h + 1, sizeof(mhz));
    return (uint64_t)mhz * 1000000u;
}
