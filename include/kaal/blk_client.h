/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The client side of <kaal/blk.h> (services/vfs/blkclient/): a disk
 * driver's rings as a vfs_blockdev_t, so the block cache and ext2 run on
 * any driver that speaks the protocol.
 *
 *   kaal_blk_client_config_t cfg = {rings, records, ..., info, notify, wait, ctx};
 *   kaal_blk_client_init(&c, &cfg, &why);      takes every record off the free queue
 *   vfs_blockdev_t disk = kaal_blk_client_dev(&c);
 *   kaal_bcache_config_t bc = {.dev = &disk, ...};   the cache in front of it
 *
 * Each call moves its data between the caller's buffer and the shared data
 * region (the one copy between the device and the program): a transfer is
 * split into requests of at most one chunk (the data region divided among
 * the records), as many in flight as there are records, and returns when
 * every one has completed, with 0 or the first request's error as a
 * negative Linux errno (-EIO, -EROFS, -EOPNOTSUPP, -EINVAL). So a write
 * has reached the disk (or its volatile cache, which flush empties) when
 * the call returns, which is the order the block cache's barriers need.
 *
 * Waiting: the caller's wait callback blocks until the driver signals (the
 * guest: seL4_Wait on the notification the req ring's signals arrive on;
 * it stores MR0..MR3 into the IPC buffer, so a server that waits while a
 * request's bytes are there keeps them: services/vfs-server/disk.c).
 * Single-threaded: the owner serialises calls.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/blk.h>
#include <kaal/error.h>
#include <kaal/ring.h>
#include <kaal/vfs_ext2.h>

#define KAAL_BLK_CLIENT_MAX_RECORDS 64u

typedef struct kaal_blk_client_config {
    void *req_queues; /* the `req` ring: queues, records */
    void *req_data;
    size_t req_data_bytes;
    uint32_t n_records; /* its queue_depth */
    void *data;         /* the data region */
    size_t data_bytes;
    kaal_blk_info_t info;      /* from KAAL_BLK_RPC_INFO */
    void (*notify)(void *ctx); /* signal the driver (the req ring's signal cap) */
    void (*wait)(void *ctx);   /* block until the driver signals */
    void *ctx;
} kaal_blk_client_config_t;

typedef struct kaal_blk_client {
    kaal_blk_client_config_t cfg;
    kaal_ring_sender_t req;
    uint32_t record_bytes, chunk_bytes;
    uint32_t n_free;
    kaal_ring_desc_t free[KAAL_BLK_CLIENT_MAX_RECORDS]; /* records we hold */
    /* per record in flight (index: offset / record_bytes) */
    bool busy[KAAL_BLK_CLIENT_MAX_RECORDS];
    uint8_t *dest[KAAL_BLK_CLIENT_MAX_RECORDS]; /* a read's destination, else NULL */
    uint32_t length[KAAL_BLK_CLIENT_MAX_RECORDS];
    uint64_t n_requests, n_errors, n_waits, n_stray;
} kaal_blk_client_t;

/* Attaches the rings and takes every record init put on the free queue.
 * KAAL_EINVAL (and *why) if the rings are not formatted, records are
 * smaller than kaal_blk_req_t, or the data region holds no chunk of the
 * disk's block size. */
kaal_error_t kaal_blk_client_init(kaal_blk_client_t *c, const kaal_blk_client_config_t *cfg,
                                  const char **why);

/* One operation (KAAL_BLK_OP_*) on n_sectors 512-byte sectors from sector;
 * buf is read from (WRITE) or written to (READ), unused otherwise. 0 or a
 * negative errno. */
int kaal_blk_client_transfer(kaal_blk_client_t *c, uint32_t op, uint64_t sector,
                             uint64_t n_sectors, void *buf);

/* The client as a block device of the disk's logical block size
 * (read_only when the disk is; flush = KAAL_BLK_OP_FLUSH). */
vfs_blockdev_t kaal_blk_client_dev(kaal_blk_client_t *c);
