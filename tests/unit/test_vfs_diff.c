// SPDX-License-Identifier: BSD-2-Clause
/* Differential test of the KaaL VFS against Linux, the oracle.
 *
 * Each case runs the same operations on a fresh scratch directory of the
 * host (tmpfs at /dev/shm when available, so ramfs can be compared down to
 * directory sizes and st_blocks) and on a fresh KaaL VFS with a ramfs root,
 * comparing every return value and errno, the bytes read, stat fields and
 * directory listings, then the whole resulting tree. Both sides work below
 * s1/s2/w, the cwd; operation paths have at most three components and
 * symlink targets never contain "..", so nothing can reach outside the
 * scratch directory on the host.
 *
 * The tests run as root, so Linux skips rwx checks (except exec): every
 * comparison here is under root semantics. Non-root permission rules are
 * checked against hand-written expectations in test_vfs_rules.c.
 *
 * The random cases are reproducible: VFS_DIFF_SEED=<n> picks the first seed
 * and VFS_DIFF_OPS=<n> the number of operations; a mismatch prints the seed,
 * the operation index and the operation. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <cmocka.h>

#include <kaal/vfs.h>
#include "vfs/vfs_diff.h"

/* The file system under test; test_vfs_ext2_diff.c includes this file with
 * ext2 instead (sizes of directories and st_blocks are then not compared). */
#ifndef VFS_DIFF_ROOT_FS
#define VFS_DIFF_ROOT_FS(vfs) ramfs_create(vfs, NULL)
#define VFS_DIFF_HOST_PREPARE(base) ((void)(base))
#define VFS_DIFF_AFTER_DESTROY() ((void)0)
#define VFS_DIFF_SIZES_COMPARABLE 1
#endif

#define MAX_FDS 64
#define DATA_MAX (80 * 1024)
#define TMPFS_MAGIC_ 0x01021994

_Static_assert(VFS_O_CREAT == O_CREAT && VFS_O_EXCL == O_EXCL && VFS_O_TRUNC == O_TRUNC &&
                   VFS_O_APPEND == O_APPEND && VFS_O_DIRECTORY == O_DIRECTORY &&
                   VFS_O_NOFOLLOW == O_NOFOLLOW && VFS_O_CLOEXEC == O_CLOEXEC &&
                   VFS_O_NONBLOCK == O_NONBLOCK && VFS_O_NOATIME == O_NOATIME &&
                   VFS_O_LARGEFILE == 0100000 && VFS_O_PATH == O_PATH,
               "open flags are Linux's");
_Static_assert(LINUX_ENOENT == ENOENT && LINUX_ENOTEMPTY == ENOTEMPTY && LINUX_ELOOP == ELOOP &&
                   LINUX_ENAMETOOLONG == ENAMETOOLONG && LINUX_EXDEV == EXDEV &&
                   LINUX_EOPNOTSUPP == EOPNOTSUPP && LINUX_EOVERFLOW == EOVERFLOW &&
                   LINUX_ENXIO == ENXIO && LINUX_ESPIPE == ESPIPE,
               "errno numbers are Linux's");
_Static_assert(VFS_AT_FDCWD == AT_FDCWD && VFS_AT_REMOVEDIR == AT_REMOVEDIR &&
                   VFS_AT_SYMLINK_NOFOLLOW == AT_SYMLINK_NOFOLLOW &&
                   VFS_AT_SYMLINK_FOLLOW == AT_SYMLINK_FOLLOW &&
                   VFS_F_DUPFD_CLOEXEC == F_DUPFD_CLOEXEC && VFS_UTIME_NOW == UTIME_NOW &&
                   VFS_UTIME_OMIT == UTIME_OMIT && VFS_SEEK_DATA == SEEK_DATA &&
                   VFS_SEEK_HOLE == SEEK_HOLE,
               "*at flags are Linux's");

/* ---- counting allocator: every case ends with zero bytes outstanding ---- */
static size_t g_bytes_live;

static void *count_alloc(void *ctx, size_t n)
{
    (void)ctx;
    g_bytes_live += n;
    return malloc(n);
}

static void count_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    g_bytes_live -= n;
    free(p);
}

static int64_t g_clock;
static vfs_timespec_t fake_clock(void *ctx)
{
    (void)ctx;
    return (vfs_timespec_t){1700000000 + ++g_clock, 0};
}

/* ---- the environment of one case ---------------------------------------- */
static struct {
    char base[256]; /* scratch root on the host */
    char saved_cwd[4096];
    bool tmpfs;             /* host scratch is tmpfs: sizes and blocks comparable */
    bool reserved[MAX_FDS]; /* host fds open before the case (stdin, stdout, ...) */
    vfs_t *vfs;
    vfs_proc_t *proc; /* runs the operations */
    vfs_proc_t *insp; /* walks the tree for comparison */
    uint32_t seed;    /* random cases: for the report */
    long op_index;
} env;

typedef struct {
    int64_t ret;
    size_t len;
    char data[DATA_MAX];
} res_t;

static res_t g_host, g_kaal;
static uint8_t g_buf[DATA_MAX];

static void set_nofile(rlim_t n)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = n;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static void env_setup(void)
{
    g_bytes_live = 0;
    assert_non_null(getcwd(env.saved_cwd, sizeof(env.saved_cwd)));
    struct statfs sfs;
    const char *dir = "/dev/shm";
    if (statfs(dir, &sfs) != 0 || sfs.f_type != TMPFS_MAGIC_)
        dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(env.base, sizeof(env.base), "%s/kaal-vfs-XXXXXX", dir);
    assert_non_null(mkdtemp(env.base));
    assert_int_equal(statfs(env.base, &sfs), 0);
    assert_int_equal(chmod(env.base, 0755), 0); /* like the KaaL root */
    env.tmpfs = sfs.f_type == TMPFS_MAGIC_ && VFS_DIFF_SIZES_COMPARABLE;
    VFS_DIFF_HOST_PREPARE(env.base);
    umask(022);
    char path[512];
    snprintf(path, sizeof(path), "%s/s1", env.base);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/s1/s2", env.base);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/s1/s2/w", env.base);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(chdir(path), 0);
    set_nofile(MAX_FDS);
    for (int fd = 0; fd < MAX_FDS; fd++)
        env.reserved[fd] = fcntl(fd, F_GETFD) != -1;

    vfs_config_t cfg = {{count_alloc, count_free, NULL}, fake_clock, NULL};
    env.vfs = vfs_create(&cfg);
    assert_non_null(env.vfs);
    assert_int_equal(vfs_mount(env.vfs, NULL, "/", VFS_DIFF_ROOT_FS(env.vfs)), 0);
    env.proc = vfs_proc_create(env.vfs, 0, 0, 022, MAX_FDS);
    env.insp = vfs_proc_create(env.vfs, 0, 0, 022, MAX_FDS);
    assert_int_equal(vfs_mkdir(env.proc, "/s1", 0755), 0);
    assert_int_equal(vfs_mkdir(env.proc, "/s1/s2", 0755), 0);
    assert_int_equal(vfs_mkdir(env.proc, "/s1/s2/w", 0755), 0);
    assert_int_equal(vfs_chdir(env.proc, "/s1/s2/w"), 0);
    for (int fd = 0; fd < MAX_FDS; fd++) {
        if (!env.reserved[fd])
            continue;
        int k = vfs_open(env.proc, "/", O_RDONLY | O_DIRECTORY, 0);
        assert_true(k >= 0 && k <= fd);
        if (k != fd) {
            assert_int_equal(vfs_dup2(env.proc, k, fd), fd);
            assert_int_equal(vfs_close(env.proc, k), 0);
        }
    }
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void env_teardown(void)
{
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (!env.reserved[fd])
            close(fd);
    set_nofile(4096);
    if (chdir(env.saved_cwd) != 0)
        fail_msg("cannot return to %s", env.saved_cwd);
    nftw(env.base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    vfs_proc_destroy(env.proc);
    vfs_proc_destroy(env.insp);
    assert_int_equal(vfs_destroy(env.vfs), 0);
    assert_int_equal(g_bytes_live, 0); /* no leaks: every page, inode, file freed */
    VFS_DIFF_AFTER_DESTROY();
}

/* ---- running one operation on each side --------------------------------- */

static const char *host_path(const char *p, char *buf, size_t n)
{
    if (!p || p[0] != '/')
        return p;
    snprintf(buf, n, "%s%s", env.base, p);
    return buf;
}

static void fill_pattern(uint8_t *buf, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)((seed * 2654435761u + i * 7u + (i >> 8)) & 0xff);
}

static void put(res_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->data + r->len, sizeof(r->data) - r->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        r->len += (size_t)n < sizeof(r->data) - r->len ? (size_t)n : sizeof(r->data) - r->len - 1;
}

static void put_stat(res_t *r, unsigned mode, unsigned nlink, unsigned uid, unsigned gid,
                     int64_t size, int64_t blocks, uint64_t rdev, const vfs_op_t *op, int64_t as,
                     int64_t an, int64_t ms, int64_t mn)
{
    bool dir = S_ISDIR(mode);
    put(r, "mode=%o nlink=%u uid=%u gid=%u rdev=%" PRIu64, mode, nlink, uid, gid, rdev);
    if (!dir || env.tmpfs)
        put(r, " size=%" PRId64, size);
    if (!dir && env.tmpfs)
        put(r, " blocks=%" PRId64, blocks);
    if (op->times)
        put(r, " atime=%" PRId64 ".%09" PRId64 " mtime=%" PRId64 ".%09" PRId64, as, an, ms, mn);
}

