/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reader of cpio archives in the "newc" format (magic 070701): what
 * `cpio -H newc` and tools/mkcpio.py write and what Linux unpacks as an
 * initramfs. runtime/cpio/README.md has the format and the rules.
 *
 * Use: kaal_cpio_init() over the archive bytes, then kaal_cpio_next() until
 * it returns KAAL_CPIO_END (the TRAILER!!! entry was reached) or an error.
 * Entries point into the archive; nothing is copied or allocated.
 * Freestanding: no libc.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define KAAL_CPIO_HEADER_BYTES 110
#define KAAL_CPIO_PATH_MAX 4096 /* bytes of a name, its NUL included */

typedef enum {
    KAAL_CPIO_OK = 0,
    KAAL_CPIO_END,        /* the trailer entry: the archive is complete */
    KAAL_CPIO_TRUNCATED,  /* a header runs past the end of the archive */
    KAAL_CPIO_BAD_MAGIC,  /* not 070701 (070707 "odc" and 070702 "crc" are refused) */
    KAAL_CPIO_BAD_FIELD,  /* a header field is not 8 hexadecimal digits */
    KAAL_CPIO_BAD_NAME,   /* empty, too long, past the end or not NUL-terminated */
    KAAL_CPIO_BAD_PATH,   /* a ".." component: the entry would leave the root */
    KAAL_CPIO_BAD_SIZE,   /* file data runs past the end of the archive */
    KAAL_CPIO_NO_TRAILER, /* the archive ends without a TRAILER!!! entry */
} kaal_cpio_status_t;

typedef struct kaal_cpio_entry {
    const char *name;  /* NUL-terminated, no leading "/" or "./"; "." is the root */
    size_t name_bytes; /* strlen(name) */
    uint32_t ino, mode, uid, gid, nlink, mtime;
    uint32_t devmajor, devminor, rdevmajor, rdevminor;
    const uint8_t *data; /* file contents or symlink target (not NUL-terminated) */
    size_t size_bytes;
    size_t offset; /* of the header in the archive, for messages */
} kaal_cpio_entry_t;

typedef struct kaal_cpio {
    const uint8_t *base;
    size_t size_bytes;
    size_t offset; /* of the next header */
    int done;      /* set after END or an error: next() repeats that status */
    kaal_cpio_status_t status;
} kaal_cpio_t;

void kaal_cpio_init(kaal_cpio_t *c, const void *archive, size_t size_bytes);
/* Fills *e with the next entry (KAAL_CPIO_OK), or says why there is none. */
kaal_cpio_status_t kaal_cpio_next(kaal_cpio_t *c, kaal_cpio_entry_t *e);
const char *kaal_cpio_strerror(kaal_cpio_status_t status);
