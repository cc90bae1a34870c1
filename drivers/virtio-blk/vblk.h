/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio-blk device logic (vblk.c), apart from the component glue
 * (main.c) so host tests run it against the virtio device model: bring-up
 * and one request at a time (read, write, flush) with its status.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/virtio.h>

#include "blk_rpc.h" /* VBLK_SECTOR_BYTES */

#define VBLK_F_FLUSH (1ull << 9)
#define VBLK_CFG_CAPACITY 0 /* le64, in 512-byte sectors (§5.2.4) */
#define VBLK_T_IN 0u        /* request types (§5.2.6) */
#define VBLK_T_OUT 1u
#define VBLK_T_FLUSH 4u
#define VBLK_S_OK 0u
#define VBLK_S_IOERR 1u
#define VBLK_S_UNSUPP 2u
#define VBLK_QUEUE_SIZE 16u

typedef struct vblk {
    kaal_virtio_t *dev;
    kaal_virtq_t q;
    volatile uint8_t *req; /* header (16 bytes) then the status byte, driver-private DMA */
    uint64_t req_paddr;
    uint64_t capacity_sectors;
    /* Waits until the device may have completed something (the guest
     * yields; a host test runs the device model). */
    void (*wait)(void *ctx);
    void *wait_ctx;
    bool broken;
    uint64_t n_requests, n_errors;
} vblk_t;

/* Reset, features (VERSION_1 required, FLUSH wanted), queue 0, DRIVER_OK. */
kaal_error_t vblk_start(vblk_t *b, kaal_virtio_t *dev, void *dma, uint64_t dma_paddr,
                        size_t dma_bytes, void (*wait)(void *ctx), void *wait_ctx,
                        const char **why);
/* One request on n_sectors at `sector` with the data at buf_paddr (unused
 * for a flush). KAAL_ERANGE: past the end of the disk; KAAL_EIO: the
 * device said IOERR (or broke the queue, or never answered); KAAL_ENOSYS:
 * UNSUPP (e.g. a flush without VIRTIO_BLK_F_FLUSH). */
kaal_error_t vblk_request(vblk_t *b, uint32_t type, uint64_t sector, uint32_t n_sectors,
                          uint64_t buf_paddr);