static void host_stat_res(res_t *r, const struct stat *st, const vfs_op_t *op)
{
    put_stat(r, st->st_mode, (unsigned)st->st_nlink, st->st_uid, st->st_gid, st->st_size,
             st->st_blocks, st->st_rdev, op, st->st_atim.tv_sec, st->st_atim.tv_nsec,
             st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

static void kaal_stat_res(res_t *r, const struct vfs_stat *st, const vfs_op_t *op)
{
    put_stat(r, st->mode, st->nlink, st->uid, st->gid, st->size, st->blocks, st->rdev, op,
             st->atime.sec, st->atime.nsec, st->mtime.sec, st->mtime.nsec);
}

/* Directory listings are compared as sorted sets plus the total record
 * bytes (the order differs between file systems, the records must not). */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef int64_t (*getdents_fn)(int fd, void *buf, size_t n);

static int64_t host_getdents(int fd, void *buf, size_t n)
{
    long r = syscall(SYS_getdents64, fd, buf, n);
    return r < 0 ? -errno : r;
}

static int64_t kaal_getdents(int fd, void *buf, size_t n)
{
    return vfs_getdents64(env.proc, fd, buf, n);
}

static int64_t drain_dir(res_t *r, getdents_fn fn, int fd, size_t bufsize)
{
    char *names[512];
    int n_names = 0;
    int64_t total = 0, ret;
    static uint8_t dbuf[8192];
    for (;;) {
        ret = fn(fd, dbuf, bufsize);
        if (ret <= 0)
            break;
        total += ret;
        for (int64_t off = 0; off < ret;) {
            struct vfs_dirent64 *d = (struct vfs_dirent64 *)(dbuf + off);
            if (d->d_reclen == 0 || d->d_reclen % 8 || off + d->d_reclen > ret) {
                put(r, "bad record at %" PRId64, off);
                return -1;
            }
            if (n_names < 512) {
                names[n_names] = malloc(300);
                snprintf(names[n_names], 300, "%s/%u", d->d_name, d->d_type);
                n_names++;
            }
            off += d->d_reclen;
        }
    }
    qsort(names, (size_t)n_names, sizeof(names[0]), cmp_str);
    put(r, "bytes=%" PRId64 " last=%" PRId64 ":", total, ret);
    for (int i = 0; i < n_names; i++) {
        put(r, " %s", names[i]);
        free(names[i]);
    }
    return ret < 0 ? ret : total;
}

static int64_t host_ret(int64_t r)
{
    return r < 0 ? (int64_t)-errno : r;
}
#define HOST(call) host_ret((int64_t)(call))

static void run_host(const vfs_op_t *op, res_t *r)
{
    char b1[4600], b2[4600];
    const char *p = host_path(op->p, b1, sizeof(b1));
    const char *q = host_path(op->q, b2, sizeof(b2));
    struct stat st;
    int64_t ret = 0;
    r->len = 0;
    r->data[0] = 0;
    errno = 0;
    switch (op->kind) {
    case OP_OPEN: ret = HOST(open(p, op->flags, op->mode)); break;
    case OP_OPENAT: ret = HOST(openat(op->fd, p, op->flags, op->mode)); break;
    case OP_CLOSE: ret = HOST(close(op->fd)); break;
    case OP_READ:
    case OP_PREAD:
        memset(g_buf, 0xee, op->len);
        ret = op->kind == OP_READ ? HOST(read(op->fd, g_buf, op->len))
                                  : HOST(pread(op->fd, g_buf, op->len, op->off));
        if (ret > 0) {
            memcpy(r->data, g_buf, (size_t)ret);
            r->len = (size_t)ret;
        }
        break;
    case OP_WRITE:
        fill_pattern(g_buf, op->len, op->seed);
        ret = HOST(write(op->fd, g_buf, op->len));
        break;
    case OP_PWRITE:
        fill_pattern(g_buf, op->len, op->seed);
        ret = HOST(pwrite(op->fd, g_buf, op->len, op->off));
        break;
    case OP_LSEEK: ret = HOST(lseek(op->fd, op->off, op->whence)); break;
    case OP_DUP: ret = HOST(dup(op->fd)); break;
    case OP_DUP2: ret = HOST(dup2(op->fd, op->fd2)); break;
    case OP_DUP3: ret = HOST(dup3(op->fd, op->fd2, op->flags)); break;
    case OP_FCNTL: ret = HOST(fcntl(op->fd, op->whence, op->arg)); break;
    case OP_FSTAT:
        ret = HOST(fstat(op->fd, &st));
        if (!ret)
            host_stat_res(r, &st, op);
        break;
    case OP_STAT:
    case OP_LSTAT:
    case OP_FSTATAT:
        ret = op->kind == OP_STAT    ? HOST(stat(p, &st))
              : op->kind == OP_LSTAT ? HOST(lstat(p, &st))
                                     : HOST(fstatat(op->fd, p, &st, op->flags));
        if (!ret)
            host_stat_res(r, &st, op);
        break;
    case OP_GETDENTS: ret = drain_dir(r, host_getdents, op->fd, op->len); break;
    case OP_MKDIR: ret = HOST(mkdir(p, op->mode)); break;
    case OP_MKDIRAT: ret = HOST(mkdirat(op->fd, p, op->mode)); break;
    case OP_RMDIR: ret = HOST(rmdir(p)); break;
    case OP_UNLINK: ret = HOST(unlink(p)); break;
    case OP_UNLINKAT: ret = HOST(unlinkat(op->fd, p, op->flags)); break;
    case OP_RENAME: ret = HOST(rename(p, q)); break;
    case OP_RENAME_NOREPLACE:
        ret = HOST(renameat2(AT_FDCWD, p, AT_FDCWD, q, RENAME_NOREPLACE));
        break;
    case OP_LINK: ret = HOST(link(p, q)); break;
    case OP_LINK_FOLLOW: ret = HOST(linkat(AT_FDCWD, p, AT_FDCWD, q, AT_SYMLINK_FOLLOW)); break;
    case OP_SYMLINK: ret = HOST(symlink(op->q, p)); break;
    case OP_READLINK:
        ret = HOST(readlink(p, (char *)g_buf, op->len));
        if (ret > 0) {
            memcpy(r->data, g_buf, (size_t)ret);
            r->len = (size_t)ret;
        }
        break;
    case OP_TRUNCATE: ret = HOST(truncate(p, op->off)); break;
    case OP_FTRUNCATE: ret = HOST(ftruncate(op->fd, op->off)); break;
    case OP_CHMOD: ret = HOST(chmod(p, op->mode)); break;
    case OP_FCHMOD: ret = HOST(fchmod(op->fd, op->mode)); break;
    case OP_CHOWN: ret = HOST(chown(p, op->uid, op->gid)); break;
    case OP_LCHOWN: ret = HOST(lchown(p, op->uid, op->gid)); break;
    case OP_UTIMENS: {
        struct timespec ts[2] = {{op->t[0], op->t[1]}, {op->t[2], op->t[3]}};
        ret = HOST(utimensat(AT_FDCWD, p, op->null_times ? NULL : ts, op->flags));
        break;
    }
    case OP_ACCESS: ret = HOST(access(p, (int)op->mode)); break;
    case OP_CHDIR: ret = HOST(chdir(p)); break;
    case OP_FCHDIR: ret = HOST(fchdir(op->fd)); break;
    case OP_UMASK: ret = umask(op->mode); break;
    default: fail_msg("unknown op %d", op->kind);
    }
    r->ret = ret;
}

static void run_kaal(const vfs_op_t *op, res_t *r)
{
    vfs_proc_t *k = env.proc;
    struct vfs_stat st;
    int64_t ret = 0;
    r->len = 0;
    r->data[0] = 0;
    switch (op->kind) {
    case OP_OPEN: ret = vfs_open(k, op->p, op->flags, op->mode); break;
    case OP_OPENAT: ret = vfs_openat(k, op->fd, op->p, op->flags, op->mode); break;
    case OP_CLOSE: ret = vfs_close(k, op->fd); break;
    case OP_READ:
    case OP_PREAD:
        memset(g_buf, 0xee, op->len);
        ret = op->kind == OP_READ ? vfs_read(k, op->fd, g_buf, op->len)
                                  : vfs_pread(k, op->fd, g_buf, op->len, op->off);
        if (ret > 0) {
            memcpy(r->data, g_buf, (size_t)ret);
            r->len = (size_t)ret;
        }
        break;
    case OP_WRITE:
        fill_pattern(g_buf, op->len, op->seed);
        ret = vfs_write(k, op->fd, g_buf, op->len);
        break;
    case OP_PWRITE:
        fill_pattern(g_buf, op->len, op->seed);
        ret = vfs_pwrite(k, op->fd, g_buf, op->len, op->off);
        break;
    case OP_LSEEK: ret = vfs_lseek(k, op->fd, op->off, op->whence); break;
    case OP_DUP: ret = vfs_dup(k, op->fd); break;
    case OP_DUP2: ret = vfs_dup2(k, op->fd, op->fd2); break;
    case OP_DUP3: ret = vfs_dup3(k, op->fd, op->fd2, op->flags); break;
    case OP_FCNTL: ret = vfs_fcntl(k, op->fd, op->whence, op->arg); break;
    case OP_FSTAT:
        ret = vfs_fstat(k, op->fd, &st);
        if (!ret)
            kaal_stat_res(r, &st, op);
        break;
    case OP_STAT:
    case OP_LSTAT:
    case OP_FSTATAT:
        ret = op->kind == OP_STAT    ? vfs_stat(k, op->p, &st)
              : op->kind == OP_LSTAT ? vfs_lstat(k, op->p, &st)
                                     : vfs_fstatat(k, op->fd, op->p, &st, op->flags);
        if (!ret)
            kaal_stat_res(r, &st, op);
        break;
    case OP_GETDENTS: ret = drain_dir(r, kaal_getdents, op->fd, op->len); break;
    case OP_MKDIR: ret = vfs_mkdir(k, op->p, op->mode); break;
    case OP_MKDIRAT: ret = vfs_mkdirat(k, op->fd, op->p, op->mode); break;
    case OP_RMDIR: ret = vfs_rmdir(k, op->p); break;
    case OP_UNLINK: ret = vfs_unlink(k, op->p); break;
    case OP_UNLINKAT: ret = vfs_unlinkat(k, op->fd, op->p, op->flags); break;
    case OP_RENAME: ret = vfs_rename(k, op->p, op->q); break;
    case OP_RENAME_NOREPLACE:
        ret = vfs_renameat2(k, VFS_AT_FDCWD, op->p, VFS_AT_FDCWD, op->q, VFS_RENAME_NOREPLACE);
        break;
    case OP_LINK: ret = vfs_link(k, op->p, op->q); break;
    case OP_LINK_FOLLOW:
        ret = vfs_linkat(k, VFS_AT_FDCWD, op->p, VFS_AT_FDCWD, op->q, VFS_AT_SYMLINK_FOLLOW);
        break;
    case OP_SYMLINK: ret = vfs_symlink(k, op->q, op->p); break;
    case OP_READLINK:
        ret = vfs_readlink(k, op->p, (char *)g_buf, op->len);
        if (ret > 0) {
            memcpy(r->data, g_buf, (size_t)ret);
            r->len = (size_t)ret;
        }
        break;
    case OP_TRUNCATE: ret = vfs_truncate(k, op->p, op->off); break;
    case OP_FTRUNCATE: ret = vfs_ftruncate(k, op->fd, op->off); break;
    case OP_CHMOD: ret = vfs_chmod(k, op->p, op->mode); break;
    case OP_FCHMOD: ret = vfs_fchmod(k, op->fd, op->mode); break;
    case OP_CHOWN: ret = vfs_chown(k, op->p, op->uid, op->gid); break;
    case OP_LCHOWN:
        ret = vfs_fchownat(k, VFS_AT_FDCWD, op->p, op->uid, op->gid, VFS_AT_SYMLINK_NOFOLLOW);
        break;
    case OP_UTIMENS: {
        vfs_timespec_t ts[2] = {{op->t[0], op->t[1]}, {op->t[2], op->t[3]}};
        ret = vfs_utimensat(k, VFS_AT_FDCWD, op->p, op->null_times ? NULL : ts, op->flags);
        break;
    }
    case OP_ACCESS: ret = vfs_access(k, op->p, (int)op->mode); break;
    case OP_CHDIR: ret = vfs_chdir(k, op->p); break;
    case OP_FCHDIR: ret = vfs_fchdir(k, op->fd); break;
    case OP_UMASK: ret = vfs_umask(k, op->mode); break;
    default: fail_msg("unknown op %d", op->kind);
    }
    r->ret = ret;
}

static const char *const op_names[OP_N_KINDS] = {
    [OP_OPEN] = "open",           [OP_CLOSE] = "close",
    [OP_READ] = "read",           [OP_WRITE] = "write",
    [OP_PREAD] = "pread",         [OP_PWRITE] = "pwrite",
    [OP_LSEEK] = "lseek",         [OP_DUP] = "dup",
    [OP_DUP2] = "dup2",           [OP_DUP3] = "dup3",
    [OP_FCNTL] = "fcntl",         [OP_FSTAT] = "fstat",
    [OP_STAT] = "stat",           [OP_LSTAT] = "lstat",
    [OP_GETDENTS] = "getdents64", [OP_MKDIR] = "mkdir",
    [OP_RMDIR] = "rmdir",         [OP_UNLINK] = "unlink",
    [OP_RENAME] = "rename",       [OP_RENAME_NOREPLACE] = "rename(NOREPLACE)",
    [OP_LINK] = "link",           [OP_LINK_FOLLOW] = "linkat(FOLLOW)",
    [OP_SYMLINK] = "symlink",     [OP_READLINK] = "readlink",
    [OP_TRUNCATE] = "truncate",   [OP_FTRUNCATE] = "ftruncate",
    [OP_CHMOD] = "chmod",         [OP_FCHMOD] = "fchmod",
    [OP_CHOWN] = "chown",         [OP_LCHOWN] = "lchown",
    [OP_UTIMENS] = "utimensat",   [OP_ACCESS] = "access",
    [OP_CHDIR] = "chdir",         [OP_FCHDIR] = "fchdir",
    [OP_UMASK] = "umask",         [OP_OPENAT] = "openat",
    [OP_MKDIRAT] = "mkdirat",     [OP_UNLINKAT] = "unlinkat",
    [OP_FSTATAT] = "fstatat",
};

static void describe(const vfs_op_t *op, char *buf, size_t n)
{
    char p[64] = "", q[64] = "";
    if (op->p)
        snprintf(p, sizeof(p), "%.40s%s", op->p, strlen(op->p) > 40 ? "...(long)" : "");
    if (op->q)
        snprintf(q, sizeof(q), "%.40s%s", op->q, strlen(op->q) > 40 ? "...(long)" : "");
    snprintf(buf, n,
             "%s(p=\"%s\" q=\"%s\" flags=%#o mode=%#o fd=%d fd2=%d off=%" PRId64
             " len=%zu whence/cmd=%d arg=%ld uid=%d gid=%d)",
             op->kind > 0 && op->kind < OP_N_KINDS ? op_names[op->kind] : "?", p, q,
             (unsigned)op->flags, op->mode, op->fd, op->fd2, op->off, op->len, op->whence, op->arg,
             (int)op->uid, (int)op->gid);
}

static bool g_mismatch;

/* Runs op on both sides; a difference fails the case with the details. */
static int64_t step_at(const vfs_op_t *op, int line)
{
    run_host(op, &g_host);
    run_kaal(op, &g_kaal);
    bool same = g_host.ret == g_kaal.ret && g_host.len == g_kaal.len &&
                memcmp(g_host.data, g_kaal.data, g_host.len) == 0;
    if (!same) {
        char d[512];
        describe(op, d, sizeof(d));
        print_error("MISMATCH seed=%u op#%ld line %d: %s\n  linux: %" PRId64 " %s%.*s\n"
                    "  kaal:  %" PRId64 " %s%.*s\n",
                    env.seed, env.op_index, line, d, g_host.ret,
                    g_host.ret < 0 ? strerror((int)-g_host.ret) : "",
                    (int)(g_host.len > 300 ? 300 : g_host.len), g_host.data, g_kaal.ret,
                    g_kaal.ret < 0 ? strerror((int)-g_kaal.ret) : "",
                    (int)(g_kaal.len > 300 ? 300 : g_kaal.len), g_kaal.data);
        g_mismatch = true;
    }
    return g_host.ret;
}

#define S(KIND, ...) step_at(&(vfs_op_t){.kind = OP_##KIND, __VA_ARGS__}, __LINE__)

/* ---- whole-tree comparison ----------------------------------------------- */

typedef struct {
    uint64_t ino[4096];
    int n;
} link_ids_t;

static int link_id(link_ids_t *ids, uint64_t ino)
{
    for (int i = 0; i < ids->n; i++)
        if (ids->ino[i] == ino)
            return i;
    if (ids->n < 4096)
        ids->ino[ids->n++] = ino;
    return ids->n - 1;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static char g_tree_host[1 << 18], g_tree_kaal[1 << 18];
static size_t g_tree_len;

static void tree_put(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + g_tree_len, (1 << 18) - g_tree_len, fmt, ap);
    va_end(ap);
    if (n > 0 && g_tree_len + (size_t)n < (1 << 18))
        g_tree_len += (size_t)n;
}

static void entry_line(char *out, link_ids_t *ids, const char *rel, uint64_t ino, unsigned mode,
                       unsigned nlink, unsigned uid, unsigned gid, int64_t size, int64_t blocks)
{
    bool dir = S_ISDIR(mode);
    tree_put(out, "%s id=%d mode=%o nlink=%u uid=%u gid=%u", rel, link_id(ids, ino), mode, nlink,
             uid, gid);
    if (!dir || env.tmpfs)
        tree_put(out, " size=%" PRId64, size);
    if (!dir && env.tmpfs)
        tree_put(out, " blocks=%" PRId64, blocks);
}

static void dump_host(const char *abs, const char *rel, link_ids_t *ids, int depth)
{
    DIR *d = opendir(abs);
    if (!d) {
        tree_put(g_tree_host, "%s: opendir failed %d\n", rel, errno);
        return;
    }
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
    for (int i = 0; i < n; i++) {
        char a[4600], r[4600];
        snprintf(a, sizeof(a), "%s/%s", abs, names[i]);
        snprintf(r, sizeof(r), "%s/%s", rel, names[i]);
        struct stat st;
        if (lstat(a, &st) != 0)
            continue;
        entry_line(g_tree_host, ids, r, st.st_ino, st.st_mode, (unsigned)st.st_nlink, st.st_uid,
                   st.st_gid, st.st_size, st.st_blocks);
        if (S_ISLNK(st.st_mode)) {
            char t[4600];
            ssize_t k = readlink(a, t, sizeof(t) - 1);
            tree_put(g_tree_host, " -> %.*s\n", (int)(k < 0 ? 0 : k), t);
        } else if (S_ISREG(st.st_mode)) {
            int fd = open(a, O_RDONLY);
            uint64_t h = 1469598103934665603ull;
            ssize_t k;
            while (fd >= 0 && (k = read(fd, g_buf, sizeof(g_buf))) > 0)
                h = fnv(h, g_buf, (size_t)k);
            if (fd >= 0)
                close(fd);
            tree_put(g_tree_host, " data=%016" PRIx64 "\n", h);
        } else {
            tree_put(g_tree_host, "\n");
            if (S_ISDIR(st.st_mode) && depth < 12)
                dump_host(a, r, ids, depth + 1);
        }
        free(names[i]);
    }
}

static void dump_kaal(const char *abs, link_ids_t *ids, int depth)
{
    vfs_proc_t *k = env.insp;
    int fd = vfs_open(k, abs, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0) {
        tree_put(g_tree_kaal, "%s: opendir failed %d\n", abs, -fd);
        return;
    }
    char *names[256];
    int n = 0;
    static uint8_t dbuf[4096];
    int64_t got;
    while ((got = vfs_getdents64(k, fd, dbuf, sizeof(dbuf))) > 0) {
        for (int64_t off = 0; off < got;) {
            struct vfs_dirent64 *d = (struct vfs_dirent64 *)(dbuf + off);
            if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") && n < 256)
                names[n++] = strdup(d->d_name);
            off += d->d_reclen;
        }
    }
    vfs_close(k, fd);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
    for (int i = 0; i < n; i++) {
        char a[4600];
        snprintf(a, sizeof(a), "%s/%s", strcmp(abs, "/") ? abs : "", names[i]);
        struct vfs_stat st;
        if (vfs_lstat(k, a, &st) != 0)
            continue;
        entry_line(g_tree_kaal, ids, a, st.ino, st.mode, st.nlink, st.uid, st.gid, st.size,
                   st.blocks);
        if (S_ISLNK(st.mode)) {
            char t[4600];
            int64_t kk = vfs_readlink(k, a, t, sizeof(t) - 1);
            tree_put(g_tree_kaal, " -> %.*s\n", (int)(kk < 0 ? 0 : kk), t);
        } else if (S_ISREG(st.mode)) {
            int f = vfs_open(k, a, O_RDONLY, 0);
            uint64_t h = 1469598103934665603ull;
            int64_t kk;
            while (f >= 0 && (kk = vfs_read(k, f, g_buf, sizeof(g_buf))) > 0)
                h = fnv(h, g_buf, (size_t)kk);
            if (f >= 0)
                vfs_close(k, f);
            tree_put(g_tree_kaal, " data=%016" PRIx64 "\n", h);
        } else {
            tree_put(g_tree_kaal, "\n");
            if (S_ISDIR(st.mode) && depth < 12)
                dump_kaal(a, ids, depth + 1);
        }
        free(names[i]);
    }
}

static link_ids_t g_ids;

static void compare_trees(void)
{
    set_nofile(4096); /* the walk needs descriptors even when the case used all */
    g_tree_len = 0;
    g_ids.n = 0;
    dump_host(env.base, "", &g_ids, 0);
    g_tree_len = 0;
    g_ids.n = 0;
    dump_kaal("/", &g_ids, 0);
    set_nofile(MAX_FDS);
    if (strcmp(g_tree_host, g_tree_kaal) != 0) {
        print_error("TREE MISMATCH seed=%u after op#%ld\n--- linux:\n%s--- kaal:\n%s", env.seed,
                    env.op_index, g_tree_host, g_tree_kaal);
        g_mismatch = true;
    }
}

static int case_setup(void **state)
{
    (void)state;
    if (geteuid() != 0)
        return 0; /* the case skips itself: root semantics are what we compare */
    g_mismatch = false;
    env.seed = 0;
    env.op_index = -1;
    env_setup();
    return 0;
}

static int case_teardown(void **state)
{
    (void)state;
    if (geteuid() != 0)
        return 0;
    env_teardown();
    return 0;
}

static void finish_case(void)
{
    compare_trees();
    assert_false(g_mismatch);
}

/* ---- hand-written cases: one per group of rules --------------------------- */

static void test_open_flags_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    S(OPEN, .p = "f", .flags = O_RDONLY);
    int fd = (int)S(OPEN, .p = "f", .flags = O_CREAT | O_WRONLY, .mode = 0666);
    S(WRITE, .fd = fd, .len = 100, .seed = 1);
    S(FCNTL, .fd = fd, .whence = F_GETFL);
    S(FCNTL, .fd = fd, .whence = F_GETFD);
    S(OPEN, .p = "f", .flags = O_CREAT | O_EXCL | O_RDWR, .mode = 0600);
    int fd2 = (int)S(OPEN, .p = "f", .flags = O_RDWR | O_APPEND | O_CLOEXEC);
    S(FCNTL, .fd = fd2, .whence = F_GETFL);
    S(FCNTL, .fd = fd2, .whence = F_GETFD);
    S(CLOSE, .fd = fd);
    S(OPEN, .p = "f", .flags = O_RDONLY | O_TRUNC); /* truncates, takes lowest fd */
    S(FSTAT, .fd = fd2);
    S(OPEN, .p = "f/", .flags = O_RDONLY);
    S(OPEN, .p = "f/", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(OPEN, .p = "new/", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(OPEN, .p = "f", .flags = O_DIRECTORY);
    S(OPEN, .p = "f", .flags = O_CREAT | O_DIRECTORY, .mode = 0644);
    S(MKDIR, .p = "d", .mode = 0755);
    S(OPEN, .p = "d", .flags = O_WRONLY);
    S(OPEN, .p = "d", .flags = O_RDWR);
    S(OPEN, .p = "d", .flags = O_RDONLY | O_TRUNC);
    S(OPEN, .p = "d", .flags = O_CREAT | O_RDONLY, .mode = 0644);
    S(OPEN, .p = "d", .flags = O_CREAT | O_EXCL | O_RDONLY, .mode = 0644);
    int dfd = (int)S(OPEN, .p = "d/", .flags = O_RDONLY | O_DIRECTORY);
    S(FCNTL, .fd = dfd, .whence = F_GETFL);
    S(OPEN, .p = ".", .flags = O_CREAT | O_RDONLY, .mode = 0644);
    S(OPEN, .p = "..", .flags = O_RDONLY);
    S(SYMLINK, .p = "sl", .q = "f");
    S(SYMLINK, .p = "dangling", .q = "target");
    S(OPEN, .p = "sl", .flags = O_RDONLY | O_NOFOLLOW);
    S(OPEN, .p = "sl", .flags = O_CREAT | O_EXCL | O_RDWR, .mode = 0644);
    S(OPEN, .p = "sl", .flags = O_CREAT | O_RDWR | O_NOFOLLOW, .mode = 0644);
    int sfd = (int)S(OPEN, .p = "sl", .flags = O_RDWR);
    S(FSTAT, .fd = sfd);
    S(OPEN, .p = "dangling", .flags = O_RDONLY);
    S(OPEN, .p = "dangling", .flags = O_CREAT | O_EXCL | O_RDWR, .mode = 0644);
    S(OPEN, .p = "dangling", .flags = O_CREAT | O_RDWR, .mode = 0640); /* creates target */
    S(LSTAT, .p = "target");
    S(OPEN, .p = "odd", .flags = O_CREAT | 3, .mode = 0644); /* accmode 3 */
    int ofd = (int)S(OPEN, .p = "odd", .flags = 3);
    S(READ, .fd = ofd, .len = 10);
    S(WRITE, .fd = ofd, .len = 10);
    S(FCNTL, .fd = ofd, .whence = F_GETFL);
    S(OPEN, .p = "nodir/x", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(OPEN, .p = "f/x", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(OPEN, .p = "", .flags = O_RDONLY);
    S(OPEN, .p = "mode7777", .flags = O_CREAT | O_RDWR, .mode = 07777);
    S(STAT, .p = "mode7777");
    S(OPENAT, .fd = dfd, .p = "inner", .flags = O_CREAT | O_RDWR, .mode = 0600);
    S(OPENAT, .fd = fd2, .p = "inner", .flags = O_RDONLY);
    S(OPENAT, .fd = 55, .p = "inner", .flags = O_RDONLY);
    S(OPENAT, .fd = 55, .p = "/s1/s2/w/d/inner", .flags = O_RDONLY);
    finish_case();
}

static void test_read_write_and_offsets_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    int fd = (int)S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(WRITE, .fd = fd, .len = 5000, .seed = 2);
    S(LSEEK, .fd = fd, .off = 0, .whence = SEEK_CUR);
    S(LSEEK, .fd = fd, .off = 10, .whence = SEEK_SET);
    S(READ, .fd = fd, .len = 100);
    S(LSEEK, .fd = fd, .off = -20, .whence = SEEK_CUR);
    S(LSEEK, .fd = fd, .off = -10000, .whence = SEEK_CUR);
    S(LSEEK, .fd = fd, .off = -1, .whence = SEEK_SET);
    S(LSEEK, .fd = fd, .off = 0, .whence = 7);
    S(LSEEK, .fd = fd, .off = INT64_MAX, .whence = SEEK_END);
    S(LSEEK, .fd = fd, .off = -5001, .whence = SEEK_END);
    S(LSEEK, .fd = fd, .off = 20000, .whence = SEEK_END); /* beyond EOF */
    S(WRITE, .fd = fd, .len = 10, .seed = 3);             /* makes a hole */
    S(FSTAT, .fd = fd);
    S(PREAD, .fd = fd, .off = 4990, .len = 20000);
    S(PREAD, .fd = fd, .off = 30000, .len = 100);
    S(PREAD, .fd = fd, .off = -1, .len = 100);
    S(PWRITE, .fd = fd, .off = -1, .len = 100);
    S(PWRITE, .fd = fd, .off = 1 << 20, .len = 1, .seed = 4);
    S(FSTAT, .fd = fd);
    S(LSEEK, .fd = fd, .off = 0, .whence = SEEK_DATA);
    S(LSEEK, .fd = fd, .off = 5000, .whence = SEEK_DATA);
    S(LSEEK, .fd = fd, .off = 100, .whence = SEEK_HOLE);
    S(LSEEK, .fd = fd, .off = 9000, .whence = SEEK_HOLE);
    S(LSEEK, .fd = fd, .off = (1 << 20) + 1, .whence = SEEK_HOLE);
    S(LSEEK, .fd = fd, .off = (1 << 20) + 1, .whence = SEEK_DATA);
    S(LSEEK, .fd = fd, .off = -1, .whence = SEEK_DATA);
    S(LSEEK, .fd = fd, .off = 0, .whence = SEEK_CUR);
    S(WRITE, .fd = fd, .len = 0);
    S(READ, .fd = fd, .len = 0);
    S(PWRITE, .fd = fd, .off = INT64_MAX - 5, .len = 10, .seed = 9);
    S(PWRITE, .fd = fd, .off = ((int64_t)1 << 40), .len = 3, .seed = 9);
    S(FSTAT, .fd = fd);
    S(LSEEK, .fd = fd, .off = 2 << 20, .whence = SEEK_DATA); /* across a sparse TiB */
    S(LSEEK, .fd = fd, .off = 2 << 20, .whence = SEEK_HOLE);
    S(LSEEK, .fd = fd, .off = ((int64_t)1 << 40) + 1, .whence = SEEK_HOLE);
    S(PREAD, .fd = fd, .off = ((int64_t)1 << 40) - 2, .len = 10);
    S(FTRUNCATE, .fd = fd, .off = 4100);
    S(FSTAT, .fd = fd);
    S(PREAD, .fd = fd, .off = 0, .len = 8192);
    S(FTRUNCATE, .fd = fd, .off = 3);
    S(FTRUNCATE, .fd = fd, .off = 9000); /* the cleared tail reads as zeros */
    S(PREAD, .fd = fd, .off = 0, .len = 9000);
    S(FSTAT, .fd = fd);
    int ro = (int)S(OPEN, .p = "f", .flags = O_RDONLY);
    S(WRITE, .fd = ro, .len = 5, .seed = 5);
    S(PWRITE, .fd = ro, .off = 0, .len = 5, .seed = 5);
    S(FTRUNCATE, .fd = ro, .off = 0);
    int wo = (int)S(OPEN, .p = "f", .flags = O_WRONLY | O_APPEND);
    S(READ, .fd = wo, .len = 5);
    S(PREAD, .fd = wo, .off = 0, .len = 5);
    S(WRITE, .fd = wo, .len = 7, .seed = 6);
    S(LSEEK, .fd = wo, .off = 0, .whence = SEEK_CUR);
    S(PWRITE, .fd = wo, .off = 0, .len = 7, .seed = 7); /* O_APPEND wins over the offset */
    S(LSEEK, .fd = wo, .off = 0, .whence = SEEK_CUR);
    S(FSTAT, .fd = fd);
    S(PREAD, .fd = ro, .off = 8990, .len = 100);
    S(READ, .fd = 42, .len = 5);
    S(WRITE, .fd = -1, .len = 5);
    S(LSEEK, .fd = 42, .off = 0, .whence = SEEK_SET);
    S(MKDIR, .p = "d", .mode = 0755);
    int dfd = (int)S(OPEN, .p = "d", .flags = O_RDONLY);
    S(READ, .fd = dfd, .len = 10);
    S(READ, .fd = dfd, .len = 0);
    S(PREAD, .fd = dfd, .off = 0, .len = 10);
    S(LSEEK, .fd = dfd, .off = 0, .whence = SEEK_END);
    S(LSEEK, .fd = dfd, .off = 0, .whence = SEEK_SET);
    S(FTRUNCATE, .fd = dfd, .off = 0);
    S(LSEEK, .fd = dfd, .off = 0, .whence = SEEK_DATA);
    finish_case();
}

static void test_dup_and_fcntl_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    int fd = (int)S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(WRITE, .fd = fd, .len = 300, .seed = 1);
    int d = (int)S(DUP, .fd = fd);
    S(LSEEK, .fd = d, .off = 0, .whence = SEEK_CUR); /* shared offset */
    S(LSEEK, .fd = d, .off = 10, .whence = SEEK_SET);
    S(READ, .fd = fd, .len = 5);
    S(DUP2, .fd = fd, .fd2 = fd);
    S(DUP2, .fd = 40, .fd2 = 40);
    S(DUP2, .fd = fd, .fd2 = 30);
    S(FCNTL, .fd = 30, .whence = F_GETFD);
    S(DUP3, .fd = fd, .fd2 = 31, .flags = O_CLOEXEC);
    S(FCNTL, .fd = 31, .whence = F_GETFD);
    S(DUP3, .fd = fd, .fd2 = fd, .flags = 0);
    S(DUP3, .fd = fd, .fd2 = 32, .flags = O_APPEND);
    S(DUP2, .fd = fd, .fd2 = MAX_FDS);
    S(DUP2, .fd = fd, .fd2 = -1);
    S(DUP2, .fd = 50, .fd2 = 33);
    S(DUP2, .fd = d, .fd2 = 31); /* replaces an open fd */
    S(FCNTL, .fd = 31, .whence = F_GETFD);
    S(FCNTL, .fd = fd, .whence = F_DUPFD, .arg = 20);
    S(FCNTL, .fd = fd, .whence = F_DUPFD, .arg = 30);
    S(FCNTL, .fd = fd, .whence = F_DUPFD_CLOEXEC, .arg = 0);
    S(FCNTL, .fd = fd, .whence = F_DUPFD, .arg = MAX_FDS);
    S(FCNTL, .fd = fd, .whence = F_DUPFD, .arg = -1);
    S(FCNTL, .fd = fd, .whence = F_SETFD, .arg = FD_CLOEXEC);
    S(FCNTL, .fd = fd, .whence = F_GETFD);
    S(FCNTL, .fd = fd, .whence = F_SETFL, .arg = O_APPEND | O_NONBLOCK | O_WRONLY | O_TRUNC);
    S(FCNTL, .fd = d, .whence = F_GETFL); /* status flags are shared */
    S(WRITE, .fd = d, .len = 10, .seed = 2);
    S(LSEEK, .fd = fd, .off = 0, .whence = SEEK_CUR);
    S(FCNTL, .fd = fd, .whence = F_SETFL, .arg = 0);
    S(FCNTL, .fd = fd, .whence = F_GETFL);
    S(FCNTL, .fd = fd, .whence = 9999);
    S(FCNTL, .fd = 44, .whence = F_GETFD);
    S(CLOSE, .fd = 44);
    S(CLOSE, .fd = -1);
    S(CLOSE, .fd = d);
    S(READ, .fd = d, .len = 1);
    /* Fill the table: EMFILE, also for open of a missing file. */
    for (int i = 0; i < MAX_FDS; i++)
        S(DUP, .fd = fd);
    S(OPEN, .p = "missing", .flags = O_RDONLY);
    S(FCNTL, .fd = fd, .whence = F_DUPFD, .arg = 0);
    S(CLOSE, .fd = 17);
    S(OPEN, .p = "f", .flags = O_RDONLY);
    finish_case();
}

static void test_path_resolution_matches_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    char longname[300], longpath[4200], maxpath[4200];
    memset(longname, 'n', 256);
    longname[256] = 0;
    S(MKDIR, .p = "a", .mode = 0755);
    S(MKDIR, .p = "a/b", .mode = 0755);
    S(OPEN, .p = "a/b/f", .flags = O_CREAT | O_WRONLY, .mode = 0644);
    S(STAT, .p = "a//b///f");
    S(STAT, .p = "./a/./b/../b/f");
    S(STAT, .p = "a/b/f/");
    S(STAT, .p = "a/b/f/.");
    S(STAT, .p = "a/b/f/..");
    S(STAT, .p = "a/b/nope/");
    S(STAT, .p = "a/b/");
    S(STAT, .p = "a/b/.");
    S(STAT, .p = "../../..");
    S(STAT, .p = "/s1/s2/w/a/b/f");
    S(STAT, .p = "//s1//s2/w/a");
    S(STAT, .p = "");
    S(STAT, .p = longname);
    S(MKDIR, .p = longname, .mode = 0755);
    S(OPEN, .p = longname, .flags = O_CREAT | O_RDWR, .mode = 0644);
    longname[255] = 0;
    S(MKDIR, .p = longname, .mode = 0755); /* 255 is fine */
    S(STAT, .p = longname);
    /* PATH_MAX: 4095 characters resolve, 4096 do not. */
    size_t n = 0;
    while (n + 2 < 4095) {
        longpath[n++] = '.';
        longpath[n++] = '/';
    }
    longpath[n] = 0;
    strcpy(maxpath, longpath);
    strcat(maxpath, n + 1 < 4095 ? "a" : "");
    S(STAT, .p = maxpath);
    strcat(maxpath, "/");
    S(STAT, .p = maxpath);
    strcat(maxpath, "b");
    S(STAT, .p = maxpath);
    /* Symlinks: relative, chains, loops, the 40-link limit. */
    S(SYMLINK, .p = "la", .q = "a");
    S(SYMLINK, .p = "lb", .q = "la/b");
    S(STAT, .p = "lb/f");
    S(LSTAT, .p = "lb");
    S(LSTAT, .p = "lb/");
    S(STAT, .p = "lb/f/");
    S(SYMLINK, .p = "loop", .q = "loop");
    S(STAT, .p = "loop");
    S(LSTAT, .p = "loop");
    S(STAT, .p = "loop/x");
    S(SYMLINK, .p = "lf", .q = "a/b/f/");
    S(STAT, .p = "lf");
    S(SYMLINK, .p = "ld", .q = "a/b/");
    S(STAT, .p = "ld");
    S(STAT, .p = "ld/f");
    /* A chain of 40 links resolves, 41 does not. */
    S(SYMLINK, .p = "c0", .q = "a");
    static char chain[42][16];
    for (int i = 0; i <= 41; i++)
        snprintf(chain[i], sizeof(chain[i]), "c%d", i);
    for (int i = 1; i <= 41; i++)
        S(SYMLINK, .p = chain[i], .q = chain[i - 1]);
    S(STAT, .p = "c39");
    S(STAT, .p = "c40");
    S(STAT, .p = "c41");
    S(STAT, .p = "c39/b");
    S(STAT, .p = "c40/b");
    S(LSTAT, .p = "c41");
    S(OPEN, .p = "c40", .flags = O_RDONLY);
    S(OPEN, .p = "c41", .flags = O_RDONLY);
    /* A path through a file. */
    S(STAT, .p = "a/b/f/x");
    S(MKDIR, .p = "a/b/f/x", .mode = 0755);
    S(CHDIR, .p = "a/b/f");
    S(CHDIR, .p = "nope");
    S(CHDIR, .p = "lb");
    S(STAT, .p = "f");
    S(STAT, .p = "../../la/b/f");
    S(CHDIR, .p = "/s1/s2/w");
    int dfd = (int)S(OPEN, .p = "a", .flags = O_RDONLY | O_DIRECTORY);
    S(FSTATAT, .fd = dfd, .p = "b/f", .flags = 0);
    S(FSTATAT, .fd = dfd, .p = "../la", .flags = AT_SYMLINK_NOFOLLOW);
    S(FSTATAT, .fd = dfd, .p = "b/f", .flags = 0x8000);
    int ffd = (int)S(OPEN, .p = "a/b/f", .flags = O_RDONLY);
    S(FSTATAT, .fd = ffd, .p = "x", .flags = 0);
    S(MKDIRAT, .fd = dfd, .p = "sub", .mode = 0700);
    S(UNLINKAT, .fd = dfd, .p = "sub", .flags = 0);
    S(UNLINKAT, .fd = dfd, .p = "sub", .flags = AT_REMOVEDIR);
    S(UNLINKAT, .fd = dfd, .p = "sub", .flags = 1);
    for (int i = 0; i <= 41; i++)
        S(UNLINK, .p = chain[i]);
    finish_case();
}

static void test_mkdir_rmdir_unlink_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    S(MKDIR, .p = "d", .mode = 0777);
    S(STAT, .p = "d");
    S(MKDIR, .p = "d", .mode = 0777);
    S(MKDIR, .p = "e/", .mode = 01777);
    S(STAT, .p = "e");
    S(MKDIR, .p = "x/y", .mode = 0755);
    S(MKDIR, .p = ".", .mode = 0755);
    S(MKDIR, .p = "..", .mode = 0755);
    S(MKDIR, .p = "/", .mode = 0755);
    S(MKDIR, .p = "d/s", .mode = 06755);
    S(STAT, .p = "d/s");
    S(STAT, .p = "d");
    S(RMDIR, .p = "d");
    S(RMDIR, .p = "d/s/");
    S(RMDIR, .p = "d/s/.");
    S(RMDIR, .p = "d/..");
    S(RMDIR, .p = ".");
    S(RMDIR, .p = "missing");
    S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(RMDIR, .p = "f");
    S(RMDIR, .p = "f/");
    S(UNLINK, .p = "f/");
    S(UNLINK, .p = "d");
    S(UNLINK, .p = "d/");
    S(UNLINK, .p = ".");
    S(UNLINK, .p = "..");
    S(UNLINK, .p = "missing/");
    S(SYMLINK, .p = "ld", .q = "d");
    S(UNLINK, .p = "ld/");
    S(RMDIR, .p = "ld/");
    S(RMDIR, .p = "ld");
    S(UNLINK, .p = "ld");
    S(SYMLINK, .p = "ld", .q = "d");
    S(MKDIR, .p = "ld", .mode = 0755);
    S(MKDIR, .p = "ld/", .mode = 0755);
    S(SYMLINK, .p = "dang", .q = "nowhere");
    S(MKDIR, .p = "dang", .mode = 0755);
    S(MKDIR, .p = "dang/", .mode = 0755);
    S(UNLINK, .p = "f");
    S(STAT, .p = ".");
    /* Remove the cwd: "." still stats, creating inside fails. */
    S(MKDIR, .p = "gone", .mode = 0755);
    S(CHDIR, .p = "gone");
    S(RMDIR, .p = "../gone");
    S(STAT, .p = ".");
    S(OPEN, .p = "new", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(MKDIR, .p = "newdir", .mode = 0755);
    S(SYMLINK, .p = "newlink", .q = "x");
    int dfd = (int)S(OPEN, .p = ".", .flags = O_RDONLY);
    S(GETDENTS, .fd = dfd, .len = 4096);
    S(STAT, .p = "..");
    S(CHDIR, .p = "..");
    S(RMDIR, .p = "d/s");
    S(RMDIR, .p = "d");
    S(RMDIR, .p = "e");
    finish_case();
}

static void test_rename_rules_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(OPEN, .p = "g", .flags = O_CREAT | O_RDWR, .mode = 0600);
    S(MKDIR, .p = "d", .mode = 0755);
    S(MKDIR, .p = "e", .mode = 0755);
    S(MKDIR, .p = "d/sub", .mode = 0755);
    S(MKDIR, .p = "full", .mode = 0755);
    S(MKDIR, .p = "full/x", .mode = 0755);
    S(RENAME, .p = "missing", .q = "x");
    S(RENAME, .p = "f", .q = "g"); /* over an existing file */
    S(STAT, .p = "g");
    S(RENAME, .p = "g", .q = "g");
    S(LINK, .p = "g", .q = "g2");
    S(RENAME, .p = "g", .q = "g2"); /* two names of one inode: no-op */
    S(STAT, .p = "g");
    S(RENAME, .p = "g", .q = "d");
    S(RENAME, .p = "d", .q = "g");
    S(RENAME, .p = "d", .q = "e"); /* directory over an empty directory */
    S(STAT, .p = ".");
    S(RENAME, .p = "e", .q = "full");
    S(RENAME, .p = "e", .q = "e/sub/x");
    S(RENAME, .p = "e", .q = "e/new");
    S(RENAME, .p = "e/sub", .q = "e");
    S(RENAME, .p = "e/sub", .q = ".");
    S(RENAME, .p = "e/sub", .q = "..");
    S(RENAME, .p = ".", .q = "z");
    S(RENAME, .p = "..", .q = "z");
    S(RENAME, .p = "e/sub", .q = "full/x/moved");
    S(STAT, .p = "e");
    S(STAT, .p = "full/x");
    S(RENAME, .p = "g/", .q = "h");
    S(RENAME, .p = "g", .q = "h/");
    S(RENAME, .p = "e/", .q = "e2/");
    S(RENAME, .p = "e2", .q = "nodir/e3");
    S(RENAME, .p = "g", .q = "g/x");
    S(RENAME_NOREPLACE, .p = "g", .q = "g2");
    S(RENAME_NOREPLACE, .p = "g", .q = "g3");
    S(RENAME_NOREPLACE, .p = "g3", .q = ".");
    S(SYMLINK, .p = "ls", .q = "e2");
    S(RENAME, .p = "ls/", .q = "x");
    S(RENAME, .p = "ls", .q = "lt");
    S(READLINK, .p = "lt", .len = 100);
    S(RENAME, .p = "full/x", .q = "full/x/moved/deeper");
    S(RENAME, .p = "full/x/moved", .q = "full");
    S(RENAME, .p = "full/x/moved", .q = "..");
    int fd = (int)S(OPEN, .p = "g3", .flags = O_RDWR);
    S(WRITE, .fd = fd, .len = 10, .seed = 1);
    S(RENAME, .p = "g2", .q = "g3"); /* g3's inode stays open */
    S(FSTAT, .fd = fd);
    S(READ, .fd = fd, .len = 10);
    finish_case();
}

static void test_link_symlink_readlink_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    int fd = (int)S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(WRITE, .fd = fd, .len = 50, .seed = 3);
    S(MKDIR, .p = "d", .mode = 0755);
    S(LINK, .p = "f", .q = "d/f2");
    S(STAT, .p = "f");
    S(LINK, .p = "f", .q = "d/f2");
    S(LINK, .p = "d", .q = "d2");
    S(LINK, .p = "missing", .q = "x");
    S(LINK, .p = "f/", .q = "x");
    S(LINK, .p = "f", .q = "x/");
    S(LINK, .p = "f", .q = "nodir/x");
    S(LINK, .p = "f", .q = ".");
    S(SYMLINK, .p = "s", .q = "f");
    S(LINK, .p = "s", .q = "hs"); /* links the symlink itself */
    S(LSTAT, .p = "hs");
    S(LINK_FOLLOW, .p = "s", .q = "hf");
    S(STAT, .p = "f");
    S(SYMLINK, .p = "s", .q = "other");
    S(SYMLINK, .p = "s2", .q = "");
    S(SYMLINK, .p = "s3/", .q = "f");
    S(SYMLINK, .p = "d/", .q = "f");
    S(SYMLINK, .p = "nodir/s", .q = "f");
    S(SYMLINK, .p = ".", .q = "f");
    char big[200];
    memset(big, 't', sizeof(big) - 1);
    big[199] = 0;
    S(SYMLINK, .p = "long", .q = big);
    S(LSTAT, .p = "long");
    S(READLINK, .p = "long", .len = 4096);
    S(READLINK, .p = "s", .len = 4096);
    S(READLINK, .p = "s", .len = 1);
    S(READLINK, .p = "s", .len = 0);
    S(READLINK, .p = "f", .len = 100);
    S(READLINK, .p = "d", .len = 100);
    S(READLINK, .p = "missing", .len = 100);
    S(READLINK, .p = "s/", .len = 100);
    S(UNLINK, .p = "f");
    S(FSTAT, .fd = fd);
    S(STAT, .p = "s");
    S(STAT, .p = "hf");
    S(LINK, .p = "hf", .q = "f");
    S(FSTAT, .fd = fd);
    finish_case();
}

