// SPDX-License-Identifier: BSD-2-Clause
/*
 * Files: each process's fd table maps fds to open file descriptions
 * (struct file, shared by dup and fork as in Linux), which are a VFS
 * server fd (the server is one VFS client: its fds carry the offset, so a
 * shared description shares it), the tty (tty.c), or one end of a pipe
 * (a 16 KiB ring in the server).
 *
 * Paths are made absolute here (the process's cwd or a directory fd) and
 * normalised lexically; the VFS server resolves symlinks. Data moves
 * through the 64 KiB region shared with the VFS server: a read lands there
 * and is copied once into the process (copy_to_user), a write the other
 * way. /dev/tty and /dev/console open the tty.
 */
#include "posix.h"

#include <kaal/heap.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/timer.h>
#include <kaal/vfs_client.h>

#include "posix_caps.h"

#define SHM ((uint8_t *)KAAL_RING_VFS_SHM_DATA_VADDR)
#define SHM_BYTES KAAL_RING_VFS_SHM_DATA_SIZE_BYTES
#define SIGPIPE 13
#define AT_EMPTY_PATH 0x1000
#define AT_REMOVEDIR 0x200

bool posix_wake;

struct file *file_get(struct file *f)
{
    f->refs++;
    return f;
}

void file_put(struct file *f)
{
    if (--f->refs > 0)
        return;
    switch (f->kind) {
    case FILE_VFS: kaal_vfs_close(KAAL_CAP_VFS, f->vfs_fd); break;
    case FILE_PIPE_READ:
    case FILE_PIPE_WRITE:
        if (f->kind == FILE_PIPE_READ)
            f->pipe->readers--;
        else
            f->pipe->writers--;
        if (!f->pipe->readers && !f->pipe->writers)
            free(f->pipe);
        posix_wake = true;
        break;
    case FILE_SOCKET: sock_release(f); break;
    case FILE_EPOLL: epoll_release(f); break;
    default: break;
    }
    free(f->path);
    free(f);
}

struct file *new_file(int kind)
{
    struct file *f = calloc(1, sizeof(*f));
    if (f) {
        f->refs = 1;
        f->kind = kind;
        f->vfs_fd = -1;
    }
    return f;
}

int fd_install(struct proc *p, struct file *f, int min, bool cloexec)
{
    for (int fd = min; fd < (int)p->files->nofile_soft; fd++) {
        if (!p->files->fds[fd]) {
            p->files->fds[fd] = f;
            if (cloexec)
                p->files->cloexec |= 1ul << fd;
            else
                p->files->cloexec &= ~(1ul << fd);
            return fd;
        }
    }
    return -LINUX_EMFILE;
}

struct file *fd_get(struct proc *p, uint64_t fd)
{
    return fd < MAX_FDS ? p->files->fds[fd] : NULL;
}

int fd_close(struct proc *p, uint64_t fd)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -LINUX_EBADF;
    p->files->fds[fd] = NULL;
    file_put(f);
    return 0;
}

/* fd tables: one per process, shared by its threads (refs). */
static struct fdtable fdtable_pool[MAX_PROCS];

struct fdtable *fd_table_new(void)
{
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        struct fdtable *t = &fdtable_pool[i];
        if (t->refs == 0) {
            memset(t, 0, sizeof(*t));
            t->refs = 1;
            t->nofile_soft = t->nofile_hard = MAX_FDS;
            return t;
        }
    }
    return NULL;
}

void fd_close_all(struct proc *p)
{
    struct fdtable *t = p->files;
    if (!t)
        return;
    if (t->refs == 1)
        for (int fd = 0; fd < MAX_FDS; fd++)
            if (t->fds[fd])
                fd_close(p, (uint64_t)fd);
    t->refs--;
    p->files = NULL;
}

void fd_close_on_exec(struct proc *p)
{
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (p->files->fds[fd] && (p->files->cloexec & (1ul << fd)))
            fd_close(p, (uint64_t)fd);
}

void fd_copy(struct proc *to, struct proc *from)
{
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (from->files->fds[fd])
            to->files->fds[fd] = file_get(from->files->fds[fd]);
    to->files->cloexec = from->files->cloexec;
    to->files->nofile_soft = from->files->nofile_soft;
    to->files->nofile_hard = from->files->nofile_hard;
}

/* ---- paths ---- */

