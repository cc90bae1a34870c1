// SPDX-License-Identifier: BSD-2-Clause
/* open (Linux's do_filp_open): the walk with O_CREAT, O_EXCL, O_NOFOLLOW,
 * O_DIRECTORY and a trailing slash, creating a regular file where the
 * name is missing, then may_open's type and permission checks, O_TRUNC,
 * and the new open-file description in the lowest free descriptor. */
#include "vfs_internal.h"

static int may_open(vfs_proc_t *p, vfs_vnode_t *vn, int acc_mode, int flags)
{
    switch (vn->mode & VFS_S_IFMT) {
    case VFS_S_IFLNK: return E(ELOOP);
    case VFS_S_IFDIR:
        if (acc_mode & MAY_WRITE)
            return E(EISDIR);
        break;
    default: break;
    }
    int err = vfs_permission(p, vn, acc_mode);
    if (err)
        return err;
    if ((flags & VFS_O_NOATIME) && !vfs_owner_or_root(p, vn))
        return E(EPERM);
    return 0;
}

/* The O_CREAT side of open (lookup_open) once the walk found no file:
 * creates a regular file in w's directory (consuming w). */
static int open_create_file(vfs_proc_t *p, walk_t *w, vfs_mode_t mode, loc_t *out)
{
    vfs_vnode_t *dir = w->parent.vn;
    int err = vfs_may_create(p, dir);
    if (!err && !dir->ops->create)
        err = E(EPERM);
    if (!err) {
        vfs_mode_t m = (mode & 07777 & ~p->umask) | VFS_S_IFREG;
        vfs_gid_t gid = p->gid;
        if (dir->mode & VFS_S_ISGID)
            gid = dir->gid;
        vfs_vnode_t *vn;
        err = dir->ops->create(dir, w->name, w->len, m, p->uid, gid, NULL, &vn);
        if (!err) {
            *out = (loc_t){w->parent.mnt, vn};
            w->parent.mnt->refs++;
        }
    }
    vfs_walk_done(w);
    return err;
}

int vfs_openat(vfs_proc_t *p, int dirfd, const char *path, int flags, vfs_mode_t mode)
{
    if ((flags & (VFS_O_DIRECTORY | VFS_O_CREAT)) == (VFS_O_DIRECTORY | VFS_O_CREAT))
        return E(EINVAL);
    if (flags & (VFS_O_PATH | (VFS_O_TMPFILE & ~VFS_O_DIRECTORY)))
        return E(EOPNOTSUPP);
    int err = vfs_check_path(path); /* a bad name is reported before EMFILE, as Linux does */
    if (err)
        return err;
    int fd = vfs_fd_alloc(p, 0);
    if (fd < 0)
        return fd;
    static const int acc_table[4] = {MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE,
                                     MAY_READ | MAY_WRITE};
    int acc_mode = acc_table[flags & VFS_O_ACCMODE];
    if (flags & VFS_O_TRUNC)
        acc_mode |= MAY_WRITE;
    /* O_EXCL implies O_NOFOLLOW; O_CREAT excludes O_DIRECTORY (checked above). */
    unsigned walk_flags = (flags & VFS_O_NOFOLLOW) ? 0 : WALK_FOLLOW;
    if (flags & VFS_O_CREAT)
        walk_flags = ((flags & VFS_O_EXCL) ? 0 : walk_flags) | WALK_OPEN_CREATE;
    else if (flags & VFS_O_DIRECTORY)
        walk_flags |= WALK_DIRECTORY;

    walk_t w;
    loc_t target;
    err = vfs_walk_path(p, dirfd, path, walk_flags, &w, &target);
    bool created = err == WALK_MISSING;
    if (created)
        err = open_create_file(p, &w, mode, &target);
    if (err)
        return err;
    vfs_vnode_t *vn = target.vn;
    if (flags & VFS_O_CREAT) {
        if ((flags & VFS_O_EXCL) && !created)
            err = E(EEXIST);
        else if (VFS_S_ISDIR(vn->mode))
            err = E(EISDIR);
    }
    bool truncate = false;
    if (!err && !created) {
        truncate = (flags & VFS_O_TRUNC) && VFS_S_ISREG(vn->mode);
        err = may_open(p, vn, acc_mode, flags);
    }
    if (!err && truncate)
        err = vfs_truncate_vnode(vn, 0);
    vfs_file_t *f = NULL;
    if (!err) {
        f = vfs_alloc(p->vfs, sizeof(*f));
        if (!f)
            err = E(ENOMEM);
    }
    if (err) {
        loc_put(target);
        return err;
    }
    f->refs = 1;
    f->loc = target;
    f->flags = ((uint32_t)flags & ~(uint32_t)(VFS_O_CREAT | VFS_O_EXCL | VFS_O_NOCTTY |
                                              VFS_O_TRUNC | VFS_O_CLOEXEC)) |
               VFS_O_LARGEFILE;
    f->fmode = (uint8_t)((flags + 1) & VFS_O_ACCMODE);
    f->pos = 0;
    p->fds[fd].file = f;
    p->fds[fd].cloexec = (flags & VFS_O_CLOEXEC) != 0;
    return fd;
}
