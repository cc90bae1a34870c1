/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ELF64 executable validation and segment iteration, shared by the kernel
 * (root task) and init (components). Freestanding: no libc, no allocation.
 *
 * kaal_elf_check() accepts an image only if every later use is safe: the
 * headers and every PT_LOAD segment's file range lie inside the image, the
 * segments fit in the user half of the address space, do not overlap, and
 * the entry point lies in an executable segment.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define KAAL_ELF_MAX_SEGMENTS 16 /* PT_LOAD segments an accepted image may have */
/* User addresses are below this bound (the lower canonical half). */
#define KAAL_ELF_USER_TOP 0x0000800000000000ull

/* The ELF64 file header (System V gABI, "ELF Header"). */
typedef struct {
    unsigned char e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} kaal_elf64_ehdr_t;

/* A program header (gABI, "Program Header"). */
typedef struct {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
} kaal_elf64_phdr_t;

/* The p_type, p_flags, e_type and e_machine values the checks know (gABI, x86-64 psABI). */
#define KAAL_PT_LOAD 1
#define KAAL_PF_X 1
#define KAAL_PF_W 2
#define KAAL_PF_R 4
#define KAAL_PT_INTERP 3
#define KAAL_PT_PHDR 6
#define KAAL_PT_TLS 7
#define KAAL_PT_GNU_STACK 0x6474e551u
#define KAAL_ET_EXEC 2
#define KAAL_ET_DYN 3
#define KAAL_EM_X86_64 62

/* Why kaal_elf_check refused an image, or KAAL_ELF_OK. */
typedef enum {
    KAAL_ELF_OK = 0,
    KAAL_ELF_TRUNCATED,     /* shorter than the ELF header */
    KAAL_ELF_BAD_MAGIC,     /* not \x7fELF */
    KAAL_ELF_NOT_64BIT,
    KAAL_ELF_NOT_LITTLE_ENDIAN,
    KAAL_ELF_BAD_VERSION,
    KAAL_ELF_NOT_EXECUTABLE, /* e_type is not ET_EXEC (or ET_DYN where allowed) */
    KAAL_ELF_WRONG_MACHINE,
    KAAL_ELF_BAD_PHDRS,      /* program header table outside the image or wrong size */
    KAAL_ELF_TOO_MANY_SEGMENTS,
    KAAL_ELF_SEGMENT_OUTSIDE_FILE, /* p_offset + p_filesz past the end */
    KAAL_ELF_SEGMENT_FILESZ_GT_MEMSZ,
    KAAL_ELF_SEGMENT_BAD_ADDRESS,  /* wraps, or reaches the kernel half */
    KAAL_ELF_SEGMENTS_OVERLAP,
    KAAL_ELF_NO_SEGMENTS,
    KAAL_ELF_ENTRY_OUTSIDE,  /* entry not inside an executable segment */
} kaal_elf_status_t;

/* One PT_LOAD segment, as a loader maps it. */
typedef struct {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;  /* of the file data within the image */
    uint64_t filesz;
    uint32_t flags;   /* KAAL_PF_* */
} kaal_elf_segment_t;

/* What the checks found: entry point, address range, the segments. */
typedef struct {
    uint64_t entry;
    uint64_t lowest_vaddr;   /* of any segment */
    uint64_t highest_vaddr;  /* one past the end of the highest segment */
    unsigned n_segments;
    kaal_elf_segment_t segments[KAAL_ELF_MAX_SEGMENTS]; /* sorted by vaddr */
    /* For a Linux loader (kaal_elf_check_file): */
    uint16_t type;       /* KAAL_ET_EXEC or KAAL_ET_DYN (addresses relative to a load bias) */
    uint16_t phnum;      /* program headers, of KAAL_ELF_PHENT bytes at file offset phoff */
    uint64_t phoff;
    int has_interp;      /* PT_INTERP: needs a dynamic linker */
    int has_tls;         /* PT_TLS: tls is its segment (vaddr, memsz, offset, filesz) */
    kaal_elf_segment_t tls;
    uint64_t tls_align;
    uint32_t stack_flags; /* PT_GNU_STACK p_flags (KAAL_PF_*), KAAL_PF_R | KAAL_PF_W if none */
} kaal_elf_info_t;

#define KAAL_ELF_PHENT 56 /* sizeof(kaal_elf64_phdr_t) */

/* Checks an image held whole in memory by the rules above; info is filled
 * when the result is KAAL_ELF_OK. */
kaal_elf_status_t kaal_elf_check(const void *image, size_t size_bytes, kaal_elf_info_t *info);

/* The same checks for a file of file_bytes bytes of which only the first
 * head_bytes are at head (the ELF and program headers must lie there):
 * segments must lie inside the file. allow_dyn also accepts ET_DYN
 * (static PIE), whose segments may start at address 0. */
kaal_elf_status_t kaal_elf_check_file(const void *head, size_t head_bytes, uint64_t file_bytes,
                                      int allow_dyn, kaal_elf_info_t *info);
const char *kaal_elf_strerror(kaal_elf_status_t status);