int path_resolve(struct proc *p, int dirfd, const char *path, char *out, size_t out_bytes)
{
    char tmp[2 * PATH_MAX_BYTES];
    if (path[0] == '/') {
        snprintf(tmp, sizeof(tmp), "%s", path);
    } else {
        const char *base = p->cwd;
        if (dirfd != VFS_AT_FDCWD) {
            struct file *d = fd_get(p, (uint64_t)(int64_t)dirfd);
            if (!d)
                return -LINUX_EBADF;
            if (!d->is_dir || !d->path)
                return -LINUX_ENOTDIR;
            base = d->path;
        }
        snprintf(tmp, sizeof(tmp), "%s/%s", base, path);
    }
    /* Lexical normalisation: "", "." dropped, ".." pops. */
    size_t o = 0;
    const char *s = tmp;
    while (*s) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - s);
        if (len == 0 || (len == 1 && s[0] == '.')) {
        } else if (len == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            if (o + 1 + len + 1 > out_bytes)
                return -LINUX_ENAMETOOLONG;
            out[o++] = '/';
            memcpy(out + o, s, len);
            o += len;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = 0;
    return 0;
}

static int user_path(struct proc *p, int dirfd, uint64_t upath, char *out)
{
    char raw[PATH_MAX_BYTES];
    int64_t n = strncpy_from_user(&p->vm, raw, upath, sizeof(raw));
    if (n < 0)
        return (int)n;
    if (n == 0)
        return -LINUX_ENOENT;
    return path_resolve(p, dirfd, raw, out, PATH_MAX_BYTES);
}

/* ---- stat ---- */

struct linux_stat {
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad0;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "Linux x86_64 struct stat");

static void tty_stat(struct vfs_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = VFS_S_IFCHR | 0620;
    st->rdev = (5u << 8) | 1; /* /dev/console */
    st->nlink = 1;
    st->blksize = 1024;
}

static void pipe_stat(struct vfs_stat *st, const struct file *f)
{
    memset(st, 0, sizeof(*st));
    st->mode = VFS_S_IFIFO | 0600;
    st->nlink = 1;
    st->ino = (uint64_t)(uintptr_t)f->pipe;
    st->blksize = PAGE_SIZE;
}

static int put_stat(struct proc *p, uint64_t ubuf, const struct vfs_stat *st)
{
    struct linux_stat ls = {
        .dev = st->dev,
        .ino = st->ino,
        .nlink = st->nlink,
        .mode = st->mode,
        .uid = st->uid,
        .gid = st->gid,
        .rdev = st->rdev,
        .size = st->size,
        .blksize = st->blksize,
        .blocks = st->blocks,
        .atime = st->atime.sec,
        .atime_ns = st->atime.nsec,
        .mtime = st->mtime.sec,
        .mtime_ns = st->mtime.nsec,
        .ctime = st->ctime.sec,
        .ctime_ns = st->ctime.nsec,
    };
    return copy_to_user(&p->vm, ubuf, &ls, sizeof(ls));
}

static int put_statx(struct proc *p, uint64_t ubuf, const struct vfs_stat *st)
{
    uint8_t b[256];
    memset(b, 0, sizeof(b));
    uint32_t mask = 0x7ff; /* STATX_BASIC_STATS */
    uint32_t blksize = (uint32_t)st->blksize, nlink = st->nlink, uid = st->uid, gid = st->gid;
    uint16_t mode = (uint16_t)st->mode;
    uint64_t ino = st->ino, size = (uint64_t)st->size, blocks = (uint64_t)st->blocks;
    memcpy(b + 0, &mask, 4);
    memcpy(b + 4, &blksize, 4);
    memcpy(b + 16, &nlink, 4);
    memcpy(b + 20, &uid, 4);
    memcpy(b + 24, &gid, 4);
    memcpy(b + 28, &mode, 2);
    memcpy(b + 32, &ino, 8);
    memcpy(b + 40, &size, 8);
    memcpy(b + 48, &blocks, 8);
    const vfs_timespec_t *ts[4] = {&st->atime, &st->ctime, &st->ctime, &st->mtime};
    for (int i = 0; i < 4; i++) {
        uint32_t ns = (uint32_t)ts[i]->nsec;
        memcpy(b + 64 + 16 * i, &ts[i]->sec, 8);
        memcpy(b + 72 + 16 * i, &ns, 4);
    }
    uint32_t dev[4] = {(uint32_t)(st->rdev >> 8), (uint32_t)(st->rdev & 0xff),
                       (uint32_t)(st->dev >> 8), (uint32_t)(st->dev & 0xff)};
    memcpy(b + 128, dev, sizeof(dev));
    return copy_to_user(&p->vm, ubuf, b, sizeof(b));
}

static bool is_tty_path(const char *path)
{
    return strcmp(path, "/dev/tty") == 0 || strcmp(path, "/dev/console") == 0;
}

static int stat_fd(struct proc *p, uint64_t fd, struct vfs_stat *st)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -LINUX_EBADF;
    if (f->kind == FILE_TTY) {
        tty_stat(st);
        return 0;
    }
    if (f->kind == FILE_SOCKET || f->kind == FILE_EPOLL) {
        sock_stat(st, f);
        return 0;
    }
    if (f->kind != FILE_VFS) {
        pipe_stat(st, f);
        return 0;
    }
    return kaal_vfs_fstat(KAAL_CAP_VFS, f->vfs_fd, st);
}

