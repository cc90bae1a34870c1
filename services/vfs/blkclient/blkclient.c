// SPDX-License-Identifier: BSD-2-Clause
/*
 * A disk driver's <kaal/blk.h> rings as a vfs_blockdev_t (<kaal/blk_client.h>).
 *
 * Model: the client owns every request record and the whole data region.
 * At attach it takes all records off the free queue (init put them there),
 * so a record the driver puts back later is a completion. Record i always
 * uses chunk i of the data region (data_bytes / n_records, rounded down
 * to the disk's block size and capped by the driver's largest request),
 * so requests in flight never share data. A transfer is cut into chunks;
 * each chunk takes a free record (a write copies its data in first), all
 * are sent, and completions are collected in whatever order they come (a
 * read copies its chunk out). The call returns once nothing of it is in
 * flight.
 *
 * Distrust: what comes back on the free queue is checked: the descriptor
 * must name one of our records that is in flight, else it is counted and
 * dropped (kaal_ring_sender_get_buffer already refuses descriptors
 * outside the records' region).
 */
#include <kaal/blk_client.h>
#include <kaal/linux_errno.h>
#include <kaal/string.h>

kaal_error_t kaal_blk_client_init(kaal_blk_client_t *c, const kaal_blk_client_config_t *cfg,
                                  const char **why)
{
    memset(c, 0, sizeof(*c));
    c->cfg = *cfg;
    *why = NULL;
    uint32_t n = cfg->n_records, bs = cfg->info.block_bytes;
    if (n == 0 || n > KAAL_BLK_CLIENT_MAX_RECORDS ||
        cfg->req_data_bytes / n < sizeof(kaal_blk_req_t)) {
        *why = "the req ring's records are missing or smaller than a request";
        return KAAL_EINVAL;
    }
    if (bs < KAAL_BLK_SECTOR_BYTES || bs > 4096 || (bs & (bs - 1))) {
        *why = "the disk's block size is not a power of two from 512 to 4096";
        return KAAL_EINVAL;
    }
    c->record_bytes = (uint32_t)(cfg->req_data_bytes / n);
    uint64_t chunk = cfg->data_bytes / n;
    if (cfg->info.max_request_bytes && chunk > cfg->info.max_request_bytes)
        chunk = cfg->info.max_request_bytes;
    c->chunk_bytes = (uint32_t)(chunk & ~(uint64_t)(bs - 1));
    if (c->chunk_bytes == 0) {
        *why = "the data region holds no block per record";
        return KAAL_EINVAL;
    }
    if (kaal_ring_sender_attach(&c->req, cfg->req_queues, cfg->req_data, cfg->req_data_bytes)) {
        *why = "the req ring is not formatted";
        return KAAL_EINVAL;
    }
    kaal_ring_desc_t d;
    while (c->n_free < n && kaal_ring_sender_get_buffer(&c->req, &d) != NULL)
        if (d.offset % c->record_bytes == 0)
            c->free[c->n_free++] = d;
    if (c->n_free == 0) {
        *why = "the req ring has no free records";
        return KAAL_EINVAL;
    }
    return KAAL_OK;
}

static int errno_of(uint16_t status)
{
    switch (status) {
    case KAAL_BLK_S_OK: return 0;
    case KAAL_BLK_S_UNSUPP: return -LINUX_EOPNOTSUPP;
    case KAAL_BLK_S_EROFS: return -LINUX_EROFS;
    case KAAL_BLK_S_EINVAL: return -LINUX_EINVAL;
    default: return -LINUX_EIO; /* IOERR, ERANGE (past the end), anything unknown */
    }
}

/* Takes one completion if there is one; returns its status (or -1 for
 * none), the record back on our free list. */
static int reap_one(kaal_blk_client_t *c, uint32_t *in_flight)
{
    kaal_ring_desc_t d;
    while (kaal_ring_sender_get_buffer(&c->req, &d) != NULL) {
        uint64_t i = d.offset / c->record_bytes;
        if (d.offset % c->record_bytes || i >= c->cfg.n_records || !c->busy[i]) {
            c->n_stray++;
            continue;
        }
        c->busy[i] = false;
        (*in_flight)--;
        uint16_t status = d.flags;
        if (status == KAAL_BLK_S_OK && c->dest[i])
            memcpy(c->dest[i], (uint8_t *)c->cfg.data + i * (uint64_t)c->chunk_bytes,
                   c->length[i]);
        else if (status != KAAL_BLK_S_OK)
            c->n_errors++;
        d.length_bytes = c->record_bytes;
        d.flags = 0;
        c->free[c->n_free++] = d;
        return errno_of(status);
    }
    return 1;
}