static void test_attributes_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    int fd = (int)S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(WRITE, .fd = fd, .len = 20000, .seed = 5);
    S(TRUNCATE, .p = "f", .off = 5000);
    S(FSTAT, .fd = fd);
    S(TRUNCATE, .p = "f", .off = -1);
    S(TRUNCATE, .p = "missing", .off = 0);
    S(MKDIR, .p = "d", .mode = 0755);
    S(TRUNCATE, .p = "d", .off = 0);
    S(TRUNCATE, .p = "f/", .off = 0);
    S(TRUNCATE, .p = "f", .off = 1 << 30);
    S(FSTAT, .fd = fd);
    S(FTRUNCATE, .fd = fd, .off = -1);
    S(FTRUNCATE, .fd = 50, .off = 0);
    S(CHMOD, .p = "f", .mode = 04755);
    S(STAT, .p = "f");
    S(CHMOD, .p = "f", .mode = 0170777);
    S(STAT, .p = "f");
    S(FCHMOD, .fd = fd, .mode = 06711);
    S(CHOWN, .p = "f", .uid = 1000, .gid = 1000);
    S(STAT, .p = "f"); /* set-id bits dropped */
    S(FCHMOD, .fd = fd, .mode = 02644);
    S(CHOWN, .p = "f", .uid = (unsigned)-1, .gid = (unsigned)-1);
    S(STAT, .p = "f"); /* setgid without group-exec survives */
    S(CHMOD, .p = "d", .mode = 06755);
    S(CHOWN, .p = "d", .uid = 5, .gid = 6);
    S(STAT, .p = "d");
    S(SYMLINK, .p = "s", .q = "f");
    S(LCHOWN, .p = "s", .uid = 7, .gid = 8);
    S(LSTAT, .p = "s");
    S(STAT, .p = "s");
    S(CHMOD, .p = "missing", .mode = 0);
    S(UTIMENS, .p = "f", .t = {1000, 5, 2000, 6});
    S(STAT, .p = "f", .times = true);
    S(UTIMENS, .p = "f", .t = {3000, UTIME_OMIT, 4000, 7});
    S(STAT, .p = "f", .times = true);
    S(UTIMENS, .p = "f", .t = {3000, 1000000000, 4000, 7});
    S(UTIMENS, .p = "f", .t = {0, UTIME_OMIT, 0, UTIME_OMIT});
    S(UTIMENS, .p = "missing", .t = {0, UTIME_OMIT, 0, UTIME_OMIT});
    S(UTIMENS, .p = "missing", .t = {1, 1, 1, 1});
    S(UTIMENS, .p = "s", .t = {11, 0, 12, 0}, .flags = AT_SYMLINK_NOFOLLOW);
    S(LSTAT, .p = "s", .times = true);
    S(UTIMENS, .p = "f", .t = {1, 1, 1, 1}, .flags = 0x8000);
    S(ACCESS, .p = "f", .mode = F_OK);
    S(ACCESS, .p = "f", .mode = R_OK | W_OK);
    S(CHMOD, .p = "f", .mode = 0644);
    S(ACCESS, .p = "f", .mode = X_OK);
    S(CHMOD, .p = "f", .mode = 0001);
    S(ACCESS, .p = "f", .mode = X_OK | R_OK);
    S(CHMOD, .p = "d", .mode = 0);
    S(ACCESS, .p = "d", .mode = X_OK);
    S(ACCESS, .p = "f", .mode = 8);
    S(ACCESS, .p = "missing", .mode = F_OK);
    S(UMASK, .mode = 077);
    S(OPEN, .p = "masked", .flags = O_CREAT | O_RDWR, .mode = 0666);
    S(MKDIR, .p = "maskeddir", .mode = 0777);
    S(STAT, .p = "masked");
    S(STAT, .p = "maskeddir");
    S(UMASK, .mode = 022);
    finish_case();
}