static int stat_path(struct proc *p, int dirfd, uint64_t upath, int flags, struct vfs_stat *st)
{
    char path[PATH_MAX_BYTES];
    if (flags & AT_EMPTY_PATH) {
        char c;
        if (copy_from_user(&p->vm, &c, upath, 1) == 0 && c == 0)
            return stat_fd(p, (uint64_t)(int64_t)dirfd, st);
    }
    int r = user_path(p, dirfd, upath, path);
    if (r < 0)
        return r;
    if (is_tty_path(path)) {
        tty_stat(st);
        return 0;
    }
    return (flags & VFS_AT_SYMLINK_NOFOLLOW) ? kaal_vfs_lstat(KAAL_CAP_VFS, path, st)
                                             : kaal_vfs_stat(KAAL_CAP_VFS, path, st);
}

/* ---- open, read, write ---- */

static int64_t do_open(struct proc *p, int dirfd, uint64_t upath, int flags, uint32_t mode)
{
    char path[PATH_MAX_BYTES];
    int r = user_path(p, dirfd, upath, path);
    if (r < 0)
        return r;
    struct file *f;
    if (is_tty_path(path)) {
        f = new_file(FILE_TTY);
    } else {
        int vfd = kaal_vfs_open(KAAL_CAP_VFS, path, flags & ~VFS_O_CLOEXEC, mode & ~p->umask);
        if (vfd < 0)
            return vfd;
        f = new_file(FILE_VFS);
        if (!f) {
            kaal_vfs_close(KAAL_CAP_VFS, vfd);
            return -LINUX_ENOMEM;
        }
        f->vfs_fd = vfd;
        struct vfs_stat st;
        if (kaal_vfs_fstat(KAAL_CAP_VFS, vfd, &st) == 0 && VFS_S_ISDIR(st.mode)) {
            f->is_dir = true;
            f->path = malloc(strlen(path) + 1);
            if (f->path)
                memcpy(f->path, path, strlen(path) + 1);
        }
    }
    if (!f)
        return -LINUX_ENOMEM;
    f->flags = flags & ~VFS_O_CLOEXEC;
    int fd = fd_install(p, f, 0, flags & VFS_O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

static int64_t pipe_read(struct proc *p, struct file *f, uint64_t buf, size_t n)
{
    struct pipe *pp = f->pipe;
    if (pp->n == 0) {
        if (pp->writers == 0)
            return 0;
        return (f->flags & VFS_O_NONBLOCK) ? -LINUX_EAGAIN : SYS_BLOCKED;
    }
    size_t done = 0;
    while (done < n && pp->n > 0) {
        size_t chunk = PIPE_BYTES - pp->head;
        if (chunk > pp->n)
            chunk = pp->n;
        if (chunk > n - done)
            chunk = n - done;
        if (copy_to_user(&p->vm, buf + done, pp->buf + pp->head, chunk) < 0)
            return done ? (int64_t)done : -LINUX_EFAULT;
        pp->head = (uint32_t)((pp->head + chunk) % PIPE_BYTES);
        pp->n -= (uint32_t)chunk;
        done += chunk;
    }
    posix_wake = true;
    return (int64_t)done;
}

static int64_t pipe_write(struct proc *p, struct file *f, uint64_t buf, size_t n)
{
    struct pipe *pp = f->pipe;
    if (pp->readers == 0) {
        proc_signal(p, SIGPIPE);
        return p->state == PROC_ZOMBIE ? SYS_NO_REPLY : -LINUX_EPIPE;
    }
    if (n == 0)
        return 0;
    if (pp->n == PIPE_BYTES)
        return (f->flags & VFS_O_NONBLOCK) ? -LINUX_EAGAIN : SYS_BLOCKED;
    size_t done = 0;
    while (done < n && pp->n < PIPE_BYTES) {
        uint32_t tail = (pp->head + pp->n) % PIPE_BYTES;
        size_t chunk = tail >= pp->head ? PIPE_BYTES - tail : pp->head - tail;
        if (chunk > n - done)
            chunk = n - done;
        if (copy_from_user(&p->vm, pp->buf + tail, buf + done, chunk) < 0)
            return done ? (int64_t)done : -LINUX_EFAULT;
        pp->n += (uint32_t)chunk;
        done += chunk;
    }
    posix_wake = true;
    return (int64_t)done;
}

/* One call moves at most this much (a short count, as Linux allows), so a
 * huge read or write cannot hold the server, and every other process, for
 * long. */
#define MAX_IO_BYTES (1u << 20)

static int64_t do_read(struct proc *p, uint64_t fd, uint64_t buf, size_t n, int64_t off)
{
    if (n > MAX_IO_BYTES)
        n = MAX_IO_BYTES;
    struct file *f = fd_get(p, fd);
    if (!f)
        return -LINUX_EBADF;
    if ((f->flags & VFS_O_ACCMODE) == VFS_O_WRONLY)
        return -LINUX_EBADF;
    switch (f->kind) {
    case FILE_TTY: return tty_read(p, buf, n);
    case FILE_PIPE_READ: return off >= 0 ? -LINUX_ESPIPE : pipe_read(p, f, buf, n);
    case FILE_PIPE_WRITE: return -LINUX_EBADF;
    case FILE_SOCKET: return off >= 0 ? -LINUX_ESPIPE : sock_read(p, f, buf, n);
    case FILE_EPOLL: return -LINUX_EINVAL;
    default: break;
    }
    if (f->is_dir)
        return -LINUX_EISDIR;
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done < SHM_BYTES ? n - done : SHM_BYTES;
        int64_t got = off >= 0
                          ? kaal_vfs_pread(KAAL_CAP_VFS, f->vfs_fd, SHM, chunk, off + (int64_t)done)
                          : kaal_vfs_read(KAAL_CAP_VFS, f->vfs_fd, SHM, chunk);
        if (got < 0)
            return done ? (int64_t)done : got;
        if (copy_to_user(&p->vm, buf + done, SHM, (size_t)got) < 0)
            return done ? (int64_t)done : -LINUX_EFAULT;
        done += (size_t)got;
        if ((size_t)got < chunk)
            break;
    }
    return (int64_t)done;
}

static int64_t do_write(struct proc *p, uint64_t fd, uint64_t buf, size_t n, int64_t off)
{
    if (n > MAX_IO_BYTES)
        n = MAX_IO_BYTES;
    struct file *f = fd_get(p, fd);
    if (!f)
        return -LINUX_EBADF;
    if ((f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY && f->kind == FILE_VFS)
        return -LINUX_EBADF;
    switch (f->kind) {
    case FILE_TTY: return tty_write(p, buf, n);
    case FILE_PIPE_WRITE: return off >= 0 ? -LINUX_ESPIPE : pipe_write(p, f, buf, n);
    case FILE_PIPE_READ: return -LINUX_EBADF;
    case FILE_SOCKET: return off >= 0 ? -LINUX_ESPIPE : sock_write(p, f, buf, n);
    case FILE_EPOLL: return -LINUX_EINVAL;
    default: break;
    }
    size_t done = 0;
    while (done < n) {
        size_t chunk = n - done < SHM_BYTES ? n - done : SHM_BYTES;
        if (copy_from_user(&p->vm, SHM, buf + done, chunk) < 0)
            return done ? (int64_t)done : -LINUX_EFAULT;
        int64_t put =
            off >= 0 ? kaal_vfs_pwrite(KAAL_CAP_VFS, f->vfs_fd, SHM, chunk, off + (int64_t)done)
                     : kaal_vfs_write(KAAL_CAP_VFS, f->vfs_fd, SHM, chunk);
        if (put < 0)
            return done ? (int64_t)done : put;
        done += (size_t)put;
        if ((size_t)put < chunk)
            break;
    }
    return (int64_t)done;
}

/* readv/writev (off < 0) and preadv/pwritev (at off): one iovec at a
 * time; a blocked first one blocks the call. */
static int64_t do_iov(struct proc *p, uint64_t fd, uint64_t iov, uint64_t cnt, bool write,
                      int64_t off)
{
    if (cnt > 1024)
        return -LINUX_EINVAL;
    int64_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t v[2];
        if (copy_from_user(&p->vm, v, iov + 16 * i, 16) < 0)
            return total ? total : -LINUX_EFAULT;
        if (v[1] == 0)
            continue;
        int64_t at = off < 0 ? -1 : off + total;
        int64_t r = write ? do_write(p, fd, v[0], v[1], at) : do_read(p, fd, v[0], v[1], at);
        if (r == SYS_BLOCKED || r == SYS_NO_REPLY)
            return total ? total : r;
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((uint64_t)r < v[1] || total >= MAX_IO_BYTES)
            break;
    }
    return total;
}

static int64_t do_pipe(struct proc *p, uint64_t ufds, int flags)
{
    struct pipe *pp = calloc(1, sizeof(*pp));
    struct file *r = new_file(FILE_PIPE_READ), *w = new_file(FILE_PIPE_WRITE);
    if (!pp || !r || !w) {
        free(pp);
        free(r);
        free(w);
        return -LINUX_ENOMEM;
    }
    r->pipe = w->pipe = pp;
    pp->readers = pp->writers = 1;
    r->flags = VFS_O_RDONLY | (flags & VFS_O_NONBLOCK);
    w->flags = VFS_O_WRONLY | (flags & VFS_O_NONBLOCK);
    int fds[2];
    fds[0] = fd_install(p, r, 0, flags & VFS_O_CLOEXEC);
    fds[1] = fds[0] < 0 ? -1 : fd_install(p, w, 0, flags & VFS_O_CLOEXEC);
    if (fds[1] < 0 || copy_to_user(&p->vm, ufds, fds, sizeof(fds)) < 0) {
        if (fds[0] >= 0)
            fd_close(p, (uint64_t)fds[0]);
        else
            file_put(r);
        if (fds[1] >= 0)
            fd_close(p, (uint64_t)fds[1]);
        else
            file_put(w);
        return fds[1] < 0 ? -LINUX_EMFILE : -LINUX_EFAULT;
    }
    return 0;
}

static int64_t do_dup3(struct proc *p, uint64_t oldfd, uint64_t newfd, int flags)
{
    struct file *f = fd_get(p, oldfd);
    if (!f || newfd >= p->files->nofile_soft)
        return -LINUX_EBADF;
    if (oldfd == newfd)
        return (int64_t)newfd;
    if (p->files->fds[newfd])
        fd_close(p, newfd);
    p->files->fds[newfd] = file_get(f);
    if (flags & VFS_O_CLOEXEC)
        p->files->cloexec |= 1ul << newfd;
    else
        p->files->cloexec &= ~(1ul << newfd);
    return (int64_t)newfd;
}

#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032

static int64_t do_fcntl(struct proc *p, uint64_t fd, uint64_t cmd, uint64_t arg)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -LINUX_EBADF;
    switch (cmd) {
    case VFS_F_DUPFD:
    case VFS_F_DUPFD_CLOEXEC: {
        if (arg >= p->files->nofile_soft)
            return -LINUX_EINVAL;
        int nfd = fd_install(p, file_get(f), (int)arg, cmd == VFS_F_DUPFD_CLOEXEC);
        if (nfd < 0)
            file_put(f);
        return nfd;
    }
    case VFS_F_GETFD: return (p->files->cloexec >> fd) & 1;
    case VFS_F_SETFD:
        if (arg & VFS_FD_CLOEXEC)
            p->files->cloexec |= 1ul << fd;
        else
            p->files->cloexec &= ~(1ul << fd);
        return 0;
    case VFS_F_GETFL: { /* status flags; files from open carry O_LARGEFILE, as on x86_64 Linux */
        int fl = f->flags & ~(VFS_O_CREAT | VFS_O_EXCL | VFS_O_NOCTTY | VFS_O_TRUNC | VFS_O_CLOEXEC);
        return f->kind == FILE_VFS || f->kind == FILE_TTY ? fl | VFS_O_LARGEFILE : fl;
    }
    case VFS_F_SETFL:
        f->flags = (f->flags & ~(VFS_O_APPEND | VFS_O_NONBLOCK)) |
                   (int)(arg & (VFS_O_APPEND | VFS_O_NONBLOCK));
        return 0;
    case F_SETPIPE_SZ: /* the capacity is fixed: as large a request as it holds */
        if (f->kind != FILE_PIPE_READ && f->kind != FILE_PIPE_WRITE)
            return -LINUX_EBADF;
        return arg > PIPE_BYTES ? -LINUX_EPERM : (int64_t)PIPE_BYTES;
    case F_GETPIPE_SZ:
        if (f->kind != FILE_PIPE_READ && f->kind != FILE_PIPE_WRITE)
            return -LINUX_EBADF;
        return PIPE_BYTES;
    default: return -LINUX_EINVAL;
    }
}

