// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-blk (virtio 1.2 §5.2) on runtime/virtio, one request at a time.
 *
 * A request is a three-descriptor chain (§5.2.6): the 16-byte header
 * {type, reserved, sector} (device-read), the data (device-read for a
 * write, device-written for a read, absent for a flush) and the status
 * byte (device-written). Header and status live in driver-private DMA
 * memory; the data is wherever the caller's buffer is (a DMA region shared
 * with the client). The driver posts, notifies, then waits for the used
 * entry (bounded: a device that never answers is an error, not a hang) and
 * turns the status byte into a kaal_error_t. Requests past the capacity
 * are refused before the device sees them; the used entry is checked by
 * runtime/virtio like any other.
 */
#include "vblk.h"

#include <kaal/string.h>

#define MAX_WAITS 1000000u
#define STATUS_OFFSET 16

kaal_error_t vblk_start(vblk_t *b, kaal_virtio_t *dev, void *dma, uint64_t dma_paddr,
                        size_t dma_bytes, void (*wait)(void *ctx), void *wait_ctx, const char **why)
{
    memset(b, 0, sizeof(*b));
    b->dev = dev;
    b->wait = wait;
    b->wait_ctx = wait_ctx;
    *why = NULL;
    kaal_error_t err = kaal_virtio_reset(dev);
    if (!err) {
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_ACKNOWLEDGE | KAAL_VIRTIO_STATUS_DRIVER);
        err = kaal_virtio_negotiate(dev, VBLK_F_FLUSH, 0);
    }
    if (err) {
        *why = dev->why;
        return err;
    }
    uint16_t size = VBLK_QUEUE_SIZE, max = kaal_virtq_max_size(dev, 0);
    while (size > max && size > 2)
        size /= 2;
    size_t qbytes = kaal_virtq_bytes(size);
    if (max < 2 || qbytes + 64 > dma_bytes) {
        *why = max < 2 ? "the device has no request queue" : "the DMA region is too small";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_ENOMEM;
    }
    if (kaal_virtq_init(&b->q, 0, size, dma, dma_paddr) || kaal_virtq_setup(dev, &b->q)) {
        *why = dev->why ? dev->why : "the queue could not be set up";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_EIO;
    }
    b->req = (volatile uint8_t *)dma + qbytes;
    b->req_paddr = dma_paddr + qbytes;
    b->capacity_sectors = kaal_virtio_config_read(dev, VBLK_CFG_CAPACITY, 4) |
                          (uint64_t)kaal_virtio_config_read(dev, VBLK_CFG_CAPACITY + 4, 4) << 32;
    err = kaal_virtio_driver_ok(dev);
    if (err)
        *why = dev->why;
    return err;
}

static void put_le(volatile uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

kaal_error_t vblk_request(vblk_t *b, uint32_t type, uint64_t sector, uint32_t n_sectors,
                          uint64_t buf_paddr)
{
    if (b->broken)
        return KAAL_EIO;
    bool flush = type == VBLK_T_FLUSH;
    if (!flush && (n_sectors == 0 || n_sectors > (1u << 22) || sector > b->capacity_sectors ||
                   n_sectors > b->capacity_sectors - sector))
        return KAAL_ERANGE;
    if (type != VBLK_T_IN && type != VBLK_T_OUT && !flush)
        return KAAL_EINVAL;
    put_le(b->req, type, 4);
    put_le(b->req + 4, 0, 4);
    put_le(b->req + 8, flush ? 0 : sector, 8);
    b->req[STATUS_OFFSET] = 0xff; /* no answer yet */
    kaal_virtq_buf_t bufs[3];
    unsigned n = 0;
    bufs[n++] = (kaal_virtq_buf_t){b->req_paddr, 16, false};
    if (!flush)
        bufs[n++] = (kaal_virtq_buf_t){buf_paddr, n_sectors * VBLK_SECTOR_BYTES, type == VBLK_T_IN};
    bufs[n++] = (kaal_virtq_buf_t){b->req_paddr + STATUS_OFFSET, 1, true};
    if (kaal_virtq_add(&b->q, bufs, n, b->n_requests) != KAAL_OK)
        return KAAL_EIO;
    b->n_requests++;
    if (kaal_virtq_publish(&b->q))
        kaal_virtq_notify(b->dev, &b->q);
    for (unsigned w = 0; w < MAX_WAITS; w++) {
        kaal_virtq_used_ret_t r = kaal_virtq_get_used(&b->q);
        if (r.err == KAAL_EAGAIN) {
            if (kaal_virtio_check(b->dev) != KAAL_OK)
                break;
            b->wait(b->wait_ctx);
            continue;
        }
        if (r.err == KAAL_EFORMAT)
            continue; /* a used entry for no request: dropped */
        if (r.err == KAAL_EIO)
            break;
        uint8_t status = b->req[STATUS_OFFSET];
        if (status == VBLK_S_OK)
            return KAAL_OK;
        b->n_errors++;
        return status == VBLK_S_UNSUPP ? KAAL_ENOSYS : KAAL_EIO;
    }
    /* The chain may still be with the device: no further request is safe. */
    b->broken = true;
    b->n_errors++;
    return KAAL_EIO;
}