static void test_getdents64_matches_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    S(MKDIR, .p = "d", .mode = 0755);
    S(OPEN, .p = "d/file", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(MKDIR, .p = "d/sub", .mode = 0755);
    S(SYMLINK, .p = "d/link", .q = "file");
    static char names[30][64];
    for (int i = 0; i < 30; i++) {
        snprintf(names[i], sizeof(names[i]), "d/entry-with-a-longer-name-%d", i);
        S(MKDIR, .p = names[i], .mode = 0755);
    }
    int fd = (int)S(OPEN, .p = "d", .flags = O_RDONLY | O_DIRECTORY);
    S(GETDENTS, .fd = fd, .len = 4096);
    S(GETDENTS, .fd = fd, .len = 4096); /* at the end: 0 */
    S(MKDIR, .p = "d/late", .mode = 0755);
    S(GETDENTS, .fd = fd, .len = 4096); /* still at the end until a rewind */
    S(LSEEK, .fd = fd, .off = 0, .whence = SEEK_SET);
    S(GETDENTS, .fd = fd, .len = 280);
    S(LSEEK, .fd = fd, .off = 0, .whence = SEEK_SET);
    S(GETDENTS, .fd = fd, .len = 10); /* even "." does not fit */
    int ffd = (int)S(OPEN, .p = "d/file", .flags = O_RDONLY);
    S(GETDENTS, .fd = ffd, .len = 4096);
    S(GETDENTS, .fd = 55, .len = 4096);
    S(STAT, .p = "d");
    S(RMDIR, .p = "d/sub");
    S(LSEEK, .fd = fd, .off = 0, .whence = SEEK_SET);
    S(GETDENTS, .fd = fd, .len = 512);
    S(MKDIR, .p = "gone", .mode = 0755);
    int gfd = (int)S(OPEN, .p = "gone", .flags = O_RDONLY | O_DIRECTORY);
    S(RMDIR, .p = "gone");
    S(GETDENTS, .fd = gfd, .len = 4096);
    S(FSTAT, .fd = gfd);
    finish_case();
}