static int64_t do_getdents(struct proc *p, uint64_t fd, uint64_t buf, uint64_t n)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -LINUX_EBADF;
    if (f->kind != FILE_VFS || !f->is_dir)
        return -LINUX_ENOTDIR;
    size_t want = n < SHM_BYTES ? n : SHM_BYTES;
    int64_t got = kaal_vfs_getdents64(KAAL_CAP_VFS, f->vfs_fd, SHM, want);
    if (got > 0 && copy_to_user(&p->vm, buf, SHM, (size_t)got) < 0)
        return -LINUX_EFAULT;
    return got;
}

static int64_t do_access(struct proc *p, int dirfd, uint64_t upath, uint64_t mode)
{
    struct vfs_stat st;
    int r = stat_path(p, dirfd, upath, 0, &st);
    if (r < 0)
        return r;
    /* Everything runs as root: X needs some x bit (as Linux for root). */
    if ((mode & 1) && !VFS_S_ISDIR(st.mode) && !(st.mode & 0111))
        return -LINUX_EACCES;
    return 0;
}

static int64_t do_chdir(struct proc *p, const char *path)
{
    struct vfs_stat st;
    int r = kaal_vfs_stat(KAAL_CAP_VFS, path, &st);
    if (r < 0)
        return r;
    if (!VFS_S_ISDIR(st.mode))
        return -LINUX_ENOTDIR;
    snprintf(p->cwd, sizeof(p->cwd), "%s", path);
    return 0;
}

