// SPDX-License-Identifier: BSD-2-Clause
/*
 * ELF64 executable checker. The image is untrusted (a boot module or a file
 * from the boot image), so every field is validated with overflow-safe
 * arithmetic before anything is derived from it. On success the caller gets
 * the PT_LOAD segments sorted by address and can copy them without further
 * checks. The kernel compiles this file too: no libc, no allocation.
 */
#include <kaal/elf.h>

static int add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
    *sum = a + b;
    return *sum < a;
}

static void sort_segments(kaal_elf_info_t *info)
{
    for (unsigned i = 1; i < info->n_segments; i++) {
        kaal_elf_segment_t s = info->segments[i];
        unsigned j = i;
        while (j > 0 && info->segments[j - 1].vaddr > s.vaddr) {
            info->segments[j] = info->segments[j - 1];
            j--;
        }
        info->segments[j] = s;
    }
}

static void note_extra(const kaal_elf64_phdr_t *ph, kaal_elf_info_t *info)
{
    switch (ph->p_type) {
    case KAAL_PT_INTERP:
        info->has_interp = 1;
        break;
    case KAAL_PT_TLS:
        info->has_tls = 1;
        info->tls = (kaal_elf_segment_t){ .vaddr = ph->p_vaddr, .memsz = ph->p_memsz,
                                          .offset = ph->p_offset, .filesz = ph->p_filesz,
                                          .flags = ph->p_flags };
        info->tls_align = ph->p_align;
        break;
    case KAAL_PT_GNU_STACK:
        info->stack_flags = ph->p_flags;
        break;
    default:
        break;
    }
}

static kaal_elf_status_t check(const void *image, size_t head_bytes, uint64_t size_bytes,
                               int allow_dyn, kaal_elf_info_t *info)
{
    const unsigned char *bytes = image;
    const kaal_elf64_ehdr_t *eh = image;

    if (head_bytes < sizeof(*eh) || size_bytes < sizeof(*eh))
        return KAAL_ELF_TRUNCATED;
    if (bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
        return KAAL_ELF_BAD_MAGIC;
    if (bytes[4] != 2)
        return KAAL_ELF_NOT_64BIT;
    if (bytes[5] != 1)
        return KAAL_ELF_NOT_LITTLE_ENDIAN;
    if (bytes[6] != 1 || eh->e_version != 1)
        return KAAL_ELF_BAD_VERSION;
    if (eh->e_type != KAAL_ET_EXEC && !(allow_dyn && eh->e_type == KAAL_ET_DYN))
        return KAAL_ELF_NOT_EXECUTABLE;
    if (eh->e_machine != KAAL_EM_X86_64)
        return KAAL_ELF_WRONG_MACHINE;

    uint64_t ph_end;
    if (eh->e_phentsize != sizeof(kaal_elf64_phdr_t) || eh->e_phoff % 8 != 0 ||
        add_overflows(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(kaal_elf64_phdr_t), &ph_end) ||
        ph_end > head_bytes)
        return KAAL_ELF_BAD_PHDRS;

    const kaal_elf64_phdr_t *ph = (const void *)(bytes + eh->e_phoff);
    info->n_segments = 0;
    info->type = eh->e_type;
    info->phnum = eh->e_phnum;
    info->phoff = eh->e_phoff;
    info->has_interp = info->has_tls = 0;
    info->tls_align = 0;
    info->stack_flags = KAAL_PF_R | KAAL_PF_W;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        note_extra(&ph[i], info);
        if (ph[i].p_type != KAAL_PT_LOAD || ph[i].p_memsz == 0)
            continue;
        if (info->n_segments == KAAL_ELF_MAX_SEGMENTS)
            return KAAL_ELF_TOO_MANY_SEGMENTS;
        uint64_t file_end, mem_end;
        if (add_overflows(ph[i].p_offset, ph[i].p_filesz, &file_end) || file_end > size_bytes)
            return KAAL_ELF_SEGMENT_OUTSIDE_FILE;
        if (ph[i].p_filesz > ph[i].p_memsz)
            return KAAL_ELF_SEGMENT_FILESZ_GT_MEMSZ;
        if (add_overflows(ph[i].p_vaddr, ph[i].p_memsz, &mem_end) || mem_end > KAAL_ELF_USER_TOP ||
            (ph[i].p_vaddr == 0 && eh->e_type != KAAL_ET_DYN))
            return KAAL_ELF_SEGMENT_BAD_ADDRESS;
        info->segments[info->n_segments++] = (kaal_elf_segment_t){
            .vaddr = ph[i].p_vaddr,
            .memsz = ph[i].p_memsz,
            .offset = ph[i].p_offset,
            .filesz = ph[i].p_filesz,
            .flags = ph[i].p_flags,
        };
    }
    if (info->n_segments == 0)
        return KAAL_ELF_NO_SEGMENTS;

    sort_segments(info);
    /* Segments may share a page (the loader merges permissions) but their
     * byte ranges must be disjoint. */
    for (unsigned i = 1; i < info->n_segments; i++) {
        const kaal_elf_segment_t *prev = &info->segments[i - 1];
        if (prev->vaddr + prev->memsz > info->segments[i].vaddr)
            return KAAL_ELF_SEGMENTS_OVERLAP;
    }

    info->entry = eh->e_entry;
    int entry_ok = 0;
    for (unsigned i = 0; i < info->n_segments; i++) {
        const kaal_elf_segment_t *s = &info->segments[i];
        if ((s->flags & KAAL_PF_X) && eh->e_entry >= s->vaddr && eh->e_entry < s->vaddr + s->memsz)
            entry_ok = 1;
    }
    if (!entry_ok)
        return KAAL_ELF_ENTRY_OUTSIDE;

    const kaal_elf_segment_t *last = &info->segments[info->n_segments - 1];
    info->lowest_vaddr = info->segments[0].vaddr;
    info->highest_vaddr = last->vaddr + last->memsz;
    return KAAL_ELF_OK;
}

