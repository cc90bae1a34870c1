/* SPDX-License-Identifier: BSD-2-Clause */
/* The KaaL VFS: mount table, path resolution, permission checks, open-file
 * descriptions and per-process file-descriptor tables, with Linux semantics.
 *
 * Every call returns a non-negative result or a negative Linux errno
 * (-LINUX_ENOENT, see <kaal/linux_errno.h>); flag and mode values are the
 * Linux x86_64 numbers, so the POSIX layer passes them straight through.
 * The library is single-threaded: one VFS server owns a vfs_t and serialises
 * all calls. See services/vfs/README.md. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kaal/linux_errno.h>

typedef struct vfs vfs_t;           /* one file-system namespace */
typedef struct vfs_proc vfs_proc_t; /* a process: fd table, cwd, credentials */
typedef struct vfs_fs vfs_fs_t;     /* one file-system instance (see vfs_fs.h) */

/* Memory comes from the embedder: malloc on the host, the kaal heap in the
 * guest. free gets the size that was allocated. */
typedef struct {
    void *(*alloc)(void *ctx, size_t size_bytes);
    void (*free)(void *ctx, void *ptr, size_t size_bytes);
    void *ctx;
} vfs_allocator_t;

typedef struct {
    int64_t sec;
    int64_t nsec;
} vfs_timespec_t;

typedef struct {
    vfs_allocator_t allocator;
    /* Current time for timestamps; NULL means the clock stands at 0. */
    vfs_timespec_t (*clock)(void *ctx);
    void *clock_ctx;
} vfs_config_t;

/* ---- Linux x86_64 constants ------------------------------------------- */
#define VFS_O_ACCMODE 0003
#define VFS_O_RDONLY 00
#define VFS_O_WRONLY 01
#define VFS_O_RDWR 02
#define VFS_O_CREAT 0100
#define VFS_O_EXCL 0200
#define VFS_O_NOCTTY 0400
#define VFS_O_TRUNC 01000
#define VFS_O_APPEND 02000
#define VFS_O_NONBLOCK 04000
#define VFS_O_DSYNC 010000
#define VFS_O_ASYNC 020000
#define VFS_O_DIRECT 040000
#define VFS_O_LARGEFILE 0100000
#define VFS_O_DIRECTORY 0200000
#define VFS_O_NOFOLLOW 0400000
#define VFS_O_NOATIME 01000000
#define VFS_O_CLOEXEC 02000000
#define VFS_O_SYNC 04010000
#define VFS_O_PATH 010000000
#define VFS_O_TMPFILE 020200000

#define VFS_S_IFMT 0170000
#define VFS_S_IFSOCK 0140000
#define VFS_S_IFLNK 0120000
#define VFS_S_IFREG 0100000
#define VFS_S_IFBLK 0060000
#define VFS_S_IFDIR 0040000
#define VFS_S_IFCHR 0020000
#define VFS_S_IFIFO 0010000
#define VFS_S_ISUID 04000
#define VFS_S_ISGID 02000
#define VFS_S_ISVTX 01000
#define VFS_S_ISDIR(m) (((m)&VFS_S_IFMT) == VFS_S_IFDIR)
#define VFS_S_ISREG(m) (((m)&VFS_S_IFMT) == VFS_S_IFREG)
#define VFS_S_ISLNK(m) (((m)&VFS_S_IFMT) == VFS_S_IFLNK)
#define VFS_S_ISCHR(m) (((m)&VFS_S_IFMT) == VFS_S_IFCHR)

#define VFS_SEEK_SET 0
#define VFS_SEEK_CUR 1
#define VFS_SEEK_END 2
#define VFS_SEEK_DATA 3
#define VFS_SEEK_HOLE 4

#define VFS_F_DUPFD 0
#define VFS_F_GETFD 1
#define VFS_F_SETFD 2
#define VFS_F_GETFL 3
#define VFS_F_SETFL 4
#define VFS_F_DUPFD_CLOEXEC 1030
#define VFS_FD_CLOEXEC 1

#define VFS_AT_FDCWD (-100)
#define VFS_AT_SYMLINK_NOFOLLOW 0x100
#define VFS_AT_REMOVEDIR 0x200
#define VFS_AT_SYMLINK_FOLLOW 0x400
#define VFS_AT_EACCESS 0x200

#define VFS_RENAME_NOREPLACE 1

#define VFS_F_OK 0
#define VFS_X_OK 1
#define VFS_W_OK 2
#define VFS_R_OK 4

#define VFS_UTIME_NOW ((1l << 30) - 1l)
#define VFS_UTIME_OMIT ((1l << 30) - 2l)

#define VFS_DT_UNKNOWN 0
#define VFS_DT_FIFO 1
#define VFS_DT_CHR 2
#define VFS_DT_DIR 4
#define VFS_DT_BLK 6
#define VFS_DT_REG 8
#define VFS_DT_LNK 10
#define VFS_DT_SOCK 12

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096 /* including the terminating NUL */
#define VFS_MAXSYMLINKS 40
#define VFS_PAGE_SIZE 4096

