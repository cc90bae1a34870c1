/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Basic seL4 API types for x86_64, with seL4's names and bit layouts, so that
 * user code written against libsel4 compiles against these headers unchanged.
 * Shared by the kernel and user space: no function here touches hardware.
 */
#pragma once

#include <stdint.h>
#include <stddef.h>

typedef int8_t   seL4_Int8;
typedef int16_t  seL4_Int16;
typedef int32_t  seL4_Int32;
typedef int64_t  seL4_Int64;
typedef uint8_t  seL4_Uint8;
typedef uint16_t seL4_Uint16;
typedef uint32_t seL4_Uint32;
typedef uint64_t seL4_Uint64;
typedef uint64_t seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_PAddr;
typedef seL4_Word seL4_Domain;
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_DomainSet;
typedef seL4_Int8 seL4_Bool;

#define seL4_True  1
#define seL4_False 0
#define seL4_Null  ((void *)0)

#define seL4_WordBits        64
#define seL4_WordSizeBits    3
#define seL4_PageBits        12
#define seL4_LargePageBits   21
#define seL4_HugePageBits    30
#define seL4_MsgMaxLength    120
#define seL4_MsgMaxExtraCaps 3
#define seL4_MsgLengthBits   7
#define seL4_MsgExtraCapBits 2
#define seL4_FastMessageRegisters 4
#define seL4_NilData         0
#define seL4_MaxPrio         255
#define seL4_MinPrio         0
#define seL4_GuardSizeBits   6
#define seL4_GuardBits       58
#define seL4_BadgeBits       64
#define seL4_UntypedRetypeMaxObjects 256

