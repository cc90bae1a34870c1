/* SPDX-License-Identifier: BSD-2-Clause */
/* The block cache (services/vfs/bcache/): a write-back cache of 4 KiB pages
 * between a file system and a block device, itself a vfs_blockdev_t, so
 * ext2 runs over it unchanged.
 *
 *   vfs_blockdev_t disk = ...;                    the driver side (virtio-blk)
 *   kaal_bcache_config_t cfg = {.dev = &disk, .n_pages = 1024, .readahead_pages = 32};
 *   kaal_bcache_t *c = kaal_bcache_create(&cfg, &alloc);   or kaal_bcache_init(arena, ...)
 *   vfs_blockdev_t dev = kaal_bcache_dev(c);      give this one to ext2_mount
 *   ...
 *   kaal_bcache_destroy(c);                       after the fs is unmounted
 *
 * Memory: everything (pages, descriptors, hash table, the read-ahead
 * buffer) comes from one arena of kaal_bcache_arena_bytes(cfg) bytes,
 * given by the caller or taken once from its allocator; nothing is
 * allocated afterwards. A full cache evicts its least recently used page.
 *
 * Ordering: writes stay in the cache until they are evicted or flushed.
 * kaal_bcache_barrier() (the device's barrier callback) orders them: every
 * write made before a barrier is on the device and flushed (the device's
 * flush) before any write made after it reaches the device. Writes between
 * two barriers reach the device in any order. Flush (kaal_bcache_sync, the
 * device's flush callback) writes everything back in that order and then
 * flushes the device.
 *
 * Errors are negative Linux errno values. A read error goes to the reader;
 * a failed write-back keeps its page dirty (the data stays in the cache)
 * and is reported by the operation that needed it (an eviction) and again
 * by the next flush. Single-threaded: the owner serialises calls. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/vfs.h>
#include <kaal/vfs_ext2.h>

#define KAAL_BCACHE_PAGE_BYTES 4096u

typedef struct kaal_bcache kaal_bcache_t;

typedef struct {
    const vfs_blockdev_t *dev; /* the device below (copied); sectors of 512..4096 bytes */
    uint32_t n_pages;          /* the page budget, at least 2 */
    uint32_t readahead_pages;  /* the largest read-ahead window (0: none); at most n_pages / 2 */
    uint32_t sector_bytes;     /* sectors offered above: 512..4096 (0: the device's) */
} kaal_bcache_config_t;

typedef struct {
    uint64_t hits, misses;    /* page lookups by reads and writes */
    uint64_t dev_reads;       /* read requests sent to the device */
    uint64_t dev_writes;      /* write requests sent to the device */
    uint64_t dev_flushes;     /* flush requests sent to the device */
    uint64_t readahead_pages; /* pages read ahead of a sequential reader */
    uint64_t evictions;       /* pages reused for another block */
    uint64_t
        barrier_writebacks; /* writes to a page dirty from before a barrier (written back first) */
} kaal_bcache_stats_t;

/* Bytes the arena for cfg needs; 0 if cfg is invalid. */
size_t kaal_bcache_arena_bytes(const kaal_bcache_config_t *cfg);

/* A cache in arena (at least kaal_bcache_arena_bytes(cfg) bytes, 16-byte
 * aligned); NULL if cfg is invalid or the arena too small. */
kaal_bcache_t *kaal_bcache_init(void *arena, size_t arena_bytes, const kaal_bcache_config_t *cfg);

/* The same with the arena from alloc (freed by kaal_bcache_destroy). */
kaal_bcache_t *kaal_bcache_create(const kaal_bcache_config_t *cfg, const vfs_allocator_t *alloc);

/* Writes everything back and flushes (the result of that), then releases
 * the arena if the cache allocated it. Dirty pages whose write-back fails
 * are lost here, and the error says so. */
int kaal_bcache_destroy(kaal_bcache_t *c);

/* The cache as a block device: read, write, flush (= kaal_bcache_sync),
 * barrier (= kaal_bcache_barrier); read_only when the device is. */
vfs_blockdev_t kaal_bcache_dev(kaal_bcache_t *c);

/* Everything written so far reaches the device, flushed, before anything
 * written from now on. Costs nothing until the next write-back. */
int kaal_bcache_barrier(kaal_bcache_t *c);

/* Writes back every dirty page (in barrier order), then flushes the device.
 * Returns 0 or the first error, including one from an earlier failed
 * write-back that was not reported by a flush yet. */
int kaal_bcache_sync(kaal_bcache_t *c);

/* kaal_bcache_sync, then forgets every clean page (a cold cache). */
int kaal_bcache_drop(kaal_bcache_t *c);

kaal_bcache_stats_t kaal_bcache_stats(const kaal_bcache_t *c);

/* Is the 4 KiB page number page (byte offset / 4096) in the cache? */
bool kaal_bcache_cached(const kaal_bcache_t *c, uint64_t page);

/* The number of dirty pages. */
uint32_t kaal_bcache_n_dirty(const kaal_bcache_t *c);