static void test_unlinked_open_file_stays_readable_like_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    int fd = (int)S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(PWRITE, .fd = fd, .off = 0, .len = 70000, .seed = 8);
    int fd2 = (int)S(OPEN, .p = "f", .flags = O_RDONLY);
    S(UNLINK, .p = "f");
    S(STAT, .p = "f");
    S(FSTAT, .fd = fd2);
    S(PREAD, .fd = fd2, .off = 60000, .len = 20000);
    S(CLOSE, .fd = fd);
    S(WRITE, .fd = fd2, .len = 3);
    S(READ, .fd = fd2, .len = 70000);
    S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0600); /* a new inode */
    S(FSTAT, .fd = fd);
    S(CLOSE, .fd = fd2);
    finish_case();
}

/* How each call treats the last component of its path (the flags of the
 * VFS's one path walk): followed or not, must be a directory, trailing
 * slashes, names that must be new, O_CREAT through symlinks, and which
 * error wins when a name is bad and its walk or the fd table would fail
 * too. */
static void test_last_component_rules_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    static char toolong[4200];
    memset(toolong, 'x', 4100);
    toolong[4100] = 0;
    S(MKDIR, .p = "d", .mode = 0755);
    int fd = (int)S(OPEN, .p = "f", .flags = O_CREAT | O_RDWR, .mode = 0644);
    S(WRITE, .fd = fd, .len = 20, .seed = 4);
    S(SYMLINK, .p = "ld", .q = "d");
    S(SYMLINK, .p = "lf", .q = "f");
    S(SYMLINK, .p = "lnew", .q = "new/");
    S(SYMLINK, .p = "dang", .q = "made");
    /* Followed or not. */
    S(STAT, .p = "lf");
    S(LSTAT, .p = "lf");
    S(LSTAT, .p = "lf/");
    S(LSTAT, .p = "ld/");
    S(LSTAT, .p = "dang/");
    S(FSTATAT, .fd = AT_FDCWD, .p = "ld", .flags = AT_SYMLINK_NOFOLLOW);
    S(READLINK, .p = "lf", .len = 100);
    S(READLINK, .p = "lf/", .len = 100);
    S(READLINK, .p = "ld/", .len = 100);
    S(CHMOD, .p = "lf", .mode = 0640);
    S(LCHOWN, .p = "lf", .uid = 7, .gid = 8);
    S(CHOWN, .p = "lf", .uid = 5, .gid = 6);
    S(ACCESS, .p = "dang", .mode = F_OK);
    S(TRUNCATE, .p = "lf", .off = 3);
    S(LINK, .p = "lf", .q = "hl");
    S(LSTAT, .p = "hl");
    S(LINK_FOLLOW, .p = "lf", .q = "hl2");
    S(LSTAT, .p = "hl2");
    S(LINK_FOLLOW, .p = "dang", .q = "hl3");
    S(LINK, .p = "ld/", .q = "hl4");
    S(UNLINK, .p = "lf/");
    S(RMDIR, .p = "ld/");
    /* Must be a directory. */
    S(CHDIR, .p = "lf");
    S(CHDIR, .p = "ld");
    S(CHDIR, .p = "/s1/s2/w");
    S(OPEN, .p = "lf", .flags = O_RDONLY | O_DIRECTORY);
    S(OPEN, .p = "ld", .flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    S(OPEN, .p = "ld/", .flags = O_RDONLY | O_NOFOLLOW);
    S(OPEN, .p = "lf/", .flags = O_RDONLY | O_NOFOLLOW);
    S(TRUNCATE, .p = "lf/", .off = 1);
    /* Names that must be new. */
    S(MKDIR, .p = "m/", .mode = 0755);
    S(MKDIR, .p = "m2//", .mode = 0755);
    S(SYMLINK, .p = "s/", .q = "x");
    S(LINK, .p = "f", .q = "l/");
    S(SYMLINK, .p = "f/", .q = "x");
    S(MKDIR, .p = "lf/", .mode = 0755);
    S(MKDIR, .p = "dang", .mode = 0755);
    S(SYMLINK, .p = ".", .q = "x");
    S(LINK, .p = "f", .q = "..");
    S(MKDIR, .p = "d/.", .mode = 0755);
    S(MKDIR, .p = "nodir/x", .mode = 0755);
    S(MKDIR, .p = "f/x", .mode = 0755);
    S(LINK, .p = "f", .q = "dang");
    /* Open with O_CREAT. */
    S(OPEN, .p = "lnew", .flags = O_CREAT | O_WRONLY, .mode = 0600);
    S(OPEN, .p = "ld", .flags = O_CREAT | O_RDONLY, .mode = 0600);
    S(OPEN, .p = "..", .flags = O_CREAT | O_RDONLY, .mode = 0600);
    S(OPEN, .p = "/", .flags = O_CREAT | O_RDONLY, .mode = 0600);
    S(OPEN, .p = "d/", .flags = O_CREAT | O_RDONLY, .mode = 0600);
    S(OPEN, .p = "lf", .flags = O_CREAT | O_EXCL | O_WRONLY, .mode = 0600);
    S(OPEN, .p = "lf", .flags = O_CREAT | O_NOFOLLOW | O_WRONLY, .mode = 0600);
    S(OPEN, .p = "dang", .flags = O_CREAT | O_NOFOLLOW | O_WRONLY, .mode = 0600);
    int cfd = (int)S(OPEN, .p = "dang", .flags = O_CREAT | O_WRONLY, .mode = 0604);
    S(FSTAT, .fd = cfd);
    S(LSTAT, .p = "made");
    S(OPEN, .p = "ld/new", .flags = O_CREAT | O_EXCL | O_WRONLY, .mode = 0600);
    S(STAT, .p = "d/new");
    /* A bad name wins over its walk, and over EMFILE. */
    S(RENAME, .p = "nodir/x", .q = toolong); /* the old name's walk fails first */
    S(RENAME, .p = toolong, .q = "");
    S(RENAME, .p = "", .q = "nodir/x");
    S(SYMLINK, .p = "nodir/x", .q = "");
    S(SYMLINK, .p = "nodir/x", .q = toolong);
    S(UNLINK, .p = toolong);
    S(MKDIR, .p = "", .mode = 0755);
    S(STAT, .p = toolong);
    int last = fd;
    while (last >= 0)
        last = (int)S(OPEN, .p = "f", .flags = O_RDONLY); /* until EMFILE */
    S(OPEN, .p = "", .flags = O_RDONLY);
    S(OPEN, .p = toolong, .flags = O_RDONLY);
    S(OPEN, .p = "nodir/x", .flags = O_RDONLY);
    S(OPEN, .p = "brandnew", .flags = O_CREAT | O_RDWR, .mode = 0644);
    finish_case();
}

