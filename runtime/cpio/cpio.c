// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reader of "newc" cpio archives (include/kaal/cpio.h). Each entry is a
 * 110-byte ASCII header (magic "070701", then thirteen fields of exactly
 * eight hexadecimal digits: ino mode uid gid nlink mtime filesize devmajor
 * devminor rdevmajor rdevminor namesize check), the name with its NUL
 * (namesize counts it), NUL padding so the data starts 4-byte aligned,
 * the data and padding to 4 bytes again. An entry named TRAILER!!! ends it.
 *
 * The archive is untrusted input (a boot module): every length is checked
 * against the bytes that remain before it is used, in size_t arithmetic
 * that cannot wrap (fields are at most 0xffffffff, so offset + field +
 * padding stays far below SIZE_MAX on 64-bit hosts and guests). Names are
 * made relative: leading "/" and "./" are dropped, "" becomes "." (the
 * root), and a ".." component anywhere is refused, so no entry can name a
 * path outside the directory it is unpacked into.
 *
 * Freestanding: no libc, no allocation, the archive is never written.
 */
#include <kaal/cpio.h>

#define FIELD_DIGITS 8
#define N_FIELDS 13
#define TRAILER "TRAILER!!!"

static size_t pad4(size_t n)
{
    return (4 - (n & 3)) & 3;
}

/* Eight hex digits at p; -1 if any is not one. */
static int64_t hex_field(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 0; i < FIELD_DIGITS; i++) {
        uint8_t ch = p[i];
        uint32_t d;
        if (ch >= '0' && ch <= '9')
            d = (uint32_t)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            d = (uint32_t)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            d = (uint32_t)(ch - 'A' + 10);
        else
            return -1;
        v = v << 4 | d;
    }
    return v;
}

static int bytes_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* A ".." component anywhere in name[0..n). */
static int has_dotdot(const char *name, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || name[i] == '/') {
            if (i - start == 2 && name[start] == '.' && name[start + 1] == '.')
                return 1;
            start = i + 1;
        }
    }
    return 0;
}

void kaal_cpio_init(kaal_cpio_t *c, const void *archive, size_t size_bytes)
{
    c->base = archive;
    c->size_bytes = size_bytes;
    c->offset = 0;
    c->done = 0;
    c->status = KAAL_CPIO_OK;
}

static kaal_cpio_status_t finish(kaal_cpio_t *c, kaal_cpio_status_t st)
{
    c->done = 1;
    c->status = st;
    return st;
}

kaal_cpio_status_t kaal_cpio_next(kaal_cpio_t *c, kaal_cpio_entry_t *e)
{
    static const uint8_t magic[6] = {'0', '7', '0', '7', '0', '1'};
    uint32_t f[N_FIELDS];

    if (c->done)
        return c->status;
    size_t left = c->offset < c->size_bytes ? c->size_bytes - c->offset : 0;
    if (left == 0)
        return finish(c, KAAL_CPIO_NO_TRAILER);
    if (left < KAAL_CPIO_HEADER_BYTES)
        return finish(c, KAAL_CPIO_TRUNCATED);
    const uint8_t *h = c->base + c->offset;
    for (int i = 0; i < 6; i++)
        if (h[i] != magic[i])
            return finish(c, KAAL_CPIO_BAD_MAGIC);
    for (int i = 0; i < N_FIELDS; i++) {
        int64_t v = hex_field(h + 6 + i * FIELD_DIGITS);
        if (v < 0)
            return finish(c, KAAL_CPIO_BAD_FIELD);
        f[i] = (uint32_t)v;
    }
    size_t namesize = f[11], filesize = f[6];
    left -= KAAL_CPIO_HEADER_BYTES;
    if (namesize == 0 || namesize > KAAL_CPIO_PATH_MAX || namesize > left)
        return finish(c, KAAL_CPIO_BAD_NAME);
    const char *name = (const char *)h + KAAL_CPIO_HEADER_BYTES;
    size_t len = 0;
    while (len < namesize && name[len] != '\0')
        len++;
    if (len != namesize - 1)
        return finish(c, KAAL_CPIO_BAD_NAME); /* no NUL at the end, or one inside */
    size_t data_off = KAAL_CPIO_HEADER_BYTES + namesize;
    data_off += pad4(data_off);
    size_t entry_left = c->size_bytes - c->offset;
    if (data_off > entry_left || filesize > entry_left - data_off)
        return finish(c, KAAL_CPIO_BAD_SIZE);

    if (len == sizeof(TRAILER) - 1 && bytes_eq(name, TRAILER, len))
        return finish(c, KAAL_CPIO_END);
    /* Relative to the unpack directory: drop leading "/" and "./". */
    for (;;) {
        if (len >= 1 && name[0] == '/') {
            name++;
            len--;
        } else if (len >= 2 && name[0] == '.' && name[1] == '/') {
            name += 2;
            len -= 2;
        } else {
            break;
        }
    }
    if (has_dotdot(name, len))
        return finish(c, KAAL_CPIO_BAD_PATH);
    if (len == 0) {
        name = ".";
        len = 1;
    }
    *e = (kaal_cpio_entry_t){
        .name = name,
        .name_bytes = len,
        .ino = f[0],
        .mode = f[1],
        .uid = f[2],
        .gid = f[3],
        .nlink = f[4],
        .mtime = f[5],
        .devmajor = f[7],
        .devminor = f[8],
        .rdevmajor = f[9],
        .rdevminor = f[10],
        .data = h + data_off,
        .size_bytes = filesize,
        .offset = c->offset,
    };
    c->offset += data_off + filesize + pad4(filesize);
    return KAAL_CPIO_OK;
}

const char *kaal_cpio_strerror(kaal_cpio_status_t status)
{
    switch (status) {
    case KAAL_CPIO_OK: return "ok";
    case KAAL_CPIO_END: return "end of archive";
    case KAAL_CPIO_TRUNCATED: return "truncated header";
    case KAAL_CPIO_BAD_MAGIC: return "bad magic (not a newc cpio archive, 070701)";
    case KAAL_CPIO_BAD_FIELD: return "header field is not 8 hexadecimal digits";
    case KAAL_CPIO_BAD_NAME: return "name empty, too long, unterminated or past the end";
    case KAAL_CPIO_BAD_PATH: return "path leaves the root (a '..' component)";
    case KAAL_CPIO_BAD_SIZE: return "file data runs past the end of the archive";
    case KAAL_CPIO_NO_TRAILER: return "archive ends without a TRAILER!!! entry";
    }
    return "unknown cpio error";
}