static int64_t do_readlink(struct proc *p, int dirfd, uint64_t upath, uint64_t buf, uint64_t n)
{
    char path[PATH_MAX_BYTES], target[PATH_MAX_BYTES];
    int r = user_path(p, dirfd, upath, path);
    if (r < 0)
        return r;
    if ((int64_t)n <= 0)
        return -LINUX_EINVAL;
    int64_t got =
        kaal_vfs_readlink(KAAL_CAP_VFS, path, target, n < sizeof(target) ? n : sizeof(target));
    if (got > 0 && copy_to_user(&p->vm, buf, target, (size_t)got) < 0)
        return -LINUX_EFAULT;
    return got;
}

/* Two-path calls (rename, link, symlink). */
static int64_t two_paths(struct proc *p, int d1, uint64_t u1, int d2, uint64_t u2, int which)
{
    char a[PATH_MAX_BYTES], b[PATH_MAX_BYTES], raw[PATH_MAX_BYTES];
    int r = user_path(p, d2, u2, b);
    if (r < 0)
        return r;
    if (which == 2) { /* symlink: the target is stored as written */
        int64_t n = strncpy_from_user(&p->vm, raw, u1, sizeof(raw));
        return n < 0 ? n : kaal_vfs_symlink(KAAL_CAP_VFS, raw, b);
    }
    if ((r = user_path(p, d1, u1, a)) < 0)
        return r;
    return which == 0 ? kaal_vfs_rename(KAAL_CAP_VFS, a, b) : kaal_vfs_link(KAAL_CAP_VFS, a, b);
}