#define VFS_TMPFS_MAGIC 0x01021994u
#define VFS_DEVFS_MAGIC 0x1373u

typedef uint32_t vfs_mode_t;
typedef uint32_t vfs_uid_t;
typedef uint32_t vfs_gid_t;
#define VFS_ID_UNCHANGED ((uint32_t)-1) /* chown: leave this id alone */

struct vfs_stat {
    uint64_t dev;
    uint64_t ino;
    vfs_mode_t mode;
    uint32_t nlink;
    vfs_uid_t uid;
    vfs_gid_t gid;
    uint64_t rdev;
    int64_t size;
    int64_t blksize;
    int64_t blocks; /* 512-byte units */
    vfs_timespec_t atime, mtime, ctime;
};

struct vfs_statfs {
    uint64_t type;
    uint64_t bsize;
    uint64_t blocks, bfree, bavail;
    uint64_t files, ffree;
    uint64_t fsid;
    uint64_t namelen;
    uint64_t frsize;
    uint64_t flags;
};

/* One getdents64 record, Linux layout (struct linux_dirent64). */
struct vfs_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

/* ---- namespace, mounts, processes -------------------------------------- */
vfs_t *vfs_create(const vfs_config_t *config);
/* Fails with -LINUX_EBUSY while anything is mounted or a process exists. */
int vfs_destroy(vfs_t *vfs);

/* Mounts fs on the directory at path (resolved for proc; proc may be NULL
 * for the first mount, which must be "/"). On success the VFS owns fs and
 * destroys it at umount. On failure the caller still owns fs. */
int vfs_mount(vfs_t *vfs, vfs_proc_t *proc, const char *path, vfs_fs_t *fs);
/* -LINUX_EBUSY if anything inside is open, a cwd, or has a mount below. */
int vfs_umount(vfs_t *vfs, vfs_proc_t *proc, const char *path);

/* A process with cwd "/", no open files, the given credentials and umask. */
vfs_proc_t *vfs_proc_create(vfs_t *vfs, vfs_uid_t uid, vfs_gid_t gid, vfs_mode_t umask,
                            int max_fds);
vfs_proc_t *vfs_proc_fork(vfs_proc_t *parent); /* shares open-file descriptions */
void vfs_proc_exec(vfs_proc_t *proc);          /* closes every close-on-exec fd */
void vfs_proc_destroy(vfs_proc_t *proc);       /* closes everything */
void vfs_proc_set_creds(vfs_proc_t *proc, vfs_uid_t uid, vfs_gid_t gid, int n_groups,
                        const vfs_gid_t *groups);
vfs_mode_t vfs_umask(vfs_proc_t *proc, vfs_mode_t mask); /* returns the old mask */

/* ---- file descriptors --------------------------------------------------- */
int vfs_openat(vfs_proc_t *p, int dirfd, const char *path, int flags, vfs_mode_t mode);
int vfs_close(vfs_proc_t *p, int fd);
int64_t vfs_read(vfs_proc_t *p, int fd, void *buf, size_t n_bytes);
int64_t vfs_write(vfs_proc_t *p, int fd, const void *buf, size_t n_bytes);
int64_t vfs_pread(vfs_proc_t *p, int fd, void *buf, size_t n_bytes, int64_t offset);
int64_t vfs_pwrite(vfs_proc_t *p, int fd, const void *buf, size_t n_bytes, int64_t offset);
int64_t vfs_lseek(vfs_proc_t *p, int fd, int64_t offset, int whence);
int vfs_dup(vfs_proc_t *p, int fd);
int vfs_dup2(vfs_proc_t *p, int oldfd, int newfd);
int vfs_dup3(vfs_proc_t *p, int oldfd, int newfd, int flags);
int vfs_fcntl(vfs_proc_t *p, int fd, int cmd, long arg);
int vfs_fstat(vfs_proc_t *p, int fd, struct vfs_stat *st);
int64_t vfs_getdents64(vfs_proc_t *p, int fd, void *buf, size_t n_bytes);
int vfs_ftruncate(vfs_proc_t *p, int fd, int64_t length);
int vfs_fchmod(vfs_proc_t *p, int fd, vfs_mode_t mode);
int vfs_fchown(vfs_proc_t *p, int fd, vfs_uid_t uid, vfs_gid_t gid);
int vfs_fchdir(vfs_proc_t *p, int fd);
int vfs_fstatfs(vfs_proc_t *p, int fd, struct vfs_statfs *st);

/* ---- paths (the *at forms take VFS_AT_FDCWD or a directory fd) ---------- */
int vfs_fstatat(vfs_proc_t *p, int dirfd, const char *path, struct vfs_stat *st, int flags);
int vfs_mkdirat(vfs_proc_t *p, int dirfd, const char *path, vfs_mode_t mode);
int vfs_unlinkat(vfs_proc_t *p, int dirfd, const char *path, int flags);
int vfs_renameat2(vfs_proc_t *p, int olddirfd, const char *oldpath, int newdirfd,
                  const char *newpath, unsigned flags);
