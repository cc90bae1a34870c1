/* SPDX-License-Identifier: BSD-2-Clause */
/* x86 extra bootinfo chunks (after the bootinfo frame, see extraLen). */
#pragma once

#include <sel4/bootinfo_types.h>

#define SEL4_MULTIBOOT_MAX_MMAP_ENTRIES 50

typedef struct seL4_X86_mb_mmap {
    seL4_Uint32 size;
    seL4_Uint64 base_addr;
    seL4_Uint64 length;
    seL4_Uint32 type;
} __attribute__((packed)) seL4_X86_mb_mmap_t;

/* Chunk SEL4_BOOTINFO_HEADER_X86_MBMMAP: the boot loader's memory map. */
typedef struct seL4_X86_BootInfo_mmap {
    seL4_BootInfoHeader header;
    seL4_Uint32 mmap_length;
    seL4_X86_mb_mmap_t mmap[SEL4_MULTIBOOT_MAX_MMAP_ENTRIES];
} __attribute__((packed)) seL4_X86_BootInfo_mmap_t;
