/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thread-local storage of a static x86_64 program (System V x86_64 psABI,
 * "TLS variant II"). The linker puts the program's `__thread` variables in
 * one PT_TLS segment: p_filesz bytes of initial values (.tdata) followed by
 * zeros up to p_memsz (.tbss). Each thread gets its own copy, its TLS
 * block, ending at the thread pointer tp (the thread's fs_base):
 *
 *   region  [ slack | .tdata copy | .tbss zeros | pad | TCB                ]
 *                   ^ tp - block_bytes                ^ tp = fs_base
 *           block_bytes = round_up(p_memsz, p_align); tp is a multiple of
 *           max(p_align, 16); TCB word 0 holds tp itself (%fs:0, which
 *           compilers load to take a TLS variable's address), the other
 *           KAAL_TLS_TCB_BYTES are zero.
 *
 * The linker addresses a variable at (its offset in the segment) -
 * block_bytes from tp, so the layout above is the only one that works.
 * kaal_tls_image_from_phdrs() and kaal_tls_init() are pure functions (host
 * unit test: tests/unit/test_tls.c); kaal_tls_program_image() reads this
 * program's own program headers (guest only).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kaal/elf.h>
#include <kaal/error.h>

#define KAAL_PT_TLS 7
/* Room at tp: the self pointer, and zeros where a libc's TCB would keep
 * more (the stack-protector canary at %fs:0x28, should code use one). */
#define KAAL_TLS_TCB_BYTES 64
#define KAAL_TLS_MIN_ALIGN 16

typedef struct {
    const void *init_image; /* .tdata initial values (p_vaddr) */
    size_t init_bytes;      /* p_filesz */
    size_t mem_bytes;       /* p_memsz: .tdata + .tbss */
    size_t align_bytes;     /* p_align (1 if none), a power of two */
} kaal_tls_image_t;

typedef struct {
    kaal_error_t err; /* KAAL_EFORMAT: PT_TLS with filesz > memsz or p_align not 2^n */
    kaal_tls_image_t image; /* all zero when the program has no PT_TLS */
} kaal_tls_image_ret_t;

/* The TLS image described by the PT_TLS entry among n program headers. */
kaal_tls_image_ret_t kaal_tls_image_from_phdrs(const kaal_elf64_phdr_t *phdrs, unsigned n);

/* Bytes a region must have, at any address, for kaal_tls_init() to fit a
 * block and the TCB in it (0 if that does not fit in a size_t). */
size_t kaal_tls_region_bytes(const kaal_tls_image_t *image);

/* Lays out a thread's TLS block in region: copies .tdata, zeroes .tbss and
 * the padding, writes the TCB. Returns tp, or 0 if region_bytes is too
 * small for this region's address. */
uintptr_t kaal_tls_init(const kaal_tls_image_t *image, void *region, size_t region_bytes);

/* This program's TLS image (from __ehdr_start's program headers). */
const kaal_tls_image_t *kaal_tls_program_image(void);

/* The calling thread's tp (%fs:0). */
static inline uintptr_t kaal_tls_self(void)
{
    uintptr_t tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}

/* Where the thread whose tp is `tp` keeps the `__thread` variable that
 * the calling thread sees at `mine` (same program, same offset from tp). */
static inline void *kaal_tls_locate(uintptr_t tp, const void *mine)
{
    return (void *)(tp + ((uintptr_t)mine - kaal_tls_self()));
}
