// SPDX-License-Identifier: BSD-2-Clause
/* The in-memory test block device (see memdev.h). */
#include "memdev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool touches(int64_t bad, uint64_t sector, uint32_t n)
{
    return bad >= 0 && (uint64_t)bad >= sector && (uint64_t)bad < sector + n;
}

static void log_event(memdev_t *m, uint64_t sector, uint32_t n, const void *buf)
{
    if (!m->record)
        return;
    if (m->n_log == m->log_cap) {
        m->log_cap = m->log_cap ? m->log_cap * 2 : 256;
        m->log = realloc(m->log, m->log_cap * sizeof(*m->log));
        if (!m->log)
            abort();
    }
    memdev_event_t *e = &m->log[m->n_log++];
    e->sector = sector;
    e->n_sectors = n;
    e->data = NULL;
    if (n) {
        e->data = malloc((size_t)n * m->sector_bytes);
        if (!e->data)
            abort();
        memcpy(e->data, buf, (size_t)n * m->sector_bytes);
    }
}

static int md_read(void *ctx, uint64_t sector, uint32_t n, void *buf)
{
    memdev_t *m = ctx;
    if (n == 0 || sector >= m->n_sectors || n > m->n_sectors - sector)
        return -EINVAL;
    m->reads++;
    if (touches(m->fail_read_sector, sector, n))
        return -EIO;
    m->sectors_read += n;
    memcpy(buf, m->bytes + sector * m->sector_bytes, (size_t)n * m->sector_bytes);
    return 0;
}

static int md_write(void *ctx, uint64_t sector, uint32_t n, const void *buf)
{
    memdev_t *m = ctx;
    if (n == 0 || sector >= m->n_sectors || n > m->n_sectors - sector)
        return -EINVAL;
    m->writes++;
    if (touches(m->fail_write_sector, sector, n))
        return -EIO;
    m->sectors_written += n;
    memcpy(m->bytes + sector * m->sector_bytes, buf, (size_t)n * m->sector_bytes);
    log_event(m, sector, n, buf);
    return 0;
}

static int md_flush(void *ctx)
{
    memdev_t *m = ctx;
    m->flushes++;
    log_event(m, 0, 0, NULL);
    return 0;
}

void memdev_init(memdev_t *m, uint32_t sector_bytes, uint64_t n_sectors, bool read_only,
                 vfs_blockdev_t *dev)
{
    memset(m, 0, sizeof(*m));
    m->bytes = calloc(n_sectors, sector_bytes);
    if (!m->bytes)
        abort();
    m->sector_bytes = sector_bytes;
    m->n_sectors = n_sectors;
    m->fail_read_sector = m->fail_write_sector = -1;
    *dev = (vfs_blockdev_t){
        .ctx = m,
        .sector_bytes = sector_bytes,
        .n_sectors = n_sectors,
        .read_only = read_only,
        .read = md_read,
        .write = md_write,
        .flush = md_flush,
    };
}

void memdev_clear_log(memdev_t *m)
{
    for (size_t i = 0; i < m->n_log; i++)
        free(m->log[i].data);
    m->n_log = 0;
}

void memdev_free(memdev_t *m)
{
    memdev_clear_log(m);
    free(m->log);
    free(m->bytes);
    memset(m, 0, sizeof(*m));
}