/* seL4_MessageInfo: label 52 | capsUnwrapped 3 | extraCaps 2 | length 7 */
typedef struct seL4_MessageInfo {
    seL4_Word words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Word label, seL4_Word capsUnwrapped,
                                                      seL4_Word extraCaps, seL4_Word length)
{
    seL4_MessageInfo_t mi;
    mi.words[0] = ((label & 0xfffffffffffffull) << 12) | ((capsUnwrapped & 0x7) << 9) |
                  ((extraCaps & 0x3) << 7) | (length & 0x7f);
    return mi;
}
static inline seL4_Word seL4_MessageInfo_get_label(seL4_MessageInfo_t mi)
{
    return mi.words[0] >> 12;
}
static inline seL4_Word seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t mi)
{
    return (mi.words[0] >> 9) & 0x7;
}
static inline seL4_Word seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t mi)
{
    return (mi.words[0] >> 7) & 0x3;
}
static inline seL4_Word seL4_MessageInfo_get_length(seL4_MessageInfo_t mi)
{
    return mi.words[0] & 0x7f;
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t mi, seL4_Word v)
{
    mi.words[0] = (mi.words[0] & ~(seL4_Word)0x7f) | (v & 0x7f);
    return mi;
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t mi, seL4_Word v)
{
    mi.words[0] = (mi.words[0] & 0xfff) | ((v & 0xfffffffffffffull) << 12);
    return mi;
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_extraCaps(seL4_MessageInfo_t mi, seL4_Word v)
{
    mi.words[0] = (mi.words[0] & ~((seL4_Word)0x3 << 7)) | ((v & 0x3) << 7);
    return mi;
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_capsUnwrapped(seL4_MessageInfo_t mi,
                                                                    seL4_Word v)
{
    mi.words[0] = (mi.words[0] & ~((seL4_Word)0x7 << 9)) | ((v & 0x7) << 9);
    return mi;
}

/* The pointer forms libsel4's bitfield generator also emits. */
static inline void seL4_MessageInfo_ptr_new(seL4_MessageInfo_t *mi, seL4_Word label,
                                            seL4_Word capsUnwrapped, seL4_Word extraCaps,
                                            seL4_Word length)
{
    *mi = seL4_MessageInfo_new(label, capsUnwrapped, extraCaps, length);
}
static inline seL4_Word seL4_MessageInfo_ptr_get_label(seL4_MessageInfo_t *mi)
{
    return seL4_MessageInfo_get_label(*mi);
}
static inline seL4_Word seL4_MessageInfo_ptr_get_capsUnwrapped(seL4_MessageInfo_t *mi)
{
    return seL4_MessageInfo_get_capsUnwrapped(*mi);
}
static inline seL4_Word seL4_MessageInfo_ptr_get_extraCaps(seL4_MessageInfo_t *mi)
{
    return seL4_MessageInfo_get_extraCaps(*mi);
}
static inline seL4_Word seL4_MessageInfo_ptr_get_length(seL4_MessageInfo_t *mi)
{
    return seL4_MessageInfo_get_length(*mi);
}
static inline void seL4_MessageInfo_ptr_set_label(seL4_MessageInfo_t *mi, seL4_Word v)
{
    *mi = seL4_MessageInfo_set_label(*mi, v);
}
static inline void seL4_MessageInfo_ptr_set_capsUnwrapped(seL4_MessageInfo_t *mi, seL4_Word v)
{
    *mi = seL4_MessageInfo_set_capsUnwrapped(*mi, v);
}
static inline void seL4_MessageInfo_ptr_set_extraCaps(seL4_MessageInfo_t *mi, seL4_Word v)
{
    *mi = seL4_MessageInfo_set_extraCaps(*mi, v);
}
static inline void seL4_MessageInfo_ptr_set_length(seL4_MessageInfo_t *mi, seL4_Word v)
{
    *mi = seL4_MessageInfo_set_length(*mi, v);
}

/* seL4_CapRights: grantReply 3 | grant 2 | read 1 | write 0 */
typedef struct seL4_CapRights {
    seL4_Word words[1];
} seL4_CapRights_t;

static inline seL4_CapRights_t seL4_CapRights_new(seL4_Word grantReply, seL4_Word grant,
                                                  seL4_Word read, seL4_Word write)
{
    seL4_CapRights_t r;
    r.words[0] = ((grantReply & 1) << 3) | ((grant & 1) << 2) | ((read & 1) << 1) | (write & 1);
    return r;
}
static inline seL4_Word seL4_CapRights_get_capAllowGrantReply(seL4_CapRights_t r)
{
    return (r.words[0] >> 3) & 1;
}
static inline seL4_Word seL4_CapRights_get_capAllowGrant(seL4_CapRights_t r)
{
    return (r.words[0] >> 2) & 1;
}
static inline seL4_Word seL4_CapRights_get_capAllowRead(seL4_CapRights_t r)
{
    return (r.words[0] >> 1) & 1;
}
static inline seL4_Word seL4_CapRights_get_capAllowWrite(seL4_CapRights_t r)
{
    return r.words[0] & 1;
}

#define seL4_ReadWrite     seL4_CapRights_new(0, 0, 1, 1)
#define seL4_AllRights     seL4_CapRights_new(1, 1, 1, 1)
#define seL4_CanRead       seL4_CapRights_new(0, 0, 1, 0)
#define seL4_CanWrite      seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanGrant      seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_NoWrite       seL4_CapRights_new(1, 1, 1, 0)
#define seL4_NoRead        seL4_CapRights_new(1, 1, 0, 1)
#define seL4_NoRights      seL4_CapRights_new(0, 0, 0, 0)

/* seL4_CNode_CapData: guard 58 | guardSize 6 */
typedef struct seL4_CNode_CapData {
    seL4_Word words[1];
} seL4_CNode_CapData_t;

static inline seL4_CNode_CapData_t seL4_CNode_CapData_new(seL4_Word guard, seL4_Word guardSize)
{
    seL4_CNode_CapData_t d;
    d.words[0] = ((guard & 0x3ffffffffffffffull) << 6) | (guardSize & 0x3f);
    return d;
}

/* The IPC buffer: one per thread, 1 KiB, aligned to its size. */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((__aligned__(sizeof(struct seL4_IPCBuffer_))));

#define seL4_IPCBufferSizeBits 10
_Static_assert(sizeof(seL4_IPCBuffer) == (1u << seL4_IPCBufferSizeBits), "IPC buffer is 1 KiB");
