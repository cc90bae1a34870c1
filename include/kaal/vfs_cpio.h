/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unpacking a newc cpio archive (<kaal/cpio.h>) into a VFS tree: how the
 * VFS server pre-fills its root ramfs from the `rootfs` boot file
 * (services/vfs-server/README.md). services/vfs/cpio_unpack.c.
 */
#pragma once

#include <stddef.h>

#include <kaal/cpio.h>
#include <kaal/vfs.h>

typedef struct vfs_cpio_result {
    unsigned n_entries;        /* directories, files, hard links and symlinks made */
    unsigned n_skipped;        /* device nodes, FIFOs, sockets: the ramfs has none */
    kaal_cpio_status_t status; /* KAAL_CPIO_END when the whole archive was read */
    int error;                 /* 0, or the negative errno that stopped the unpack */
    const char *name;          /* entry it stopped at (points into the archive), or NULL */
    size_t name_bytes;
    size_t offset; /* of the header it stopped at */
} vfs_cpio_result_t;

/* Unpacks the archive under "/" as p sees it (p should be uid 0, so owners
 * can be set): directories, regular files, symlinks and hard links (by
 * inode number) with mode, uid, gid and mtime. Existing directories are
 * kept (their metadata updated), existing files are overwritten. It stops
 * at the first damaged header (out->status) or failing VFS call
 * (out->error): what was made before stays. Returns 0 when everything was
 * unpacked, else -LINUX_EINVAL (damaged archive) or the VFS error.
 * Not reentrant (its path buffers are static). */
int vfs_cpio_unpack(vfs_proc_t *p, const void *archive, size_t size_bytes, vfs_cpio_result_t *out);