/* rmdir of a path ending in "." is EINVAL (Linux), seen before the
 * path is normalised. */
static bool ends_in_dot(struct proc *p, uint64_t upath)
{
    char raw[PATH_MAX_BYTES];
    int64_t n = strncpy_from_user(&p->vm, raw, upath, sizeof(raw));
    if (n <= 0)
        return false;
    while (n > 1 && raw[n - 1] == '/')
        n--;
    return raw[n - 1] == '.' && (n == 1 || raw[n - 2] == '/');
}

#define RENAME_NOREPLACE 1u

/* renameat2: RENAME_NOREPLACE; RENAME_EXCHANGE and RENAME_WHITEOUT are
 * not done (EINVAL). */
static int64_t do_renameat2(struct proc *p, int d1, uint64_t u1, int d2, uint64_t u2,
                            uint64_t flags)
{
    if (flags & ~(uint64_t)RENAME_NOREPLACE)
        return -LINUX_EINVAL;
    if (flags & RENAME_NOREPLACE) {
        char b[PATH_MAX_BYTES], a[PATH_MAX_BYTES];
        struct vfs_stat st;
        int r = user_path(p, d1, u1, a);
        if (r < 0 || (r = user_path(p, d2, u2, b)) < 0)
            return r;
        if (kaal_vfs_lstat(KAAL_CAP_VFS, b, &st) == 0)
            return -LINUX_EEXIST;
    }
    return two_paths(p, d1, u1, d2, u2, 0);
}

static int64_t path_op(struct proc *p, int dirfd, uint64_t upath, int op, uint64_t arg)
{
    char path[PATH_MAX_BYTES];
    int r = user_path(p, dirfd, upath, path);
    if (r < 0)
        return r;
    switch (op) {
    case 0: return kaal_vfs_mkdir(KAAL_CAP_VFS, path, (vfs_mode_t)(arg & ~p->umask));
    case 1: return kaal_vfs_rmdir(KAAL_CAP_VFS, path);
    case 2: return kaal_vfs_unlink(KAAL_CAP_VFS, path);
    case 3: return kaal_vfs_chmod(KAAL_CAP_VFS, path, (vfs_mode_t)arg);
    case 4: return do_chdir(p, path);
    case 5: return kaal_vfs_truncate(KAAL_CAP_VFS, path, (int64_t)arg);
    default: return -LINUX_EINVAL;
    }
}

static int64_t put_statfs(struct proc *p, uint64_t ubuf, const struct vfs_statfs *st)
{
    uint64_t b[15] = {st->type,  st->bsize, st->blocks, st->bfree,   st->bavail,
                      st->files, st->ffree, st->fsid,   st->namelen, st->frsize,
                      st->flags, 0,         0,          0,           0};
    return copy_to_user(&p->vm, ubuf, b, 120) < 0 ? -LINUX_EFAULT : 0;
}

