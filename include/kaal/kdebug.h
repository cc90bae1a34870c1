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