/* ---- random sequences -------------------------------------------------------- */

static uint64_t g_rng;
static uint32_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng >> 11);
}

static uint32_t below(uint32_t n)
{
    return rnd() % n;
}

static char g_paths[2][64];
static const char *const g_names[] = {"a", "b", "c", "d", "e", "a", "b"};

static const char *rand_path(int which)
{
    char *p = g_paths[which];
    p[0] = 0;
    if (below(20) == 0)
        strcat(p, "/s1/s2/w/");
    uint32_t len = below(20);
    int n = len < 10 ? 1 : len < 17 ? 2 : 3;
    for (int i = 0; i < n; i++) {
        uint32_t r = below(40);
        if (i)
            strcat(p, below(20) == 0 ? "//" : "/");
        if (r < 34)
            strcat(p, g_names[below(7)]);
        else if (r < 37)
            strcat(p, ".");
        else
            strcat(p, "..");
    }
    if (below(15) == 0)
        strcat(p, "/");
    return p;
}

static const char *rand_target(void)
{
    static char t[32];
    static const char *const choices[] = {"a", "b", "c/d", "a/b", "d/", ".", "c", "b/a/c"};
    strcpy(t, choices[below(8)]);
    return t;
}

static struct {
    int fd[MAX_FDS];
    bool dir[MAX_FDS];
    int n;
} g_open;