int64_t sys_file(struct proc *p, seL4_Word nr, const seL4_Word a[6], bool *handled)
{
    struct vfs_stat st;
    int r;
    int dfd = (int)(int64_t)a[0];
    *handled = true;
    switch (nr) {
    case 0: return do_read(p, a[0], a[1], a[2], -1);
    case 1: return do_write(p, a[0], a[1], a[2], -1);
    case 2: return do_open(p, VFS_AT_FDCWD, a[0], (int)a[1], (uint32_t)a[2]);
    case 3: return fd_close(p, a[0]);
    case 4:
    case 6:
        r = stat_path(p, VFS_AT_FDCWD, a[0], nr == 6 ? VFS_AT_SYMLINK_NOFOLLOW : 0, &st);
        return r < 0 ? r : put_stat(p, a[1], &st);
    case 5: r = stat_fd(p, a[0], &st); return r < 0 ? r : put_stat(p, a[1], &st);
    case 8: {
        struct file *f = fd_get(p, a[0]);
        if (!f)
            return -LINUX_EBADF;
        if (f->kind != FILE_VFS)
            return -LINUX_ESPIPE;
        return kaal_vfs_lseek(KAAL_CAP_VFS, f->vfs_fd, (int64_t)a[1], (int)a[2]);
    }
    case 16: {
        struct file *f = fd_get(p, a[0]);
        if (!f)
            return -LINUX_EBADF;
        return f->kind == FILE_TTY && a[1] != 0x5421 /* FIONBIO */ ? tty_ioctl(p, a[1], a[2])
                                                                   : sock_ioctl(p, f, a[1], a[2]);
    }
    case 17: return (int64_t)a[3] < 0 ? -LINUX_EINVAL : do_read(p, a[0], a[1], a[2], (int64_t)a[3]);
    case 18:
        return (int64_t)a[3] < 0 ? -LINUX_EINVAL : do_write(p, a[0], a[1], a[2], (int64_t)a[3]);
    case 19: return do_iov(p, a[0], a[1], a[2], false, -1);
    case 20: return do_iov(p, a[0], a[1], a[2], true, -1);
    case 295: /* preadv, pwritev: the offset is pos_l (pos_h is 0 on x86_64) */
    case 296:
        if ((int64_t)a[3] < 0)
            return -LINUX_EINVAL;
        if (!fd_get(p, a[0]))
            return -LINUX_EBADF;
        return do_iov(p, a[0], a[1], a[2], nr == 296, (int64_t)a[3]);
    case 21: return do_access(p, VFS_AT_FDCWD, a[0], a[1]);
    case 22: return do_pipe(p, a[0], 0);
    case 32: {
        struct file *f = fd_get(p, a[0]);
        if (!f)
            return -LINUX_EBADF;
        int nfd = fd_install(p, file_get(f), 0, false);
        if (nfd < 0)
            file_put(f);
        return nfd;
    }
    case 33:
        if (!fd_get(p, a[0]))
            return -LINUX_EBADF;
        return do_dup3(p, a[0], a[1], 0);
    case 72: return do_fcntl(p, a[0], a[1], a[2]);
    case 74:
    case 75: return fd_get(p, a[0]) ? 0 : -LINUX_EBADF; /* RAM only: nothing to flush */
    case 76: return path_op(p, VFS_AT_FDCWD, a[0], 5, a[1]);
    case 77: {
        struct file *f = fd_get(p, a[0]);
        if (!f)
            return -LINUX_EBADF;
        return f->kind == FILE_VFS ? kaal_vfs_ftruncate(KAAL_CAP_VFS, f->vfs_fd, (int64_t)a[1])
                                   : -LINUX_EINVAL;
    }
    case 79: {
        size_t len = strlen(p->cwd) + 1;
        struct vfs_stat cwd_st;
        if (kaal_vfs_stat(KAAL_CAP_VFS, p->cwd, &cwd_st) < 0)
            return -LINUX_ENOENT; /* the cwd was removed */
        if (a[1] < len)
            return -LINUX_ERANGE;
        return copy_to_user(&p->vm, a[0], p->cwd, len) < 0 ? -LINUX_EFAULT : (int64_t)len;
    }
    case 80: return path_op(p, VFS_AT_FDCWD, a[0], 4, 0);
    case 81: {
        struct file *f = fd_get(p, a[0]);
        if (!f)
            return -LINUX_EBADF;
        if (!f->is_dir || !f->path)
            return -LINUX_ENOTDIR;
        snprintf(p->cwd, sizeof(p->cwd), "%s", f->path);
        return 0;
    }
    case 82: return two_paths(p, VFS_AT_FDCWD, a[0], VFS_AT_FDCWD, a[1], 0);
    case 83: return path_op(p, VFS_AT_FDCWD, a[0], 0, a[1]);
    case 84: return ends_in_dot(p, a[0]) ? -LINUX_EINVAL : path_op(p, VFS_AT_FDCWD, a[0], 1, 0);
    case 86: return two_paths(p, VFS_AT_FDCWD, a[0], VFS_AT_FDCWD, a[1], 1);
    case 87: return path_op(p, VFS_AT_FDCWD, a[0], 2, 0);
    case 88: return two_paths(p, VFS_AT_FDCWD, a[0], VFS_AT_FDCWD, a[1], 2);
    case 89: return do_readlink(p, VFS_AT_FDCWD, a[0], a[1], a[2]);
    case 90: return path_op(p, VFS_AT_FDCWD, a[0], 3, a[1]);
    case 95: {
        uint32_t old = p->umask;
        p->umask = (uint32_t)a[0] & 0777;
        return old;
    }
    case 85:
        return do_open(p, VFS_AT_FDCWD, a[0], VFS_O_CREAT | VFS_O_WRONLY | VFS_O_TRUNC,
                       (uint32_t)a[1]);
    case 137: {
        char path[PATH_MAX_BYTES];
        struct vfs_statfs sf;
        if ((r = user_path(p, VFS_AT_FDCWD, a[0], path)) < 0 ||
            (r = kaal_vfs_statfs(KAAL_CAP_VFS, path, &sf)) < 0)
            return r;
        return put_statfs(p, a[1], &sf);
    }
    case 138: {
        struct file *f = fd_get(p, a[0]);
        struct vfs_statfs sf;
        if (!f)
            return -LINUX_EBADF;
        if (f->kind != FILE_VFS)
            return -LINUX_EINVAL;
        if ((r = kaal_vfs_fstatfs(KAAL_CAP_VFS, f->vfs_fd, &sf)) < 0)
            return r;
        return put_statfs(p, a[1], &sf);
    }
    case 162: return 0; /* sync: the file systems are RAM */
    case 436: {         /* close_range(first, last, flags): CLOSE_RANGE_CLOEXEC = 4 */
        if (a[0] > a[1])
            return -LINUX_EINVAL;
        for (uint64_t fd = a[0]; fd <= a[1] && fd < MAX_FDS; fd++) {
            if (!p->files->fds[fd])
                continue;
            if (a[2] & 4)
                p->files->cloexec |= 1ul << fd;
            else
                fd_close(p, fd);
        }
        return 0;
    }
    case 217: return do_getdents(p, a[0], a[1], a[2]);
    case 257: return do_open(p, dfd, a[1], (int)a[2], (uint32_t)a[3]);
    case 258: return path_op(p, dfd, a[1], 0, a[2]);
    case 262:
        r = stat_path(p, dfd, a[1], (int)a[3], &st);
        return r < 0 ? r : put_stat(p, a[2], &st);
    case 263:
        if (a[2] & ~(uint64_t)AT_REMOVEDIR)
            return -LINUX_EINVAL;
        if ((a[2] & AT_REMOVEDIR) && ends_in_dot(p, a[1]))
            return -LINUX_EINVAL;
        return path_op(p, dfd, a[1], (a[2] & AT_REMOVEDIR) ? 1 : 2, 0);
    case 264: return two_paths(p, dfd, a[1], (int)(int64_t)a[2], a[3], 0);
    case 316: return do_renameat2(p, dfd, a[1], (int)(int64_t)a[2], a[3], a[4]);
    case 265: return two_paths(p, dfd, a[1], (int)(int64_t)a[2], a[3], 1);
    case 266: return two_paths(p, VFS_AT_FDCWD, a[0], (int)(int64_t)a[1], a[2], 2);
    case 267: return do_readlink(p, dfd, a[1], a[2], a[3]);
    case 268: return path_op(p, dfd, a[1], 3, a[2]);
    case 269:
    case 439: return do_access(p, dfd, a[1], a[2]);
    case 292:
        if (a[0] == a[1] || (a[2] & ~(uint64_t)VFS_O_CLOEXEC))
            return -LINUX_EINVAL;
        if (!fd_get(p, a[0]))
            return -LINUX_EBADF;
        return do_dup3(p, a[0], a[1], (int)a[2]);
    case 293:
        if (a[1] & ~(uint64_t)(VFS_O_CLOEXEC | VFS_O_NONBLOCK | VFS_O_DIRECT))
            return -LINUX_EINVAL;
        return do_pipe(p, a[0], (int)a[1]);
    case 332:
        r = stat_path(p, dfd, a[1], (int)a[2], &st);
        return r < 0 ? r : put_statx(p, a[4], &st);
    default: *handled = false; return -LINUX_ENOSYS;
    }
}
