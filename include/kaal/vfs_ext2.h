/* SPDX-License-Identifier: BSD-2-Clause */
/* ext2 for the VFS (services/vfs/ext2/) and the block-device interface it
 * reads and writes through.
 *
 * The block device is a small table of callbacks on whole sectors, so the
 * same file system code runs over an image file on the host (tests), a
 * buffer (fuzzer), and the block cache (<kaal/bcache.h>) in front of a
 * disk driver.
 * Every callback returns 0 or a negative Linux errno (-LINUX_EIO for a
 * failed transfer); the file system passes the errno up unchanged. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/vfs.h>

typedef struct vfs_blockdev {
    void *ctx;
    uint32_t sector_bytes; /* a power of two from 512 to the fs block size */
    uint64_t n_sectors;
    bool read_only; /* writes would fail: mount read-write is refused (EROFS) */
    /* Transfer n_sectors whole sectors starting at sector. */
    int (*read)(void *ctx, uint64_t sector, uint32_t n_sectors, void *buf);
    int (*write)(void *ctx, uint64_t sector, uint32_t n_sectors, const void *buf);
    /* Everything written before is durable when this returns 0 (NULL: always). */
    int (*flush)(void *ctx);
    /* Every write made before reaches the medium before any write made
     * after (a write-back cache: <kaal/bcache.h>). NULL: the user calls
     * flush instead (or nothing when flush is NULL too). */
    int (*barrier)(void *ctx);
} vfs_blockdev_t;

#define EXT2_MOUNT_READ_ONLY 0x1u /* never write; changes give EROFS */
#define EXT2_MOUNT_FORCE 0x2u     /* mount read-write although not clean or with errors */

typedef struct {
    int err;      /* 0, or a negative errno (EINVAL bad image, EROFS, EIO, ENOMEM) */
    vfs_fs_t *fs; /* ready for vfs_mount, or NULL */
} ext2_mount_ret_t;

/* Checks the superblock and group descriptors of the image on dev and makes
 * a file system instance (dev is copied; its ctx must outlive the fs). On
 * failure msg (if given) holds a one-line reason, e.g. "ext4 extents not
 * supported (incompat 0x40)". A read-write mount marks the image not clean
 * until the fs is destroyed (vfs_umount), which marks it clean again. */
ext2_mount_ret_t ext2_mount(vfs_t *vfs, const vfs_blockdev_t *dev, unsigned flags, char *msg,
                            size_t msg_bytes);

/* Writes every inode held in memory, the superblock and group descriptors,
 * then flushes the device: afterwards the image is what e2fsck should find
 * (the state stays "not clean" while mounted). */
int ext2_sync(vfs_fs_t *fs);

/* ext2_sync, then the on-disk state "clean" while the file system stays
 * mounted: an image left as it is now (the machine switched off) needs no
 * e2fsck. The next write first marks it not clean again (on the disk
 * before that write). -EBUSY (state left alone) while inodes are on the
 * orphan list (open but unlinked files) or errors were found. For a
 * server that goes idle and has no shutdown path (services/vfs-server). */
int ext2_mark_clean(vfs_fs_t *fs);

/* The first corruption or I/O error found since mount ("" if none); such an
 * error also sets the superblock's error state, as Linux does. */
const char *ext2_error(vfs_fs_t *fs);
