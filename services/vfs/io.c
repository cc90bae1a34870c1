// SPDX-License-Identifier: BSD-2-Clause
/* File data: read, write, pread, pwrite, lseek (SEEK_DATA and SEEK_HOLE
 * included), truncate and ftruncate, with Linux's checks (fs/read_write.c,
 * fs/open.c): a count is cut to MAX_RW_COUNT, offset plus count must fit
 * int64, O_APPEND writes at the end. */
#include "vfs_internal.h"

#define MAX_RW_COUNT 0x7ffff000

int vfs_truncate_vnode(vfs_vnode_t *vn, int64_t length)
{
    if (!vn->ops->truncate)
        return E(EINVAL);
    return vn->ops->truncate(vn, length);
}

static int64_t do_read(vfs_file_t *f, void *buf, size_t n, int64_t pos)
{
    if (!(f->fmode & FMODE_READ))
        return E(EBADF);
    vfs_vnode_t *vn = f->loc.vn;
    if (n > MAX_RW_COUNT)
        n = MAX_RW_COUNT;
    if (pos > INT64_MAX - (int64_t)n)
        return E(EINVAL);
    if (VFS_S_ISDIR(vn->mode))
        return E(EISDIR);
    if (!vn->ops->read)
        return E(EINVAL);
    return vn->ops->read(vn, buf, n, pos);
}

static int64_t do_write(vfs_file_t *f, const void *buf, size_t n, int64_t pos, bool advance)
{
    if (!(f->fmode & FMODE_WRITE))
        return E(EBADF);
    vfs_vnode_t *vn = f->loc.vn;
    if (n > MAX_RW_COUNT)
        n = MAX_RW_COUNT;
    if (pos > INT64_MAX - (int64_t)n)
        return E(EINVAL);
    if (!vn->ops->write)
        return E(EINVAL);
    if (n == 0 && VFS_S_ISREG(vn->mode))
        return 0;
    if ((f->flags & VFS_O_APPEND) && VFS_S_ISREG(vn->mode))
        pos = vn->size;
    int64_t r = vn->ops->write(vn, buf, n, pos);
    if (r > 0 && advance)
        f->pos = pos + r;
    return r;
}

int64_t vfs_read(vfs_proc_t *p, int fd, void *buf, size_t n_bytes)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    int64_t r = do_read(f, buf, n_bytes, f->pos);
    if (r > 0)
        f->pos += r;
    return r;
}

int64_t vfs_write(vfs_proc_t *p, int fd, const void *buf, size_t n_bytes)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    return do_write(f, buf, n_bytes, f->pos, true);
}

int64_t vfs_pread(vfs_proc_t *p, int fd, void *buf, size_t n_bytes, int64_t offset)
{
    if (offset < 0)
        return E(EINVAL);
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    return do_read(f, buf, n_bytes, offset);
}

int64_t vfs_pwrite(vfs_proc_t *p, int fd, const void *buf, size_t n_bytes, int64_t offset)
{
    if (offset < 0)
        return E(EINVAL);
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    return do_write(f, buf, n_bytes, offset, false);
}

int64_t vfs_lseek(vfs_proc_t *p, int fd, int64_t offset, int whence)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    vfs_vnode_t *vn = f->loc.vn;
    if (whence < VFS_SEEK_SET || whence > VFS_SEEK_HOLE)
        return E(EINVAL);
    if (vn->ops->llseek)
        return vn->ops->llseek(vn, &f->pos, offset, whence);
    int64_t pos;
    if (VFS_S_ISDIR(vn->mode)) {
        if (whence == VFS_SEEK_CUR) {
            if (__builtin_add_overflow(f->pos, offset, &offset))
                return E(EINVAL);
        } else if (whence != VFS_SEEK_SET) {
            return E(EINVAL);
        }
        if (offset < 0)
            return E(EINVAL);
        f->pos = offset;
        return offset;
    }
    switch (whence) {
    case VFS_SEEK_SET: pos = offset; break;
    case VFS_SEEK_CUR:
        if (offset == 0)
            return f->pos;
        if (__builtin_add_overflow(f->pos, offset, &pos))
            return E(EINVAL);
        break;
    case VFS_SEEK_END:
        if (__builtin_add_overflow(vn->size, offset, &pos))
            return E(EINVAL);
        break;
    default: /* SEEK_DATA, SEEK_HOLE */
        if (!VFS_S_ISREG(vn->mode))
            return E(EINVAL);
        if (offset < 0 || offset >= vn->size)
            return E(ENXIO);
        if (!vn->ops->seek_data)
            pos = (whence == VFS_SEEK_DATA) ? offset : vn->size;
        else
            pos = vn->ops->seek_data(vn, offset, whence);
        if (pos < 0)
            return pos;
        break;
    }
    if (pos < 0)
        return E(EINVAL);
    f->pos = pos;
    return pos;
}

int vfs_truncate(vfs_proc_t *p, const char *path, int64_t length)
{
    if (length < 0)
        return E(EINVAL);
    loc_t l;
    int err = vfs_walk_path(p, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &l);
    if (err)
        return err;
    if (VFS_S_ISDIR(l.vn->mode))
        err = E(EISDIR);
    else if (!VFS_S_ISREG(l.vn->mode))
        err = E(EINVAL);
    else
        err = vfs_permission(p, l.vn, MAY_WRITE);
    if (!err)
        err = vfs_truncate_vnode(l.vn, length);
    loc_put(l);
    return err;
}

int vfs_ftruncate(vfs_proc_t *p, int fd, int64_t length)
{
    if (length < 0)
        return E(EINVAL);
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    if (!VFS_S_ISREG(f->loc.vn->mode) || !(f->fmode & FMODE_WRITE))
        return E(EINVAL);
    return vfs_truncate_vnode(f->loc.vn, length);
}
