/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interface between a disk driver component (drivers/virtio-blk) and
 * its client (the VFS server's block device, <kaal/blk_client.h>). The
 * driver never knows its client, the client never knows which driver
 * serves it.
 *
 * A disk driver's component.toml declares these ends (names fixed):
 *
 *   ctl   rpc_server     KAAL_BLK_RPC_INFO (below)
 *   req   ring_consumer  request records: the client takes a free record,
 *                        fills it (kaal_blk_req_t) and sends it; the driver
 *                        copies it once, checks it, and when the device has
 *                        answered releases it back with its status in the
 *                        descriptor's flags (KAAL_BLK_S_*). Completions
 *                        come back in any order. Every record is a buffer
 *                        of data_size / queue_depth bytes, at least
 *                        sizeof(kaal_blk_req_t).
 *   data  ring_consumer  the data region (its queues are unused): request
 *                        data lives here, where the device reads and
 *                        writes it (`dma = true` on the driver's end), so
 *                        nothing is copied between the device and the
 *                        client. The client decides where each request's
 *                        data goes; the driver checks that it lies inside.
 *
 * drivers/virtio-blk declares req with queue_depth 32 and data_size 4 KiB
 * (128-byte records) and data with data_size 1 MiB; the client's ends
 * declare the same sizes (the system compiler checks both files). Signals
 * as in <kaal/ring.h>: the client signals `req` after sending to an armed
 * driver, the driver signals back after releasing to an armed client.
 *
 * At start init puts every record on the free queue; a client takes them
 * all first, so from then on every descriptor the driver puts there is a
 * completion.
 */
#pragma once

#include <stdint.h>

#define KAAL_BLK_SECTOR_BYTES 512u /* sector numbers and counts are always in these */

/* Request operations (kaal_blk_req_t.op). */
enum {
    KAAL_BLK_OP_READ = 1,         /* n_sectors from sector into data */
    KAAL_BLK_OP_WRITE = 2,        /* n_sectors from data to sector */
    KAAL_BLK_OP_FLUSH = 3,        /* every completed write is durable (no data) */
    KAAL_BLK_OP_DISCARD = 4,      /* the sectors' contents may be dropped (no data) */
    KAAL_BLK_OP_WRITE_ZEROES = 5, /* the sectors read as zeros afterwards (no data) */
};

/* A request record, written by the client into a free `req` buffer. */
typedef struct kaal_blk_req {
    uint32_t op;          /* KAAL_BLK_OP_* */
    uint32_t n_sectors;   /* 0 for FLUSH */
    uint64_t sector;      /* first sector; 0 for FLUSH */
    uint64_t data_offset; /* READ/WRITE: where the data is in the data region */
    uint64_t cookie;      /* the client's, not looked at */
} kaal_blk_req_t;

/* Completion status: the released descriptor's flags. */
enum {
    KAAL_BLK_S_OK = 0,
    KAAL_BLK_S_IOERR = 1,  /* the device failed the request (or stopped answering) */
    KAAL_BLK_S_UNSUPP = 2, /* the device does not do this (e.g. DISCARD not offered) */
    KAAL_BLK_S_EROFS = 3,  /* a write, discard or write-zeroes on a read-only disk */
    KAAL_BLK_S_ERANGE = 4, /* past the end of the disk, or data outside the region */
    KAAL_BLK_S_EINVAL = 5, /* not a record: unknown op, bad size, misaligned for the disk */
};

/* ctl RPC labels; the reply's label is a kaal_error_t. */
enum {
    /* Reply: mr0 = capacity in sectors; mr1 = the disk's logical block
     * size in bytes (requests must be multiples of it, 512..4096); mr2 =
     * KAAL_BLK_INFO_* flags; mr3 = the largest data request in bytes
     * (bits 0-31) and the largest discard / write-zeroes in sectors (bits
     * 32-63; 0: unsupported). */
    KAAL_BLK_RPC_INFO = 1,
};
#define KAAL_BLK_INFO_WORDS 4

#define KAAL_BLK_INFO_READ_ONLY 0x1u
#define KAAL_BLK_INFO_FLUSH 0x2u /* the disk has a volatile cache that FLUSH empties */
#define KAAL_BLK_INFO_DISCARD 0x4u
#define KAAL_BLK_INFO_WRITE_ZEROES 0x8u

/* What INFO says, unpacked. */
typedef struct kaal_blk_info {
    uint64_t capacity_sectors;
    uint32_t block_bytes;
    uint32_t flags;
    uint32_t max_request_bytes;
    uint32_t max_discard_sectors;
} kaal_blk_info_t;

/* INFO's reply words (mr0..mr3) unpacked. */
static inline kaal_blk_info_t kaal_blk_info_unpack(const uint64_t w[KAAL_BLK_INFO_WORDS])
{
    return (kaal_blk_info_t){.capacity_sectors = w[0],
                             .block_bytes = (uint32_t)w[1],
                             .flags = (uint32_t)w[2],
                             .max_request_bytes = (uint32_t)w[3],
                             .max_discard_sectors = (uint32_t)(w[3] >> 32)};
}
