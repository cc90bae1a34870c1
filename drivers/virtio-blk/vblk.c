// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-blk (virtio 1.2 §5.2) between the <kaal/blk.h> rings and one
 * request virtqueue, several requests in flight.
 *
 * Model: the client sends request records on `req`; each record is copied
 * once into driver memory and checked (op, counts against the capacity,
 * the logical block size and the limits the device gave, data inside the
 * `data` region, writes on a read-only disk) before the device sees
 * anything. A record that passes takes a slot: the slot's 16-byte header
 * {type, reserved, sector}, for discard/write-zeroes its 16-byte segment,
 * and its status byte live in driver-private DMA memory, so the client
 * cannot change them under the device; the data is a descriptor (several
 * if the device limits segment size, VIRTIO_BLK_F_SIZE_MAX) straight into
 * the data region, which is DMA memory: nothing is copied. The chain is
 * header, [data | segment], status (§5.2.6). The slot's index is the
 * chain's token; when the device answers, the record goes back on the
 * free queue with KAAL_BLK_S_* in its flags. A refused record goes back at
 * once with its reason.
 *
 * Ordering: the device may complete requests in any order, and so may
 * this driver; a client that needs an order waits for completions (a
 * flush covers the writes completed before it). Without VIRTIO_BLK_F_FLUSH
 * the device has no volatile cache and a FLUSH completes at once.
 *
 * Distrust: used entries are checked by runtime/virtio; a status byte
 * other than OK or UNSUPP is an I/O error. A broken used ring or
 * DEVICE_NEEDS_RESET stops the data path: every request in flight and
 * every later one completes with IOERR, so the client never waits forever
 * on a device that stopped.
 */
#include "vblk.h"

#include <kaal/stdio.h>
#include <kaal/string.h>

#define HDR_OFFSET 0
#define SEGMENT_OFFSET 16
#define STATUS_OFFSET 32

