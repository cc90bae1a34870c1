// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: any byte string given to the newc cpio reader (runtime/cpio)
 * ends in END or an error after finitely many entries, and every entry it
 * returns has a NUL-terminated relative name without a ".." component and
 * data that lies inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/cpio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly the input's size, so ASan sees any read past it. */
    uint8_t *copy = malloc(size ? size : 1);
    if (size)
        memcpy(copy, data, size);
    kaal_cpio_t c;
    kaal_cpio_entry_t e;
    kaal_cpio_init(&c, copy, size);
    size_t n = 0, last_offset = 0;
    kaal_cpio_status_t st;
    while ((st = kaal_cpio_next(&c, &e)) == KAAL_CPIO_OK) {
        if (strlen(e.name) != e.name_bytes || e.name_bytes == 0 || e.name[0] == '/')
            abort();
        if (strcmp(e.name, "..") == 0 || strncmp(e.name, "../", 3) == 0 || strstr(e.name, "/../") ||
            (e.name_bytes >= 3 && strcmp(e.name + e.name_bytes - 3, "/..") == 0))
            abort();
        if (e.data < copy || e.size_bytes > size || e.data + e.size_bytes > copy + size)
            abort();
        if (n > 0 && e.offset <= last_offset) /* progress: no endless loop */
            abort();
        last_offset = e.offset;
        n++;
    }
    if (kaal_cpio_next(&c, &e) != st) /* errors and END stick */
        abort();
    free(copy);
    return 0;
}
