/* SPDX-License-Identifier: BSD-2-Clause */
/* The interface between the VFS core and a file system (ramfs, devfs, later
 * ext2). A file system embeds struct vfs_vnode at the start of its inodes and
 * points each vnode at an ops table; it embeds struct vfs_fs in its instance.
 *
 * Contract: the VFS has done every permission, type, name and mount check
 * before calling an op, so ops only fail for reasons of the file system
 * itself (ENOSPC, ENOMEM, ENOTEMPTY). Ops that return a vnode return it with
 * one reference taken (vfs_vnode_get). The VFS keeps the generic attributes
 * (mode, uid, gid, times) in the vnode and may change them directly; the file
 * system keeps nlink, size and blocks up to date. */
#pragma once

#include <stdbool.h>
#include <kaal/vfs.h>

typedef struct vfs_vnode vfs_vnode_t;

/* getdents callback: returns false when the record does not fit (stop). */
typedef bool (*vfs_emit_fn)(void *ctx, const char *name, size_t name_len, uint64_t ino,
                            unsigned d_type, uint64_t next_cookie);

#define VFS_DIR_EOD 0x7fffffffu

typedef struct vfs_vnode_ops {
    /* Directories. name is never "." or ".." and at most NAME_MAX long. */
    int (*lookup)(vfs_vnode_t *dir, const char *name, size_t len, vfs_vnode_t **out);
    vfs_vnode_t *(*parent)(vfs_vnode_t *dir); /* "..", referenced; the fs root returns itself */
    /* Creates a regular file, directory or symlink (target for S_IFLNK). */
    int (*create)(vfs_vnode_t *dir, const char *name, size_t len, vfs_mode_t mode, vfs_uid_t uid,
                  vfs_gid_t gid, const char *target, vfs_vnode_t **out);
    int (*link)(vfs_vnode_t *dir, const char *name, size_t len, vfs_vnode_t *vn);
    int (*remove)(vfs_vnode_t *dir, const char *name, size_t len, vfs_vnode_t *victim);
    /* Moves old to new, replacing new's present entry (an empty directory or a
     * non-directory, as the VFS checked). */
    int (*rename)(vfs_vnode_t *old_dir, const char *old_name, size_t old_len, vfs_vnode_t *new_dir,
                  const char *new_name, size_t new_len);
    /* Emits entries from *cookie on ("." is cookie 0, ".." cookie 1) and
     * leaves *cookie after the last one emitted. Returns 1 when emit refused
     * a record, 0 at the end of the directory (where *cookie becomes
     * VFS_DIR_EOD, so entries added later are not seen until a rewind, as on
     * Linux's tmpfs), or a negative errno. */
    int (*readdir)(vfs_vnode_t *dir, uint64_t *cookie, vfs_emit_fn emit, void *ctx);
    /* Regular files and devices. */
    int64_t (*read)(vfs_vnode_t *vn, void *buf, size_t n_bytes, int64_t offset);
    int64_t (*write)(vfs_vnode_t *vn, const void *buf, size_t n_bytes, int64_t offset);
    int (*truncate)(vfs_vnode_t *vn, int64_t size_bytes);
    /* SEEK_DATA / SEEK_HOLE from offset (< size); NULL: whole file is data. */
    int64_t (*seek_data)(vfs_vnode_t *vn, int64_t offset, int whence);
    /* Overrides lseek entirely (devices); NULL means the generic rules. */
    int64_t (*llseek)(vfs_vnode_t *vn, int64_t *pos, int64_t offset, int whence);
    /* Symlinks: the target text, valid while the vnode is referenced. */
    const char *(*readlink)(vfs_vnode_t *vn, size_t *len);
    /* The last reference went away: free the vnode if it has no links. */
    void (*inactive)(vfs_vnode_t *vn);
} vfs_vnode_ops_t;

struct vfs_vnode {
    const vfs_vnode_ops_t *ops;
    vfs_fs_t *fs;
    uint64_t ino;
    vfs_mode_t mode;
    uint32_t nlink; /* a directory with nlink 0 has been removed */
    vfs_uid_t uid;
    vfs_gid_t gid;
    uint64_t rdev;
    int64_t size;
    int64_t blocks; /* 512-byte units */
    vfs_timespec_t atime, mtime, ctime;
    uint32_t refs;     /* in-memory references (open files, cwds, mounts, walks) */
    uint32_t n_mounts; /* file systems mounted on this directory */
};

typedef struct vfs_fs_ops {
    void (*destroy)(vfs_fs_t *fs); /* frees every vnode and the instance */
    int (*statfs)(vfs_fs_t *fs, struct vfs_statfs *st);
} vfs_fs_ops_t;

struct vfs_fs {
    const vfs_fs_ops_t *ops;
    vfs_t *vfs;
    vfs_vnode_t *root; /* referenced by the fs itself */
    uint64_t dev;
};

static inline void vfs_vnode_get(vfs_vnode_t *vn)
{
    vn->refs++;
}

static inline void vfs_vnode_put(vfs_vnode_t *vn)
{
    if (--vn->refs == 0 && vn->ops->inactive)
        vn->ops->inactive(vn);
}

/* Services the core offers to file systems. */
void *vfs_alloc(vfs_t *vfs, size_t size_bytes);
void vfs_free(vfs_t *vfs, void *ptr, size_t size_bytes);
vfs_timespec_t vfs_now(vfs_t *vfs);
uint64_t vfs_new_dev(vfs_t *vfs);
