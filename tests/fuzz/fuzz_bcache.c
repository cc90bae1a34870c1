// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer: the block cache (services/vfs/bcache/) against a reference
 * model. The input picks the disk's and the cache's sector sizes
 * (512..4096), a disk size (often not a multiple of 4 KiB), a page budget
 * and a read-ahead window, then a sequence of writes, reads, barriers,
 * syncs, drops and injected read/write faults on chosen sectors. The model
 * is a plain copy of what was written: every read must return exactly the
 * model's bytes, and after a successful sync the disk must hold them too.
 * A write that fails may have reached part of its range: those bytes are
 * "either" in the model until written again. No crash, no sanitizer report,
 * the budget never exceeded. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/bcache.h>
#include "bcache/memdev.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)

#define MAX_DEV_BYTES (17u * 4096u)
#define MAX_IO_BYTES (3u * 4096u)

static uint8_t g_model[MAX_DEV_BYTES];
static bool g_known[MAX_DEV_BYTES / 512]; /* false: a failed write may or may not have landed */
static uint8_t g_arena[(64 + 16) * 4096] __attribute__((aligned(64)));

typedef struct {
    const uint8_t *p;
    size_t n;
} input_t;

static unsigned take(input_t *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static unsigned take16(input_t *in)
{
    return take(in) | take(in) << 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input_t in = {data, size};
    unsigned a = take(&in), b = take(&in);
    uint32_t lo = 512u << (a & 3), up = 512u << ((a >> 2) & 3);
    uint32_t n_pages = 2 + ((a >> 4) & 7) * 2;  /* 2..16 */
    uint32_t ra = (b >> 5) % (n_pages / 2 + 1); /* 0..n_pages/2 */
    uint64_t dev_bytes = (1 + (b & 15)) * 4096ull + ((b >> 4) & 1) * (4096 - lo);
    if (dev_bytes == 0 || dev_bytes > MAX_DEV_BYTES)
        return 0;

    memdev_t m;
    vfs_blockdev_t lower;
    memdev_init(&m, lo, dev_bytes / lo, false, &lower);
    for (size_t i = 0; i < dev_bytes; i++)
        m.bytes[i] = g_model[i] = (uint8_t)(i * 7 + (i >> 9));
    memset(g_known, 1, sizeof(g_known));
    kaal_bcache_config_t cfg = {&lower, n_pages, ra, up};
    size_t need = kaal_bcache_arena_bytes(&cfg);
    CHECK(need && need <= sizeof(g_arena));
    kaal_bcache_t *c = kaal_bcache_init(g_arena, need, &cfg);
    CHECK(c);
    vfs_blockdev_t dev = kaal_bcache_dev(c);
    uint64_t n_up = dev.n_sectors;
    CHECK(n_up == dev_bytes / up);
    static uint8_t buf[MAX_IO_BYTES];

    while (in.n && n_up) {
        unsigned op = take(&in) % 8;
        uint64_t s = take16(&in) % n_up;
        uint32_t max_n = (uint32_t)(MAX_IO_BYTES / up);
        uint32_t n = 1 + take(&in) % max_n;
        if (n > n_up - s)
            n = (uint32_t)(n_up - s);
        size_t at = (size_t)s * up, bytes = (size_t)n * up;
        switch (op) {
        case 0:
        case 1: { /* write */
            uint8_t fill = (uint8_t)take(&in);
            for (size_t i = 0; i < bytes; i++)
                buf[i] = (uint8_t)(fill + i / 512);
            int err = dev.write(dev.ctx, s, n, buf);
            memcpy(g_model + at, buf, bytes);
            for (size_t u = at / 512; u < (at + bytes) / 512; u++)
                g_known[u] = err == 0;
            CHECK(err == 0 || err == -5);
            break;
        }
        case 2:
        case 3: { /* read */
            int err = dev.read(dev.ctx, s, n, buf);
            CHECK(err == 0 || err == -5);
            if (err)
                break;
            for (size_t u = 0; u < bytes / 512; u++)
                if (g_known[at / 512 + u])
                    CHECK(memcmp(buf + u * 512, g_model + at + u * 512, 512) == 0);
            break;
        }
        case 4: CHECK(dev.barrier(dev.ctx) == 0); break;
        case 5: { /* sync or drop: the disk holds the model */
            int err = (s & 1) ? kaal_bcache_drop(c) : dev.flush(dev.ctx);
            CHECK(err == 0 || err == -5);
            if (err)
                break;
            CHECK(kaal_bcache_n_dirty(c) == 0);
            for (size_t u = 0; u < dev_bytes / 512; u++)
                if (g_known[u])
                    CHECK(memcmp(m.bytes + u * 512, g_model + u * 512, 512) == 0);
            break;
        }
        case 6: /* a faulty sector, or none */
            m.fail_read_sector = (n & 1) ? (int64_t)(s * up / lo) : -1;
            break;
        case 7: m.fail_write_sector = (n & 1) ? (int64_t)(s * up / lo) : -1; break;
        }
        CHECK(kaal_bcache_n_dirty(c) <= n_pages);
    }
    m.fail_read_sector = m.fail_write_sector = -1;
    CHECK(kaal_bcache_destroy(c) == 0);
    for (size_t u = 0; u < dev_bytes / 512; u++)
        if (g_known[u])
            CHECK(memcmp(m.bytes + u * 512, g_model + u * 512, 512) == 0);
    memdev_free(&m);
    return 0;
}
