// SPDX-License-Identifier: BSD-2-Clause
/* Calls that add or remove names: mkdir, symlink, link, unlink, rmdir,
 * rename. Each walks to the parent with vfs_walk_path and then treats the
 * last component as Linux does (filename_create, do_rmdir, do_unlinkat,
 * do_renameat2, do_linkat), including the order in which errors win;
 * nothing is removed or renamed while it is a mount point. */
#include "vfs_internal.h"

int vfs_mkdirat(vfs_proc_t *p, int dirfd, const char *path, vfs_mode_t mode)
{
    walk_t w;
    int err = vfs_walk_path(p, dirfd, path, WALK_CREATE | WALK_DIRECTORY, &w, NULL);
    if (err)
        return err;
    vfs_vnode_t *dir = w.parent.vn, *vn;
    if (!dir->ops->create) {
        vfs_walk_done(&w);
        return E(EPERM);
    }
    vfs_mode_t m = (mode & 01777 & ~p->umask) | VFS_S_IFDIR;
    vfs_gid_t gid = p->gid;
    if (dir->mode & VFS_S_ISGID) {
        gid = dir->gid;
        m |= VFS_S_ISGID;
    }
    err = dir->ops->create(dir, w.name, w.len, m, p->uid, gid, NULL, &vn);
    if (!err)
        vfs_vnode_put(vn);
    vfs_walk_done(&w);
    return err;
}

int vfs_symlinkat(vfs_proc_t *p, const char *target, int newdirfd, const char *linkpath)
{
    int err = vfs_check_path(target);
    if (err)
        return err;
    walk_t w;
    err = vfs_walk_path(p, newdirfd, linkpath, WALK_CREATE, &w, NULL);
    if (err)
        return err;
    vfs_vnode_t *dir = w.parent.vn, *vn;
    if (!dir->ops->create) {
        vfs_walk_done(&w);
        return E(EPERM);
    }
    vfs_gid_t gid = (dir->mode & VFS_S_ISGID) ? dir->gid : p->gid;
    err = dir->ops->create(dir, w.name, w.len, VFS_S_IFLNK | 0777, p->uid, gid, target, &vn);
    if (!err)
        vfs_vnode_put(vn);
    vfs_walk_done(&w);
    return err;
}

