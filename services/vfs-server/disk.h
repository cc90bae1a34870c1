/* SPDX-License-Identifier: BSD-2-Clause */
/* The VFS server's disk (disk.c): an ext2 file system on a <kaal/blk.h>
 * driver, through the block cache, mounted where the system says. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <kaal/vfs.h>

/* Mounts the disk wired to the ends blk0 / blk0_req / blk0_data at the
 * config string blk0_mount, if the system wired one; prints what happened.
 * setup: a process of the server's own to make the mount point with. */
void vfs_server_mount_disk(vfs_t *vfs, vfs_proc_t *setup, const vfs_allocator_t *alloc);

/* Heap bytes the disk's cache will take (0: no disk configured), kept out
 * of the ramfs's share of the heap. */
size_t vfs_server_disk_reserve_bytes(void);

/* After a request, before its reply: what it changed goes to the disk
 * and the file system is marked clean there (ext2_mark_clean), so
 * switching the machine off after the reply loses nothing. Costs nothing
 * when the request wrote nothing (or there is no writable disk). */
void vfs_server_disk_sync(void);
