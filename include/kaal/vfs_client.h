/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Client of the VFS server (runtime/vfsclient/, protocol <kaal/vfs_rpc.h>).
 *
 * Every call takes the client's endpoint cap to the server (from its
 * <NAME_caps.h>, e.g. KAAL_CAP_VFS) and returns what the matching POSIX
 * call returns on success, or a negative Linux errno (-LINUX_ENOENT, ...).
 * Flags, modes, whence and records are the Linux values of <kaal/vfs.h>.
 *
 * read/write/pread/pwrite move any number of bytes: they are split into
 * calls of at most VFS_RPC_MAX_DATA bytes; a short transfer stops the loop
 * (end of file), and an error after some bytes were moved returns the
 * count moved so far, like a short read(2). Paths longer than
 * VFS_RPC_MAX_PATH_BYTES (together, for two-path calls) travel in the
 * shared region if there is one (up to PATH_MAX - 1 bytes each), else give
 * -LINUX_ENAMETOOLONG without a call.
 *
 * Data path: message registers, unless kaal_vfs_use_shm() told the
 * library about a memory region this component shares with the server
 * (its end of a ring channel's data region, see <kaal/vfs_rpc.h>); then
 * reads and writes larger than one message go through that region, up to
 * its size per call.
 *
 * Each client has one fd table and cwd at the server, named by the badge
 * of its cap; kaal_vfs_reset() closes all of it (a restarted component
 * calls it first).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kaal/vfs.h>
#include <sel4/sel4.h>

/* Each as the Linux system call of its name (open(2), pread(2), ...). */
int kaal_vfs_open(seL4_CPtr ep, const char *path, int flags, vfs_mode_t mode);
int kaal_vfs_close(seL4_CPtr ep, int fd);
int64_t kaal_vfs_read(seL4_CPtr ep, int fd, void *buf, size_t n_bytes);
int64_t kaal_vfs_write(seL4_CPtr ep, int fd, const void *buf, size_t n_bytes);
int64_t kaal_vfs_pread(seL4_CPtr ep, int fd, void *buf, size_t n_bytes, int64_t offset);
int64_t kaal_vfs_pwrite(seL4_CPtr ep, int fd, const void *buf, size_t n_bytes, int64_t offset);
int64_t kaal_vfs_lseek(seL4_CPtr ep, int fd, int64_t offset, int whence);
int kaal_vfs_fstat(seL4_CPtr ep, int fd, struct vfs_stat *st);
int kaal_vfs_stat(seL4_CPtr ep, const char *path, struct vfs_stat *st);
int kaal_vfs_lstat(seL4_CPtr ep, const char *path, struct vfs_stat *st);
int kaal_vfs_mkdir(seL4_CPtr ep, const char *path, vfs_mode_t mode);
int kaal_vfs_unlink(seL4_CPtr ep, const char *path);
int kaal_vfs_rmdir(seL4_CPtr ep, const char *path);
int kaal_vfs_rename(seL4_CPtr ep, const char *oldpath, const char *newpath);
/* Linux struct linux_dirent64 records (struct vfs_dirent64); at most
 * VFS_RPC_MAX_DATA bytes per call, 0 at the end of the directory. */
int64_t kaal_vfs_getdents64(seL4_CPtr ep, int fd, void *buf, size_t n_bytes);
int kaal_vfs_statfs(seL4_CPtr ep, const char *path, struct vfs_statfs *st);
int kaal_vfs_fstatfs(seL4_CPtr ep, int fd, struct vfs_statfs *st);
int kaal_vfs_ftruncate(seL4_CPtr ep, int fd, int64_t length);
int kaal_vfs_truncate(seL4_CPtr ep, const char *path, int64_t length);
int kaal_vfs_dup(seL4_CPtr ep, int fd);
int kaal_vfs_dup2(seL4_CPtr ep, int oldfd, int newfd);
int kaal_vfs_chdir(seL4_CPtr ep, const char *path);
/* Writes the cwd with its NUL; returns its length + 1 (-LINUX_ERANGE if
 * buf is too small). */
int kaal_vfs_getcwd(seL4_CPtr ep, char *buf, size_t n_bytes);
int kaal_vfs_symlink(seL4_CPtr ep, const char *target, const char *linkpath);
/* Like readlink(2): no NUL, truncated to n_bytes. */
int64_t kaal_vfs_readlink(seL4_CPtr ep, const char *path, char *buf, size_t n_bytes);
int kaal_vfs_link(seL4_CPtr ep, const char *oldpath, const char *newpath);
int kaal_vfs_chmod(seL4_CPtr ep, const char *path, vfs_mode_t mode);
int kaal_vfs_reset(seL4_CPtr ep);

/* Use [data, data + size_bytes) (shared with the server behind ep) for
 * bulk data from now on; data NULL goes back to message registers. At most
 * four endpoints at a time (-LINUX_ENOMEM beyond). A read or write whose
 * buffer lies inside the region moves the data in place: the server copies
 * between the file and the buffer, the client library copies nothing. */
int kaal_vfs_use_shm(seL4_CPtr ep, void *data, size_t size_bytes);