int vfs_linkat(vfs_proc_t *p, int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
               int flags)
{
    if (flags & ~VFS_AT_SYMLINK_FOLLOW)
        return E(EINVAL);
    loc_t src;
    int err = vfs_walk_path(p, olddirfd, oldpath, (flags & VFS_AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0,
                            NULL, &src);
    if (err)
        return err;
    walk_t w;
    err = vfs_walk_path(p, newdirfd, newpath, WALK_CREATE, &w, NULL);
    if (err) {
        loc_put(src);
        return err;
    }
    vfs_vnode_t *dir = w.parent.vn;
    if (src.mnt != w.parent.mnt)
        err = E(EXDEV);
    else if (VFS_S_ISDIR(src.vn->mode))
        err = E(EPERM);
    else if (src.vn->nlink == 0)
        err = E(ENOENT);
    else if (!dir->ops->link)
        err = E(EPERM);
    else
        err = dir->ops->link(dir, w.name, w.len, src.vn);
    vfs_walk_done(&w);
    loc_put(src);
    return err;
}

static bool is_mountpoint(const vfs_vnode_t *vn)
{
    return vn->n_mounts != 0;
}

int vfs_unlinkat(vfs_proc_t *p, int dirfd, const char *path, int flags)
{
    if (flags & ~VFS_AT_REMOVEDIR)
        return E(EINVAL);
    bool rmdir = (flags & VFS_AT_REMOVEDIR) != 0;
    walk_t w;
    int err = vfs_walk_path(p, dirfd, path, WALK_PARENT, &w, NULL);
    if (err)
        return err;
    if (w.type != LAST_NORM) {
        vfs_walk_done(&w);
        if (!rmdir)
            return E(EISDIR);
        return w.type == LAST_DOT ? E(EINVAL) : w.type == LAST_DOTDOT ? E(ENOTEMPTY) : E(EBUSY);
    }
    vfs_vnode_t *dir = w.parent.vn, *victim;
    err = vfs_lookup_raw(dir, w.name, w.len, &victim);
    if (err) {
        vfs_walk_done(&w);
        return err;
    }
    if (!rmdir && w.trailing)
        err = VFS_S_ISDIR(victim->mode) ? E(EISDIR) : E(ENOTDIR);
    if (!err)
        err = vfs_may_delete(p, dir, victim, rmdir);
    if (!err && is_mountpoint(victim))
        err = E(EBUSY);
    if (!err && !dir->ops->remove)
        err = E(EPERM);
    if (!err)
        err = dir->ops->remove(dir, w.name, w.len, victim);
    vfs_vnode_put(victim);
    vfs_walk_done(&w);
    return err;
}

/* Is a an ancestor of b (or b itself) inside one file system? */
static bool is_ancestor(vfs_vnode_t *a, vfs_vnode_t *b)
{
    vfs_vnode_t *cur = b;
    vfs_vnode_get(cur);
    for (;;) {
        if (cur == a) {
            vfs_vnode_put(cur);
            return true;
        }
        vfs_vnode_t *up = cur->ops->parent(cur);
        if (up == cur) {
            vfs_vnode_put(up);
            vfs_vnode_put(cur);
            return false;
        }
        vfs_vnode_put(cur);
        cur = up;
    }
}

int vfs_renameat2(vfs_proc_t *p, int olddirfd, const char *oldpath, int newdirfd,
                  const char *newpath, unsigned flags)
{
    if (flags & ~(unsigned)VFS_RENAME_NOREPLACE)
        return E(EINVAL);
    /* The old name is walked before the new one is checked (do_renameat2). */
    walk_t ow, nw;
    int err = vfs_walk_path(p, olddirfd, oldpath, WALK_PARENT, &ow, NULL);
    if (err)
        return err;
    err = vfs_walk_path(p, newdirfd, newpath, WALK_PARENT, &nw, NULL);
    if (err) {
        vfs_walk_done(&ow);
        return err;
    }
    vfs_vnode_t *odir = ow.parent.vn, *ndir = nw.parent.vn, *ovn = NULL, *nvn = NULL;
    if (ow.parent.mnt != nw.parent.mnt)
        err = E(EXDEV);
    else if (ow.type != LAST_NORM)
        err = E(EBUSY);
    else if (nw.type != LAST_NORM)
        err = (flags & VFS_RENAME_NOREPLACE) ? E(EEXIST) : E(EBUSY);
    if (!err)
        err = vfs_lookup_raw(odir, ow.name, ow.len, &ovn);
    if (!err) {
        err = vfs_lookup_raw(ndir, nw.name, nw.len, &nvn);
        if (err == E(ENOENT)) {
            err = 0;
            nvn = NULL;
        }
    }
    if (!err && (flags & VFS_RENAME_NOREPLACE) && nvn)
        err = E(EEXIST);
    bool is_dir = ovn && VFS_S_ISDIR(ovn->mode);
    if (!err && !is_dir && (ow.trailing || nw.trailing))
        err = E(ENOTDIR);
    if (!err && odir != ndir) {
        if (is_ancestor(ovn, ndir))
            err = E(EINVAL);
        else if (nvn && is_ancestor(nvn, odir))
            err = E(ENOTEMPTY);
    }
    if (!err && ovn == nvn)
        goto out; /* two names of one inode: nothing to do, success */
    if (!err)
        err = vfs_may_delete(p, odir, ovn, is_dir);
    if (!err)
        err = nvn ? vfs_may_delete(p, ndir, nvn, is_dir) : vfs_may_create(p, ndir);
    if (!err && is_dir && odir != ndir)
        err = vfs_permission(p, ovn, MAY_WRITE);
    if (!err && (is_mountpoint(ovn) || (nvn && is_mountpoint(nvn))))
        err = E(EBUSY);
    if (!err && !odir->ops->rename)
        err = E(EPERM);
    if (!err)
        err = odir->ops->rename(odir, ow.name, ow.len, ndir, nw.name, nw.len);
out:
    if (nvn)
        vfs_vnode_put(nvn);
    if (ovn)
        vfs_vnode_put(ovn);
    vfs_walk_done(&nw);
    vfs_walk_done(&ow);
    return err;
}
