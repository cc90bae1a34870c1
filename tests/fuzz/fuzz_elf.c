// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: any byte string given to the ELF checker either is rejected or
 * yields segments that lie inside the input and inside user space. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <kaal/elf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Copy to an aligned buffer exactly the input's size, so ASan sees any
     * read past the end. */
    uint8_t *copy = malloc(size ? size : 1);
    for (size_t i = 0; i < size; i++)
        copy[i] = data[i];
    kaal_elf_info_t info;
    if (kaal_elf_check(copy, size, &info) == KAAL_ELF_OK) {
        for (unsigned i = 0; i < info.n_segments; i++) {
            const kaal_elf_segment_t *s = &info.segments[i];
            if (s->offset + s->filesz > size || s->filesz > s->memsz ||
                s->vaddr + s->memsz > KAAL_ELF_USER_TOP)
                abort();
            if (i > 0 && info.segments[i - 1].vaddr + info.segments[i - 1].memsz > s->vaddr)
                abort();
        }
    }
    free(copy);
    return 0;
}
