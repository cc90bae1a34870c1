// SPDX-License-Identifier: BSD-2-Clause
/* Reading directories and the working directory: getdents64 (records
 * packed as Linux's struct linux_dirent64, positions are the file
 * system's cookies), chdir, fchdir and getcwd (which climbs with ".." and
 * finds each directory's name in its parent). */
#include "vfs_internal.h"

struct dirent_buf {
    uint8_t *buf;
    size_t cap, used;
    uint64_t next_cookie;
};

static bool emit_dirent64(void *ctx, const char *name, size_t len, uint64_t ino, unsigned d_type,
                          uint64_t next_cookie)
{
    struct dirent_buf *b = ctx;
    size_t reclen = (offsetof(struct vfs_dirent64, d_name) + len + 1 + 7) & ~(size_t)7;
    if (b->used + reclen > b->cap)
        return false;
    struct vfs_dirent64 rec = {ino, (int64_t)next_cookie, (uint16_t)reclen, (uint8_t)d_type};
    uint8_t *at = b->buf + b->used;
    memset(at, 0, reclen);
    memcpy(at, &rec, offsetof(struct vfs_dirent64, d_name));
    memcpy(at + offsetof(struct vfs_dirent64, d_name), name, len);
    b->used += reclen;
    b->next_cookie = next_cookie;
    return true;
}

int64_t vfs_getdents64(vfs_proc_t *p, int fd, void *buf, size_t n_bytes)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    vfs_vnode_t *vn = f->loc.vn;
    if (!VFS_S_ISDIR(vn->mode) || !vn->ops->readdir)
        return E(ENOTDIR);
    if (is_dead_dir(vn))
        return E(ENOENT);
    struct dirent_buf b = {buf, n_bytes, 0, 0};
    uint64_t cookie = (uint64_t)f->pos;
    int r = vn->ops->readdir(vn, &cookie, emit_dirent64, &b);
    if (r < 0)
        return r;
    if (r == 1 && b.used == 0)
        return E(EINVAL); /* not even one record fits */
    f->pos = (int64_t)cookie;
    vn->atime = vfs_now(p->vfs);
    return (int64_t)b.used;
}

int vfs_chdir(vfs_proc_t *p, const char *path)
{
    loc_t l;
    int err = vfs_walk_path(p, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &l);
    if (err)
        return err;
    if (!VFS_S_ISDIR(l.vn->mode))
        err = E(ENOTDIR);
    else
        err = vfs_permission(p, l.vn, MAY_EXEC);
    if (err) {
        loc_put(l);
        return err;
    }
    loc_put(p->cwd);
    p->cwd = l;
    return 0;
}

int vfs_fchdir(vfs_proc_t *p, int fd)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    if (!VFS_S_ISDIR(f->loc.vn->mode))
        return E(ENOTDIR);
    int err = vfs_permission(p, f->loc.vn, MAY_EXEC);
    if (err)
        return err;
    loc_get(f->loc);
    loc_put(p->cwd);
    p->cwd = f->loc;
    return 0;
}

/* getcwd: climbs with ".." and finds each directory's name in its parent. */
struct find_ino {
    uint64_t ino;
    char name[VFS_NAME_MAX + 1];
    size_t len;
    bool found;
};

static bool emit_find(void *ctx, const char *name, size_t len, uint64_t ino, unsigned d_type,
                      uint64_t next_cookie)
{
    struct find_ino *fi = ctx;
    (void)d_type;
    (void)next_cookie;
    bool dots = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
    if (!fi->found && !dots && ino == fi->ino) {
        memcpy(fi->name, name, len);
        fi->len = len;
        fi->found = true;
    }
    return true;
}

int vfs_getcwd(vfs_proc_t *p, char *buf, size_t n_bytes)
{
    if (is_dead_dir(p->cwd.vn))
        return E(ENOENT);
    char *tmp = vfs_alloc(p->vfs, VFS_PATH_MAX);
    if (!tmp)
        return E(ENOMEM);
    size_t at = VFS_PATH_MAX - 1;
    tmp[at] = 0;
    loc_t cur = p->cwd, root = root_loc(p->vfs);
    loc_get(cur);
    int err = 0;
    while (!(cur.mnt == root.mnt && cur.vn == root.vn)) {
        loc_t below = cur;
        while (below.vn == below.mnt->root && below.mnt->parent)
            below = (loc_t){below.mnt->parent, below.mnt->mountpoint};
        loc_t up;
        vfs_go_up(p->vfs, cur, &up);
        struct find_ino fi = {.ino = below.vn->ino};
        vfs_vnode_t *dir = below.vn == below.mnt->root ? NULL : below.vn->ops->parent(below.vn);
        if (dir) {
            uint64_t cookie = 0;
            dir->ops->readdir(dir, &cookie, emit_find, &fi);
            vfs_vnode_put(dir);
        }
        loc_put(cur);
        cur = up;
        if (!fi.found || fi.len + 1 > at) {
            err = fi.found ? E(ENAMETOOLONG) : E(ENOENT);
            break;
        }
        at -= fi.len;
        memcpy(tmp + at, fi.name, fi.len);
        tmp[--at] = '/';
    }
    loc_put(cur);
    if (!err && at == VFS_PATH_MAX - 1)
        tmp[--at] = '/';
    size_t len = VFS_PATH_MAX - at; /* including the NUL */
    if (!err && len > n_bytes)
        err = E(ERANGE);
    if (!err)
        memcpy(buf, tmp + at, len);
    vfs_free(p->vfs, tmp, VFS_PATH_MAX);
    return err ? err : (int)len;
}
