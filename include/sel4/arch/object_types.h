/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 object types, sizes and VSpace constants as libsel4 defines them for
 * the default x86_64 configuration (CONFIG_HUGE_PAGE on, no IOMMU, no VT-x,
 * XSAVE area < 832 bytes so seL4_TCBBits is 11).
 */
#pragma once

typedef enum _mode_object {
    seL4_X86_PDPTObject = seL4_NonArchObjectTypeCount,
    seL4_X64_PML4Object,
    seL4_X64_HugePageObject,
    seL4_ModeObjectTypeCount
} seL4_seL4ArchObjectType;

typedef enum _object {
    seL4_X86_4K = seL4_ModeObjectTypeCount,
    seL4_X86_LargePageObject,
    seL4_X86_PageTableObject,
    seL4_X86_PageDirectoryObject,
    seL4_ObjectTypeCount
} seL4_ArchObjectType;

typedef seL4_Word object_t;

#define seL4_IA32_PDPTObject seL4_X86_PDPTObject
#define seL4_X86_IOPageTableObject 0xffffff
#define seL4_X86_VCPUObject 0xfffffe
#define seL4_X86_EPTPML4Object 0xfffffd
#define seL4_X86_EPTPDPTObject 0xfffffc
#define seL4_X86_EPTPDObject 0xfffffb
#define seL4_X86_EPTPTObject 0xfffffa

#define seL4_TCBBits            11
#define seL4_PageTableBits      12
#define seL4_PageTableEntryBits 3
#define seL4_PageTableIndexBits 9
#define seL4_PageDirBits        12
#define seL4_PageDirEntryBits   3
#define seL4_PageDirIndexBits   9
#define seL4_PDPTBits           12
#define seL4_PDPTEntryBits      3
#define seL4_PDPTIndexBits      9
#define seL4_PML4Bits           12
#define seL4_PML4EntryBits      3
#define seL4_PML4IndexBits      9
#define seL4_VSpaceBits         seL4_PML4Bits
#define seL4_NumASIDPoolsBits   3
#define seL4_ASIDPoolBits       12
#define seL4_ASIDPoolIndexBits  9
#define seL4_X86_4K_Bits        seL4_PageBits

#define seL4_UserTop      0x00007ffffffff000ul
#define seL4_UserVSpaceTop (seL4_UserTop - 1)

typedef seL4_CPtr seL4_X86_ASIDControl;
typedef seL4_CPtr seL4_X86_ASIDPool;
typedef seL4_CPtr seL4_X86_IOPortControl;
typedef seL4_CPtr seL4_X86_IOPort;
typedef seL4_CPtr seL4_X86_Page;
typedef seL4_CPtr seL4_X86_PDPT;
typedef seL4_CPtr seL4_X86_PageDirectory;
typedef seL4_CPtr seL4_X86_PageTable;
typedef seL4_CPtr seL4_X64_PML4;

/* Page attributes: bit 0 = PWT, bit 1 = PCD, bit 2 = PAT (as in seL4). */
typedef enum {
    seL4_X86_Default_VMAttributes = 0,
    seL4_X86_WriteBack = 0,
    seL4_X86_WriteThrough = 1,
    seL4_X86_CacheDisabled = 2,
    seL4_X86_Uncacheable = 3,
    seL4_X86_WriteCombining = 4,
    SEL4_FORCE_LONG_ENUM(seL4_X86_VMAttributes),
} seL4_X86_VMAttributes;

/* KaaL extension (see docs/sel4-deviations.md): seL4 maps every x86 user
 * page executable; this attribute bit sets the NX bit of the mapping. Code
 * written for seL4 never passes it, so it behaves exactly as on seL4. */
#define KAAL_X86_ExecuteNever 0x8

typedef struct seL4_X86_Page_GetAddress {
    int error;
    seL4_Word paddr;
} seL4_X86_Page_GetAddress_t;