static void track(int64_t fd)
{
    if (fd < 0 || fd >= MAX_FDS)
        return;
    for (int i = 0; i < g_open.n; i++)
        if (g_open.fd[i] == fd)
            return;
    struct stat st;
    g_open.dir[g_open.n] = fstat((int)fd, &st) == 0 && S_ISDIR(st.st_mode);
    g_open.fd[g_open.n++] = (int)fd;
}

static void untrack(int fd)
{
    for (int i = 0; i < g_open.n; i++) {
        if (g_open.fd[i] == fd) {
            g_open.fd[i] = g_open.fd[--g_open.n];
            g_open.dir[i] = g_open.dir[g_open.n];
            return;
        }
    }
}

static bool fd_is_dir(int fd)
{
    for (int i = 0; i < g_open.n; i++)
        if (g_open.fd[i] == fd)
            return g_open.dir[i];
    return false;
}

static int rand_fd(void)
{
    if (g_open.n && below(10) != 0)
        return g_open.fd[below((uint32_t)g_open.n)];
    static const int bad[] = {-1, MAX_FDS - 1, 1000};
    int fd = bad[below(3)];
    return (fd >= 0 && fd < MAX_FDS && (env.reserved[fd] || fd_is_dir(fd))) ? -1 : fd;
}

static int rand_target_fd(void)
{
    for (;;) {
        int fd = below(12) == 0 ? MAX_FDS : 3 + (int)below(MAX_FDS - 3);
        if (fd >= MAX_FDS || !env.reserved[fd])
            return fd;
    }
}

