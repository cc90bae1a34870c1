/* SPDX-License-Identifier: BSD-2-Clause */
/* The differential harness shared by test_vfs_diff.c: one operation
 * description (vfs_op_t), run against the host kernel in a scratch directory
 * and against the KaaL VFS, results compared field by field. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    OP_OPEN = 1,
    OP_CLOSE,
    OP_READ,
    OP_WRITE,
    OP_PREAD,
    OP_PWRITE,
    OP_LSEEK,
    OP_DUP,
    OP_DUP2,
    OP_DUP3,
    OP_FCNTL,
    OP_FSTAT,
    OP_STAT,
    OP_LSTAT,
    OP_GETDENTS,
    OP_MKDIR,
    OP_RMDIR,
    OP_UNLINK,
    OP_RENAME,
    OP_RENAME_NOREPLACE,
    OP_LINK,
    OP_LINK_FOLLOW,
    OP_SYMLINK,
    OP_READLINK,
    OP_TRUNCATE,
    OP_FTRUNCATE,
    OP_CHMOD,
    OP_FCHMOD,
    OP_CHOWN,
    OP_LCHOWN,
    OP_UTIMENS,
    OP_ACCESS,
    OP_CHDIR,
    OP_FCHDIR,
    OP_UMASK,
    OP_OPENAT,
    OP_MKDIRAT,
    OP_UNLINKAT,
    OP_FSTATAT,
    OP_N_KINDS
};

typedef struct {
    int kind;
    const char *p; /* path, old path */
    const char *q; /* new path; symlink target */
    int flags;     /* open flags, *at flags, dup3 flags */
    unsigned mode; /* open/mkdir/chmod mode, access mode, umask */
    int fd, fd2;   /* fd / dirfd, dup target */
    int64_t off;   /* offsets, lengths for truncate */
    size_t len;    /* read/write/getdents/readlink size */
    int whence;    /* lseek whence; fcntl cmd */
    long arg;      /* fcntl arg */
    unsigned uid, gid;
    int64_t t[4]; /* utimens: atime sec, nsec, mtime sec, nsec */
    bool null_times;
    bool times;    /* stat: also compare atime/mtime */
    uint32_t seed; /* write data pattern */
} vfs_op_t;