int vfs_linkat(vfs_proc_t *p, int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
               int flags);
int vfs_symlinkat(vfs_proc_t *p, const char *target, int newdirfd, const char *linkpath);
int64_t vfs_readlinkat(vfs_proc_t *p, int dirfd, const char *path, char *buf, size_t n_bytes);
int vfs_truncate(vfs_proc_t *p, const char *path, int64_t length);
int vfs_fchmodat(vfs_proc_t *p, int dirfd, const char *path, vfs_mode_t mode, int flags);
int vfs_fchownat(vfs_proc_t *p, int dirfd, const char *path, vfs_uid_t uid, vfs_gid_t gid,
                 int flags);
/* times NULL: both now; tv_nsec may be VFS_UTIME_NOW / VFS_UTIME_OMIT. */
int vfs_utimensat(vfs_proc_t *p, int dirfd, const char *path, const vfs_timespec_t times[2],
                  int flags);
int vfs_faccessat(vfs_proc_t *p, int dirfd, const char *path, int mode, int flags);
int vfs_statfs(vfs_proc_t *p, const char *path, struct vfs_statfs *st);
int vfs_chdir(vfs_proc_t *p, const char *path);
/* Writes the absolute cwd (NUL-terminated); returns its length + 1. */
int vfs_getcwd(vfs_proc_t *p, char *buf, size_t n_bytes);

/* ---- the classic names -------------------------------------------------- */
static inline int vfs_open(vfs_proc_t *p, const char *path, int flags, vfs_mode_t mode)
{
    return vfs_openat(p, VFS_AT_FDCWD, path, flags, mode);
}
static inline int vfs_stat(vfs_proc_t *p, const char *path, struct vfs_stat *st)
{
    return vfs_fstatat(p, VFS_AT_FDCWD, path, st, 0);
}
static inline int vfs_lstat(vfs_proc_t *p, const char *path, struct vfs_stat *st)
{
    return vfs_fstatat(p, VFS_AT_FDCWD, path, st, VFS_AT_SYMLINK_NOFOLLOW);
}
static inline int vfs_mkdir(vfs_proc_t *p, const char *path, vfs_mode_t mode)
{
    return vfs_mkdirat(p, VFS_AT_FDCWD, path, mode);
}
static inline int vfs_rmdir(vfs_proc_t *p, const char *path)
{
    return vfs_unlinkat(p, VFS_AT_FDCWD, path, VFS_AT_REMOVEDIR);
}
static inline int vfs_unlink(vfs_proc_t *p, const char *path)
{
    return vfs_unlinkat(p, VFS_AT_FDCWD, path, 0);
}
static inline int vfs_rename(vfs_proc_t *p, const char *oldpath, const char *newpath)
{
    return vfs_renameat2(p, VFS_AT_FDCWD, oldpath, VFS_AT_FDCWD, newpath, 0);
}
static inline int vfs_link(vfs_proc_t *p, const char *oldpath, const char *newpath)
{
    return vfs_linkat(p, VFS_AT_FDCWD, oldpath, VFS_AT_FDCWD, newpath, 0);
}
static inline int vfs_symlink(vfs_proc_t *p, const char *target, const char *linkpath)
{
    return vfs_symlinkat(p, target, VFS_AT_FDCWD, linkpath);
}
static inline int64_t vfs_readlink(vfs_proc_t *p, const char *path, char *buf, size_t n)
{
    return vfs_readlinkat(p, VFS_AT_FDCWD, path, buf, n);
}
static inline int vfs_chmod(vfs_proc_t *p, const char *path, vfs_mode_t mode)
{
    return vfs_fchmodat(p, VFS_AT_FDCWD, path, mode, 0);
}
static inline int vfs_chown(vfs_proc_t *p, const char *path, vfs_uid_t uid, vfs_gid_t gid)
{
    return vfs_fchownat(p, VFS_AT_FDCWD, path, uid, gid, 0);
}
static inline int vfs_access(vfs_proc_t *p, const char *path, int mode)
{
    return vfs_faccessat(p, VFS_AT_FDCWD, path, mode, 0);
}

/* ---- file systems shipped with the VFS ---------------------------------- */
typedef struct {
    uint64_t limit_bytes; /* data pages; 0 = unlimited */
    uint64_t max_inodes;  /* 0 = unlimited */
    vfs_mode_t root_mode; /* permission bits of the root directory */
} ramfs_options_t;

vfs_fs_t *ramfs_create(vfs_t *vfs, const ramfs_options_t *options);

/* /dev/console is wired to these hooks (NULL: reads give 0, writes vanish). */
typedef struct {
    int64_t (*write)(void *ctx, const void *buf, size_t n_bytes);
    int64_t (*read)(void *ctx, void *buf, size_t n_bytes);
    void *ctx;
} devfs_console_t;

vfs_fs_t *devfs_create(vfs_t *vfs, const devfs_console_t *console);

/* Destroys an fs that was never mounted (mounted ones die at umount). */
void vfs_fs_destroy(vfs_fs_t *fs);