kaal_elf_status_t kaal_elf_check(const void *image, size_t size_bytes, kaal_elf_info_t *info)
{
    return check(image, size_bytes, size_bytes, 0, info);
}

kaal_elf_status_t kaal_elf_check_file(const void *head, size_t head_bytes, uint64_t file_bytes,
                                      int allow_dyn, kaal_elf_info_t *info)
{
    if (head_bytes > file_bytes)
        return KAAL_ELF_TRUNCATED;
    return check(head, head_bytes, file_bytes, allow_dyn, info);
}

const char *kaal_elf_strerror(kaal_elf_status_t status)
{
    switch (status) {
    case KAAL_ELF_OK: return "ok";
    case KAAL_ELF_TRUNCATED: return "truncated: shorter than an ELF header";
    case KAAL_ELF_BAD_MAGIC: return "not an ELF file (bad magic)";
    case KAAL_ELF_NOT_64BIT: return "not a 64-bit ELF";
    case KAAL_ELF_NOT_LITTLE_ENDIAN: return "not little-endian";
    case KAAL_ELF_BAD_VERSION: return "unknown ELF version";
    case KAAL_ELF_NOT_EXECUTABLE: return "not an executable (ET_EXEC, or ET_DYN where allowed)";
    case KAAL_ELF_WRONG_MACHINE: return "wrong machine (not x86_64)";
    case KAAL_ELF_BAD_PHDRS: return "program header table outside the file or malformed";
    case KAAL_ELF_TOO_MANY_SEGMENTS: return "too many loadable segments";
    case KAAL_ELF_SEGMENT_OUTSIDE_FILE: return "segment data lies outside the file";
    case KAAL_ELF_SEGMENT_FILESZ_GT_MEMSZ: return "segment file size exceeds its memory size";
    case KAAL_ELF_SEGMENT_BAD_ADDRESS: return "segment address outside user space";
    case KAAL_ELF_SEGMENTS_OVERLAP: return "segments overlap";
    case KAAL_ELF_NO_SEGMENTS: return "no loadable segments";
    case KAAL_ELF_ENTRY_OUTSIDE: return "entry point outside the executable segments";
    }
    return "unknown ELF error";
}