int kaal_blk_client_transfer(kaal_blk_client_t *c, uint32_t op, uint64_t sector,
                             uint64_t n_sectors, void *buf)
{
    bool data = op == KAAL_BLK_OP_READ || op == KAAL_BLK_OP_WRITE;
    uint64_t chunk_sectors = data ? c->chunk_bytes / KAAL_BLK_SECTOR_BYTES
                                  : (c->cfg.info.max_discard_sectors ? c->cfg.info.max_discard_sectors
                                                                     : n_sectors);
    if (op == KAAL_BLK_OP_FLUSH)
        n_sectors = 0;
    else if (n_sectors == 0)
        return 0;
    uint8_t *p = buf;
    uint32_t in_flight = 0;
    int result = 0;
    bool first = true;
    while (first || n_sectors || in_flight) {
        bool sent = false;
        while ((first || n_sectors) && c->n_free > 0 && result == 0) {
            first = false;
            kaal_ring_desc_t d = c->free[--c->n_free];
            uint64_t i = d.offset / c->record_bytes;
            uint64_t n = n_sectors < chunk_sectors ? n_sectors : chunk_sectors;
            uint32_t bytes = (uint32_t)(n * KAAL_BLK_SECTOR_BYTES);
            uint8_t *chunk = (uint8_t *)c->cfg.data + i * (uint64_t)c->chunk_bytes;
            kaal_blk_req_t r = {.op = op,
                                .n_sectors = (uint32_t)n,
                                .sector = op == KAAL_BLK_OP_FLUSH ? 0 : sector,
                                .data_offset = i * (uint64_t)c->chunk_bytes};
            if (op == KAAL_BLK_OP_WRITE)
                memcpy(chunk, p, bytes);
            c->dest[i] = op == KAAL_BLK_OP_READ ? p : NULL;
            c->length[i] = data ? bytes : 0;
            memcpy((uint8_t *)c->cfg.req_data + d.offset, &r, sizeof(r));
            d.length_bytes = sizeof(r);
            if (kaal_ring_sender_send(&c->req, &d) != KAAL_OK) {
                c->free[c->n_free++] = d; /* cannot happen: the record came from the ring */
                result = -LINUX_EIO;
                break;
            }
            c->busy[i] = true;
            in_flight++;
            c->n_requests++;
            sent = true;
            sector += n;
            n_sectors -= n;
            if (data)
                p += bytes;
        }
        if (sent && kaal_ring_producer_should_signal(&c->req.active))
            c->cfg.notify(c->cfg.ctx);
        if (result && in_flight == 0)
            break;
        if (result)
            n_sectors = 0; /* an error: send nothing more, collect what is out */
        if (in_flight == 0)
            continue;
        int st = reap_one(c, &in_flight);
        if (st <= 0) {
            if (st < 0 && result == 0)
                result = st;
            continue;
        }
        if (kaal_ring_consumer_arm(&c->req.free)) {
            c->n_waits++;
            c->cfg.wait(c->cfg.ctx);
        }
    }
    return result;
}

static int dev_read(void *ctx, uint64_t sector, uint32_t n_sectors, void *buf)
{
    kaal_blk_client_t *c = ctx;
    uint32_t k = c->cfg.info.block_bytes / KAAL_BLK_SECTOR_BYTES;
    return kaal_blk_client_transfer(c, KAAL_BLK_OP_READ, sector * k, (uint64_t)n_sectors * k, buf);
}

static int dev_write(void *ctx, uint64_t sector, uint32_t n_sectors, const void *buf)
{
    kaal_blk_client_t *c = ctx;
    uint32_t k = c->cfg.info.block_bytes / KAAL_BLK_SECTOR_BYTES;
    return kaal_blk_client_transfer(c, KAAL_BLK_OP_WRITE, sector * k, (uint64_t)n_sectors * k,
                                    (void *)buf);
}

static int dev_flush(void *ctx)
{
    return kaal_blk_client_transfer(ctx, KAAL_BLK_OP_FLUSH, 0, 0, NULL);
}

vfs_blockdev_t kaal_blk_client_dev(kaal_blk_client_t *c)
{
    const kaal_blk_info_t *in = &c->cfg.info;
    return (vfs_blockdev_t){
        .ctx = c,
        .sector_bytes = in->block_bytes,
        .n_sectors = in->capacity_sectors / (in->block_bytes / KAAL_BLK_SECTOR_BYTES),
        .read_only = (in->flags & KAAL_BLK_INFO_READ_ONLY) != 0,
        .read = dev_read,
        .write = dev_write,
        .flush = dev_flush,
        .barrier = NULL,
    };
}
