/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KaaL kernel debugging extensions (debug syscalls beyond seL4's).
 *
 * kaal_DebugCheckObjects checks the kernel's no-aliasing invariant: caps
 * to physical objects other than untypeds either name the same object or
 * cover disjoint memory. With an untyped cap it walks that untyped's CDT
 * descendants (everything made from it, at any depth); with seL4_CapNull
 * it walks every CDT tree whose root cap is in the caller's CSpace root
 * CNode (all boot caps, so everything in a fresh system). The hostile tests call
 * it after every step.
 *
 * kaal_DebugPageEntry returns the hardware paging entry that maps vaddr in
 * the caller's own VSpace: the leaf entry as the MMU reads it (Intel SDM
 * 4.5: present, write, user, PWT, PCD, PAT, NX bits and the physical frame
 * address), so a test can see what a mapping's rights and cache attributes
 * became. level is 0 for a 4 KiB PTE, 1 for a 2 MiB and 2 for a 1 GiB page;
 * entry is 0 when nothing maps vaddr. seL4 has no such call.
 */
#pragma once

#include <sel4/sel4.h>

typedef struct kaal_ObjectCheck {
    seL4_Error error;       /* seL4_InvalidCapability: cap does not resolve */
    seL4_Word caps;         /* caps to objects walked */
    seL4_Word conflicts;    /* pairs of caps naming overlapping, different objects */
    seL4_Word paddr_first;  /* the first such pair's object addresses */
    seL4_Word paddr_second;
} kaal_ObjectCheck;

static inline kaal_ObjectCheck kaal_DebugCheckObjects(seL4_CPtr cap)
{
    seL4_Word err, info = 0, m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    x64_sys_send_recv(KAAL_SysDebugCheckObjects, cap, &err, 0, &info, &m0, &m1, &m2, &m3);
    return (kaal_ObjectCheck){ (seL4_Error)err, m0, m1, m2, m3 };
}

typedef struct kaal_PageEntry {
    seL4_Error error;  /* seL4_InvalidArgument: vaddr is not a user address */
    seL4_Word entry;   /* the leaf entry, 0 if vaddr is not mapped */
    seL4_Word level;   /* 0: 4 KiB PTE, 1: 2 MiB PDE, 2: 1 GiB PDPTE */
    seL4_Word memory_type; /* what the PAT makes of the entry: KAAL_MEMTYPE_* */
} kaal_PageEntry;

/* Memory types as the PAT MSR encodes them (Intel SDM 11.12.3). */
#define KAAL_MEMTYPE_UC       0
#define KAAL_MEMTYPE_WC       1
#define KAAL_MEMTYPE_WT       4
#define KAAL_MEMTYPE_WP       5
#define KAAL_MEMTYPE_WB       6
#define KAAL_MEMTYPE_UC_MINUS 7

static inline kaal_PageEntry kaal_DebugPageEntry(seL4_Word vaddr)
{
    seL4_Word err, info = 0, m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    x64_sys_send_recv(KAAL_SysDebugPageEntry, vaddr, &err, 0, &info, &m0, &m1, &m2, &m3);
    return (kaal_PageEntry){ (seL4_Error)err, m0, m1, m2 };
}