static void put_le(volatile uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void complete(vblk_t *b, kaal_ring_desc_t d, uint16_t status)
{
    d.flags = status;
    if (status != KAAL_BLK_S_OK)
        b->n_errors++;
    if (kaal_ring_receiver_release(&b->req, &d) == KAAL_OK)
        b->released = true;
}

static void stop(vblk_t *b, const char *why)
{
    if (!b->broken)
        printf("virtio-blk: %s: every request fails from now on\n", why);
    b->broken = true;
    for (unsigned i = 0; i < VBLK_SLOTS; i++) {
        if (b->slot[i].busy) {
            b->slot[i].busy = false;
            complete(b, b->slot[i].desc, KAAL_BLK_S_IOERR);
        }
    }
    b->n_busy = 0;
}

/* The KAAL_BLK_S_* a record earns before it reaches the device; OK if it
 * may go. */
static uint16_t check(const vblk_t *b, const kaal_blk_req_t *r)
{
    const kaal_blk_info_t *in = &b->info;
    bool writes = r->op != KAAL_BLK_OP_READ && r->op != KAAL_BLK_OP_FLUSH;
    if (r->op < KAAL_BLK_OP_READ || r->op > KAAL_BLK_OP_WRITE_ZEROES)
        return KAAL_BLK_S_EINVAL;
    if (r->op == KAAL_BLK_OP_FLUSH)
        return KAAL_BLK_S_OK;
    if (writes && (in->flags & KAAL_BLK_INFO_READ_ONLY))
        return KAAL_BLK_S_EROFS;
    uint32_t per_block = in->block_bytes / KAAL_BLK_SECTOR_BYTES;
    if (r->n_sectors == 0 || r->n_sectors % per_block || r->sector % per_block)
        return KAAL_BLK_S_EINVAL;
    if (r->sector > in->capacity_sectors || r->n_sectors > in->capacity_sectors - r->sector)
        return KAAL_BLK_S_ERANGE;
    if (r->op == KAAL_BLK_OP_DISCARD || r->op == KAAL_BLK_OP_WRITE_ZEROES) {
        uint32_t need = r->op == KAAL_BLK_OP_DISCARD ? KAAL_BLK_INFO_DISCARD
                                                     : KAAL_BLK_INFO_WRITE_ZEROES;
        if (!(in->flags & need))
            return KAAL_BLK_S_UNSUPP;
        return r->n_sectors <= in->max_discard_sectors ? KAAL_BLK_S_OK : KAAL_BLK_S_ERANGE;
    }
    uint64_t bytes = (uint64_t)r->n_sectors * KAAL_BLK_SECTOR_BYTES;
    if (bytes > in->max_request_bytes || r->data_offset > b->mem.data_bytes ||
        bytes > b->mem.data_bytes - r->data_offset)
        return KAAL_BLK_S_ERANGE;
    return KAAL_BLK_S_OK;
}

static uint32_t virtio_type(uint32_t op)
{
    switch (op) {
    case KAAL_BLK_OP_READ: return VBLK_T_IN;
    case KAAL_BLK_OP_WRITE: return VBLK_T_OUT;
    case KAAL_BLK_OP_FLUSH: return VBLK_T_FLUSH;
    case KAAL_BLK_OP_DISCARD: return VBLK_T_DISCARD;
    default: return VBLK_T_WRITE_ZEROES;
    }
}

/* Puts record r (checked) on the queue in slot s; false if the queue has
 * no room for its chain. */
static bool post(vblk_t *b, unsigned s, const kaal_blk_req_t *r)
{
    volatile uint8_t *hw = b->slot_hw + s * VBLK_SLOT_STRIDE;
    uint64_t hw_paddr = b->slot_hw_paddr + s * VBLK_SLOT_STRIDE;
    bool flush = r->op == KAAL_BLK_OP_FLUSH;
    put_le(hw + HDR_OFFSET, virtio_type(r->op), 4);
    put_le(hw + HDR_OFFSET + 4, 0, 4);
    put_le(hw + HDR_OFFSET + 8, flush ? 0 : r->sector, 8);
    hw[STATUS_OFFSET] = 0xff; /* no answer yet */
    kaal_virtq_buf_t bufs[VBLK_MAX_SEGS + 2];
    unsigned n = 0;
    bufs[n++] = (kaal_virtq_buf_t){hw_paddr + HDR_OFFSET, 16, false};
    if (r->op == KAAL_BLK_OP_READ || r->op == KAAL_BLK_OP_WRITE) {
        uint64_t left = (uint64_t)r->n_sectors * KAAL_BLK_SECTOR_BYTES;
        uint64_t paddr = b->mem.data_paddr + r->data_offset;
        while (left) {
            uint32_t len = left < b->size_max ? (uint32_t)left : b->size_max;
            bufs[n++] = (kaal_virtq_buf_t){paddr, len, r->op == KAAL_BLK_OP_READ};
            paddr += len;
            left -= len;
        }
    } else if (!flush) {
        put_le(hw + SEGMENT_OFFSET, r->sector, 8);
        put_le(hw + SEGMENT_OFFSET + 8, r->n_sectors, 4);
        put_le(hw + SEGMENT_OFFSET + 12, 0, 4); /* no unmap flag: only what was asked */
        bufs[n++] = (kaal_virtq_buf_t){hw_paddr + SEGMENT_OFFSET, 16, false};
    }
    bufs[n++] = (kaal_virtq_buf_t){hw_paddr + STATUS_OFFSET, 1, true};
    return kaal_virtq_add(&b->q, bufs, n, s) == KAAL_OK;
}

static void reap(vblk_t *b)
{
    for (;;) {
        kaal_virtq_used_ret_t u = kaal_virtq_get_used(&b->q);
        if (u.err == KAAL_EAGAIN)
            return;
        if (u.err == KAAL_EIO) {
            stop(b, "the device broke the request queue (used index jumped)");
            return;
        }
        if (u.err == KAAL_EFORMAT || u.token >= VBLK_SLOTS || !b->slot[u.token].busy)
            continue; /* a used entry for no request: dropped (counted by runtime/virtio) */
        vblk_slot_t *s = &b->slot[u.token];
        uint8_t st = b->slot_hw[u.token * VBLK_SLOT_STRIDE + STATUS_OFFSET];
        s->busy = false;
        b->n_busy--;
        complete(b, s->desc,
                 u.err == KAAL_OK && st == VBLK_S_OK ? KAAL_BLK_S_OK
                 : st == VBLK_S_UNSUPP               ? KAAL_BLK_S_UNSUPP
                                                     : KAAL_BLK_S_IOERR);
    }
}

static unsigned free_slot(const vblk_t *b)
{
    for (unsigned i = 0; i < VBLK_SLOTS; i++)
        if (!b->slot[i].busy)
            return i;
    return VBLK_SLOTS;
}

/* Takes records while a slot and room for the longest chain are free;
 * true if anything went to the device. */
static bool take(vblk_t *b)
{
    bool posted = false;
    kaal_ring_desc_t d;
    while (b->n_busy < VBLK_SLOTS && kaal_virtq_free_count(&b->q) >= b->max_segs + 2) {
        const void *rec = kaal_ring_receiver_recv(&b->req, &d);
        if (rec == NULL)
            break;
        kaal_blk_req_t r;
        if (d.length_bytes < sizeof(r)) {
            b->n_refused++;
            complete(b, d, KAAL_BLK_S_EINVAL);
            continue;
        }
        memcpy(&r, rec, sizeof(r)); /* once: the client cannot change what was checked */
        uint16_t st = b->broken ? KAAL_BLK_S_IOERR : check(b, &r);
        if (st == KAAL_BLK_S_OK && r.op == KAAL_BLK_OP_FLUSH && !(b->info.flags & KAAL_BLK_INFO_FLUSH)) {
            complete(b, d, KAAL_BLK_S_OK); /* no volatile cache: writes are durable */
            continue;
        }
        if (st != KAAL_BLK_S_OK) {
            b->n_refused++;
            complete(b, d, st);
            continue;
        }
        unsigned s = free_slot(b);
        if (!post(b, s, &r)) { /* cannot happen: room was checked */
            complete(b, d, KAAL_BLK_S_IOERR);
            continue;
        }
        b->slot[s] = (vblk_slot_t){.busy = true, .desc = d};
        b->n_busy++;
        b->n_requests++;
        posted = true;
    }
    return posted;
}

void vblk_poll(vblk_t *b)
{
    for (;;) {
        if (!b->broken)
            reap(b);
        if (!b->broken && kaal_virtio_check(b->dev) != KAAL_OK)
            stop(b, b->dev->why);
        if (take(b) && kaal_virtq_publish(&b->q))
            kaal_virtq_notify(b->dev, &b->q);
        /* Wait for records only with room for them (a completion's
         * interrupt brings us back otherwise); arming re-checks. */
        if (b->n_busy < VBLK_SLOTS && kaal_virtq_free_count(&b->q) >= b->max_segs + 2 &&
            !kaal_ring_consumer_arm(&b->req.active))
            continue;
        break;
    }
    if (b->released && kaal_ring_producer_should_signal(&b->req.free))
        b->signal(b->signal_ctx);
    b->released = false;
}

void vblk_interrupt(vblk_t *b)
{
    (void)kaal_virtio_isr(b->dev);
    vblk_poll(b);
}

static uint32_t cfg32(vblk_t *b, uint32_t offset)
{
    return kaal_virtio_config_read(b->dev, offset, 4);
}

/* The limits the device gave, as <kaal/blk.h> INFO reports them. */
static void read_config(vblk_t *b)
{
    uint64_t f = b->dev->features;
    kaal_blk_info_t *in = &b->info;
    in->capacity_sectors = cfg32(b, VBLK_CFG_CAPACITY) | (uint64_t)cfg32(b, VBLK_CFG_CAPACITY + 4)
                                                             << 32;
    in->block_bytes = KAAL_BLK_SECTOR_BYTES;
    if (f & VBLK_F_BLK_SIZE) {
        uint32_t bs = cfg32(b, VBLK_CFG_BLK_SIZE);
        if (bs >= 512 && bs <= 4096 && (bs & (bs - 1)) == 0)
            in->block_bytes = bs; /* anything else: 512, which every disk accepts */
    }
    b->max_segs = VBLK_MAX_SEGS;
    if (f & VBLK_F_SEG_MAX) {
        uint32_t sm = cfg32(b, VBLK_CFG_SEG_MAX);
        if (sm >= 1 && sm < b->max_segs)
            b->max_segs = sm;
    }
    uint64_t max = b->mem.data_bytes;
    b->size_max = 1u << 30;
    if (f & VBLK_F_SIZE_MAX) {
        uint32_t sz = cfg32(b, VBLK_CFG_SIZE_MAX) & ~(in->block_bytes - 1);
        b->size_max = sz ? sz : in->block_bytes;
        if ((uint64_t)b->size_max * b->max_segs < max)
            max = (uint64_t)b->size_max * b->max_segs;
    }
    in->max_request_bytes = (uint32_t)(max & ~(uint64_t)(in->block_bytes - 1));
    in->flags = 0;
    if (f & VBLK_F_RO)
        in->flags |= KAAL_BLK_INFO_READ_ONLY;
    if (f & VBLK_F_FLUSH)
        in->flags |= KAAL_BLK_INFO_FLUSH;
    uint32_t md = (f & VBLK_F_DISCARD) ? cfg32(b, VBLK_CFG_MAX_DISCARD_SECTORS) : 0;
    uint32_t mz = (f & VBLK_F_WRITE_ZEROES) ? cfg32(b, VBLK_CFG_MAX_WRITE_ZEROES_SECTORS) : 0;
    if (md)
        in->flags |= KAAL_BLK_INFO_DISCARD;
    if (mz)
        in->flags |= KAAL_BLK_INFO_WRITE_ZEROES;
    /* One limit for both: the smaller of those offered. */
    in->max_discard_sectors = md && mz ? (md < mz ? md : mz) : (md ? md : mz);
    in->max_discard_sectors &= ~(in->block_bytes / KAAL_BLK_SECTOR_BYTES - 1);
}

kaal_error_t vblk_start(vblk_t *b, kaal_virtio_t *dev, const vblk_mem_t *mem,
                        void (*signal)(void *ctx), void *signal_ctx, const char **why)
{
    memset(b, 0, sizeof(*b));
    b->dev = dev;
    b->mem = *mem;
    b->signal = signal;
    b->signal_ctx = signal_ctx;
    *why = NULL;
    if (kaal_ring_receiver_attach(&b->req, mem->req_queues, mem->req_data, mem->req_data_bytes)) {
        *why = "the req ring is not formatted";
        return KAAL_EINVAL;
    }
    kaal_error_t err = kaal_virtio_reset(dev);
    if (!err) {
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_ACKNOWLEDGE | KAAL_VIRTIO_STATUS_DRIVER);
        err = kaal_virtio_negotiate(dev, VBLK_FEATURES, 0);
    }
    if (err) {
        *why = dev->why;
        return err;
    }
    uint16_t size = VBLK_QUEUE_SIZE, max = kaal_virtq_max_size(dev, 0);
    while (size > max && size > 2)
        size /= 2;
    size_t qbytes = kaal_virtq_bytes(size);
    if (max < 4 || qbytes + VBLK_SLOTS * VBLK_SLOT_STRIDE > mem->dma_bytes) {
        *why = max < 4 ? "the device has no usable request queue" : "the DMA region is too small";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_ENOMEM;
    }
    if (kaal_virtq_init(&b->q, 0, size, mem->dma, mem->dma_paddr) || kaal_virtq_setup(dev, &b->q)) {
        *why = dev->why ? dev->why : "the queue could not be set up";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_EIO;
    }
    b->slot_hw = (volatile uint8_t *)mem->dma + qbytes;
    b->slot_hw_paddr = mem->dma_paddr + qbytes;
    read_config(b);
    if (b->max_segs + 2 > size)
        b->max_segs = size - 2u;
    err = kaal_virtio_driver_ok(dev);
    if (err) {
        *why = dev->why;
        return err;
    }
    vblk_poll(b); /* arms the req ring (and serves records sent already) */
    return KAAL_OK;
}