static int64_t rand_off(void)
{
    /* Far offsets (1 << 40) are in the hand-written cases: here files stay
     * small enough for the tree comparison to read them whole. */
    static const int64_t offs[] = {0, 1, 100, 4095, 4096, 4097, 10000, 65536, 1 << 20, -1};
    return offs[below(10)] + (below(3) == 0 ? below(5000) : 0);
}

static long g_stats[OP_N_KINDS][2]; /* per kind: failed, succeeded */
static long g_errs[OP_N_KINDS][128];

static void random_op(void)
{
    vfs_op_t op = {0};
    int fd = rand_fd();
    op.fd = fd;
    op.seed = rnd();
    uint32_t k = below(100);
    if (g_open.n > 24 && below(3) == 0)
        k = 14; /* keep the table from filling up: EMFILE is a hand-written case */
    if (k < 14) {
        op.kind = OP_OPEN;
        op.p = rand_path(0);
        static const int extra[] = {O_CREAT,     O_EXCL,     O_TRUNC,   O_APPEND,
                                    O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, O_NONBLOCK};
        op.flags = (int)below(4);
        for (int i = 0; i < 8; i++)
            if (below(7) == 0)
                op.flags |= extra[i];
        if (below(2))
            op.flags |= O_CREAT;
        op.mode = below(2) ? 0644 : below(010000);
    } else if (k < 20) {
        op.kind = OP_CLOSE;
    } else if (k < 26) {
        op.kind = below(2) ? OP_WRITE : OP_PWRITE;
        op.len = below(8) == 0 ? 70000 : below(9000);
        op.off = rand_off();
    } else if (k < 32) {
        op.kind = below(2) ? OP_READ : OP_PREAD;
        op.len = below(8) == 0 ? 70000 : below(9000);
        op.off = rand_off();
    } else if (k < 35) {
        op.kind = OP_LSEEK;
        op.whence = (int)below(6);
        op.off = below(2) ? rand_off() : -(int64_t)below(9000);
        if (fd_is_dir(fd)) {
            op.off = 0;
            op.whence = below(2) ? SEEK_SET : SEEK_END;
        }
    } else if (k < 38) {
        op.kind = OP_DUP + (int)below(3);
        op.fd2 = below(6) == 0 ? fd : rand_target_fd();
        op.flags = below(4) == 0 ? O_CLOEXEC : (below(8) == 0 ? O_APPEND : 0);
    } else if (k < 41) {
        op.kind = OP_FCNTL;
        static const int cmds[] = {F_GETFD, F_SETFD,         F_GETFL, F_SETFL,
                                   F_DUPFD, F_DUPFD_CLOEXEC, 9999};
        op.whence = cmds[below(7)];
        if (op.whence == F_SETFL)
            op.arg = (below(2) ? O_APPEND : 0) | (below(2) ? O_NONBLOCK : 0) | O_RDWR;
        else if (op.whence == F_DUPFD || op.whence == F_DUPFD_CLOEXEC)
            op.arg = (long)below(MAX_FDS + 2);
        else
            op.arg = (long)below(2);
    } else if (k < 47) {
        op.kind = OP_STAT + (int)below(2);
        op.p = rand_path(0);
    } else if (k < 49) {
        op.kind = OP_FSTAT;
    } else if (k < 51) {
        op.kind = OP_GETDENTS;
        static const size_t sizes[] = {280, 512, 4096};
        op.len = sizes[below(3)];
    } else if (k < 55) {
        op.kind = OP_MKDIR;
        op.p = rand_path(0);
        op.mode = below(4) == 0 ? below(010000) : 0755;
    } else if (k < 62) {
        op.kind = OP_RMDIR;
        op.p = rand_path(0);
    } else if (k < 67) {
        op.kind = OP_UNLINK;
        op.p = rand_path(0);
    } else if (k < 74) {
        op.kind = below(5) == 0 ? OP_RENAME_NOREPLACE : OP_RENAME;
        op.p = rand_path(0);
        op.q = rand_path(1);
    } else if (k < 78) {
        op.kind = below(4) == 0 ? OP_LINK_FOLLOW : OP_LINK;
        op.p = rand_path(0);
        op.q = rand_path(1);
    } else if (k < 83) {
        op.kind = OP_SYMLINK;
        op.p = rand_path(0);
        op.q = rand_target();
    } else if (k < 85) {
        op.kind = OP_READLINK;
        op.p = rand_path(0);
        op.len = below(4) == 0 ? 2 : 100;
    } else if (k < 88) {
        op.kind = below(2) ? OP_TRUNCATE : OP_FTRUNCATE;
        op.p = rand_path(0);
        op.off = rand_off();
    } else if (k < 91) {
        op.kind = below(3) == 0 ? OP_FCHMOD : OP_CHMOD;
        op.p = rand_path(0);
        op.mode = below(010000);
    } else if (k < 93) {
        op.kind = below(3) == 0 ? OP_LCHOWN : OP_CHOWN;
        op.p = rand_path(0);
        static const unsigned ids[] = {0, 1000, (unsigned)-1};
        op.uid = ids[below(3)];
        op.gid = ids[below(3)];
    } else if (k < 95) {
        op.kind = OP_UTIMENS;
        op.p = rand_path(0);
        op.t[0] = below(100000);
        op.t[1] = below(3) == 0 ? UTIME_OMIT : below(1000);
        op.t[2] = below(100000);
        op.t[3] = below(5) == 0 ? 1000000000 : below(1000);
        op.flags = below(2) ? AT_SYMLINK_NOFOLLOW : 0;
    } else if (k < 98) {
        op.kind = OP_ACCESS;
        op.p = rand_path(0);
        op.mode = below(9);
    } else {
        op.kind = OP_UMASK;
        op.mode = below(2) ? 022 : below(01000);
    }
    int64_t r = step_at(&op, __LINE__);
    g_stats[op.kind][r >= 0]++;
    if (r < 0 && r > -128)
        g_errs[op.kind][-r]++;
    if (g_mismatch)
        return;
    switch (op.kind) {
    case OP_OPEN:
    case OP_DUP: track(r); break;
    case OP_DUP2:
    case OP_DUP3:
        if (r >= 0) {
            untrack((int)r);
            track(r);
        }
        break;
    case OP_FCNTL:
        if (op.whence == F_DUPFD || op.whence == F_DUPFD_CLOEXEC)
            track(r);
        break;
    case OP_CLOSE:
        if (r == 0)
            untrack(op.fd);
        break;
    default: break;
    }
}

static void run_random(uint32_t seed, long n_ops)
{
    env.seed = seed;
    g_rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)seed * 0x2545f4914f6cdd1dull);
    g_open.n = 0;
    for (env.op_index = 0; env.op_index < n_ops && !g_mismatch; env.op_index++) {
        random_op();
        if (env.op_index % 250 == 249 && !g_mismatch)
            compare_trees();
    }
    if (getenv("VFS_DIFF_STATS")) {
        for (int k = 1; k < OP_N_KINDS; k++)
            if (g_stats[k][0] + g_stats[k][1]) {
                char top[256] = "";
                for (int e = 1; e < 128; e++)
                    if (g_errs[k][e] * 10 > g_stats[k][0])
                        snprintf(top + strlen(top), sizeof(top) - strlen(top), " %s:%ld",
                                 strerrorname_np(e), g_errs[k][e]);
                print_message("# %-18s ok %5ld  error %5ld (%s)\n", op_names[k], g_stats[k][1],
                              g_stats[k][0], top);
            }
    }
}

static void test_random_sequences_match_linux(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    uint32_t first = getenv("VFS_DIFF_SEED") ? (uint32_t)strtoul(getenv("VFS_DIFF_SEED"), 0, 0) : 1;
    long n_ops = getenv("VFS_DIFF_OPS") ? strtol(getenv("VFS_DIFF_OPS"), 0, 0) : 3000;
    print_message("# random differential run: seed %u, %ld ops\n", first, n_ops);
    run_random(first, n_ops);
    if (g_mismatch)
        print_error("reproduce with VFS_DIFF_SEED=%u VFS_DIFF_OPS=%ld\n", first, n_ops);
    finish_case();
}

/* A second seed in a fresh tree, so two different histories run each time. */
static void test_random_sequences_match_linux_second_seed(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    uint32_t seed =
        getenv("VFS_DIFF_SEED") ? (uint32_t)strtoul(getenv("VFS_DIFF_SEED"), 0, 0) + 1 : 2;
    long n_ops = getenv("VFS_DIFF_OPS") ? strtol(getenv("VFS_DIFF_OPS"), 0, 0) : 3000;
    run_random(seed, n_ops);
    if (g_mismatch)
        print_error("reproduce with VFS_DIFF_SEED=%u\n", seed - 1);
    finish_case();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_flags_match_linux, case_setup, case_teardown),
        cmocka_unit_test_setup_teardown(test_read_write_and_offsets_match_linux, case_setup,
                                        case_teardown),
        cmocka_unit_test_setup_teardown(test_dup_and_fcntl_match_linux, case_setup, case_teardown),
        cmocka_unit_test_setup_teardown(test_path_resolution_matches_linux, case_setup,
                                        case_teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_rmdir_unlink_match_linux, case_setup,
                                        case_teardown),
        cmocka_unit_test_setup_teardown(test_rename_rules_match_linux, case_setup, case_teardown),
        cmocka_unit_test_setup_teardown(test_link_symlink_readlink_match_linux, case_setup,
                                        case_teardown),
        cmocka_unit_test_setup_teardown(test_attributes_match_linux, case_setup, case_teardown),
        cmocka_unit_test_setup_teardown(test_getdents64_matches_linux, case_setup, case_teardown),
        cmocka_unit_test_setup_teardown(test_unlinked_open_file_stays_readable_like_linux,
                                        case_setup, case_teardown),
        cmocka_unit_test_setup_teardown(test_last_component_rules_match_linux, case_setup,
                                        case_teardown),
        cmocka_unit_test_setup_teardown(test_random_sequences_match_linux, case_setup,
                                        case_teardown),
        cmocka_unit_test_setup_teardown(test_random_sequences_match_linux_second_seed, case_setup,
                                        case_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
