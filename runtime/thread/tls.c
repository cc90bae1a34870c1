// SPDX-License-Identifier: BSD-2-Clause
/*
 * TLS blocks (<kaal/tls.h>): the PT_TLS image of a program and the layout
 * of one thread's copy, x86_64 variant II. Pure functions over memory the
 * caller owns, so the host unit test checks the layout byte by byte.
 *
 * Invariants of kaal_tls_init's result tp: tp % max(p_align, 16) == 0;
 * [tp - block_bytes, tp) holds .tdata then zeros; the block start, a
 * multiple of p_align (block_bytes is one), lies inside the region, as do
 * the KAAL_TLS_TCB_BYTES at tp; *(uintptr_t *)tp == tp.
 */
#include <kaal/string.h>
#include <kaal/tls.h>

static size_t effective_align(const kaal_tls_image_t *image)
{
    return image->align_bytes > KAAL_TLS_MIN_ALIGN ? image->align_bytes : KAAL_TLS_MIN_ALIGN;
}

/* round_up(mem_bytes, p_align): where the linker puts tp relative to the
 * segment start. 0 with *ok false on overflow. */
static size_t block_bytes(const kaal_tls_image_t *image, int *ok)
{
    size_t a = image->align_bytes ? image->align_bytes : 1;
    *ok = image->mem_bytes <= SIZE_MAX - (a - 1);
    return *ok ? (image->mem_bytes + a - 1) & ~(a - 1) : 0;
}

kaal_tls_image_ret_t kaal_tls_image_from_phdrs(const kaal_elf64_phdr_t *phdrs, unsigned n)
{
    kaal_tls_image_ret_t r = { KAAL_OK, { 0, 0, 0, 1 } };
    for (unsigned i = 0; i < n; i++) {
        const kaal_elf64_phdr_t *ph = &phdrs[i];
        if (ph->p_type != KAAL_PT_TLS)
            continue;
        uint64_t align = ph->p_align ? ph->p_align : 1;
        if (ph->p_filesz > ph->p_memsz || (align & (align - 1)) || ph->p_memsz > SIZE_MAX ||
            align > SIZE_MAX / 2) {
            r.err = KAAL_EFORMAT;
            return r;
        }
        r.image = (kaal_tls_image_t){ (const void *)(uintptr_t)ph->p_vaddr, (size_t)ph->p_filesz,
                                      (size_t)ph->p_memsz, (size_t)align };
        return r;
    }
    return r;
}

size_t kaal_tls_region_bytes(const kaal_tls_image_t *image)
{
    int ok;
    size_t block = block_bytes(image, &ok), slack = effective_align(image) - 1;
    if (!ok || block > SIZE_MAX - slack - KAAL_TLS_TCB_BYTES)
        return 0;
    return slack + block + KAAL_TLS_TCB_BYTES;
}

uintptr_t kaal_tls_init(const kaal_tls_image_t *image, void *region, size_t region_bytes)
{
    int ok;
    size_t block = block_bytes(image, &ok), align = effective_align(image);
    uintptr_t start = (uintptr_t)region, end = start + region_bytes;
    if (!ok || end < start || block > UINTPTR_MAX - start - (align - 1))
        return 0;
    uintptr_t tp = (start + block + align - 1) & ~(uintptr_t)(align - 1);
    if (tp > end || end - tp < KAAL_TLS_TCB_BYTES)
        return 0;
    uint8_t *tls = (uint8_t *)(tp - block);
    if (image->init_bytes)
        memcpy(tls, image->init_image, image->init_bytes);
    memset(tls + image->init_bytes, 0, block - image->init_bytes + KAAL_TLS_TCB_BYTES);
    *(uintptr_t *)tp = tp;
    return tp;
}
