/* SPDX-License-Identifier: BSD-2-Clause */
/* A block device in memory for the block-cache tests: any sector size, any
 * number of sectors, read-only or not; it counts requests, fails the
 * requests that touch chosen sectors (injected faults), and can record
 * every write (a copy of its data) and flush in order, for the power-cut
 * replay. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/vfs_ext2.h>

typedef struct {
    uint64_t sector;
    uint32_t n_sectors; /* 0: a flush */
    uint8_t *data;      /* n_sectors * sector_bytes, malloc'd */
} memdev_event_t;

typedef struct {
    uint8_t *bytes;
    uint32_t sector_bytes;
    uint64_t n_sectors;
    uint64_t reads, writes, flushes, sectors_read, sectors_written;
    int64_t fail_read_sector, fail_write_sector; /* -1: none */
    bool record;
    memdev_event_t *log;
    size_t n_log, log_cap;
} memdev_t;

/* A zeroed device; dev is filled in for it. */
void memdev_init(memdev_t *m, uint32_t sector_bytes, uint64_t n_sectors, bool read_only,
                 vfs_blockdev_t *dev);
void memdev_free(memdev_t *m);
void memdev_clear_log(memdev_t *m);
