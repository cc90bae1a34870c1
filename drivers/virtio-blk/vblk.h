/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio-blk device logic (vblk.c), apart from the component glue
 * (main.c) so host tests run it against the virtio device model: bring-up,
 * feature negotiation, and requests from the <kaal/blk.h> rings to the
 * request virtqueue and back, several in flight.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/blk.h>
#include <kaal/ring.h>
#include <kaal/virtio.h>

/* Feature bits (virtio 1.2 §5.2.3). */
#define VBLK_F_SIZE_MAX (1ull << 1)
#define VBLK_F_SEG_MAX (1ull << 2)
#define VBLK_F_RO (1ull << 5)
#define VBLK_F_BLK_SIZE (1ull << 6)
#define VBLK_F_FLUSH (1ull << 9)
#define VBLK_F_DISCARD (1ull << 13)
#define VBLK_F_WRITE_ZEROES (1ull << 14)
#define VBLK_FEATURES                                                                              \
    (VBLK_F_SIZE_MAX | VBLK_F_SEG_MAX | VBLK_F_RO | VBLK_F_BLK_SIZE | VBLK_F_FLUSH |              \
     VBLK_F_DISCARD | VBLK_F_WRITE_ZEROES)

/* Device configuration offsets (§5.2.4). */
#define VBLK_CFG_CAPACITY 0 /* le64, 512-byte sectors */
#define VBLK_CFG_SIZE_MAX 8
#define VBLK_CFG_SEG_MAX 12
#define VBLK_CFG_BLK_SIZE 20
#define VBLK_CFG_MAX_DISCARD_SECTORS 36
#define VBLK_CFG_MAX_WRITE_ZEROES_SECTORS 48

/* Request types and status (§5.2.6). */
#define VBLK_T_IN 0u
#define VBLK_T_OUT 1u
#define VBLK_T_FLUSH 4u
#define VBLK_T_DISCARD 11u
#define VBLK_T_WRITE_ZEROES 13u
#define VBLK_S_OK 0u
#define VBLK_S_IOERR 1u
#define VBLK_S_UNSUPP 2u

#define VBLK_QUEUE_SIZE 128u /* descriptors, at most (the device's maximum if smaller) */
#define VBLK_SLOTS 32u       /* requests in flight, at most */
#define VBLK_MAX_SEGS 8u     /* data descriptors per request, at most */
#define VBLK_SLOT_STRIDE 64u /* per slot in driver DMA: header, discard segment, status */

/* Where everything is (vaddr, and the paddr the device uses). */
typedef struct vblk_mem {
    void *dma; /* driver-private: the virtqueue and the slots' headers */
    uint64_t dma_paddr;
    size_t dma_bytes;
    void *req_queues, *req_data; /* the `req` ring: records */
    size_t req_data_bytes;
    void *data; /* the `data` region (DMA memory) */
    uint64_t data_paddr;
    size_t data_bytes;
} vblk_mem_t;

/* One request with the device. */
typedef struct vblk_slot {
    bool busy;
    kaal_ring_desc_t desc; /* the record, released at completion */
} vblk_slot_t;

typedef struct vblk {
    kaal_virtio_t *dev;
    vblk_mem_t mem;
    kaal_virtq_t q;
    kaal_ring_receiver_t req;  /* records from the client; released with their status */
    volatile uint8_t *slot_hw; /* VBLK_SLOTS * VBLK_SLOT_STRIDE bytes of driver DMA */
    uint64_t slot_hw_paddr;
    vblk_slot_t slot[VBLK_SLOTS];
    unsigned n_busy;
    kaal_blk_info_t info;
    uint32_t size_max;        /* bytes per data descriptor */
    unsigned max_segs;        /* data descriptors per request */
    bool broken;              /* the device broke the queue or needs a reset */
    bool released;            /* a record went back since the client was last woken */
    void (*signal)(void *ctx); /* wake the client */
    void *signal_ctx;
    uint64_t n_requests, n_errors, n_refused;
} vblk_t;

/* Brings the device up (dev's register access must be set up): reset,
 * features (VERSION_1 required; VBLK_FEATURES taken where offered), the
 * request queue, DRIVER_OK; attaches the req ring. On error *why says
 * what went wrong. */
kaal_error_t vblk_start(vblk_t *b, kaal_virtio_t *dev, const vblk_mem_t *mem,
                        void (*signal)(void *ctx), void *signal_ctx, const char **why);
/* Moves everything that can move: answered requests back to the client
 * with their status, new records to the device (or straight back, refused);
 * arms the req ring when it has room for more and wakes the client if it
 * asked. */
void vblk_poll(vblk_t *b);
/* The interrupt: reads (and so clears) the ISR, then vblk_poll. */
void vblk_interrupt(vblk_t *b);
