// SPDX-License-Identifier: BSD-2-Clause
/* Attributes: stat, chmod, chown, utimensat, access, statfs and readlink
 * (Linux's fs/stat.c, fs/attr.c, fs/open.c rules: who may change what, the
 * set-id bits a chown or chmod clears, ctime on every change). */
#include "vfs_internal.h"

static void touch_ctime(vfs_t *vfs, vfs_vnode_t *vn)
{
    vn->ctime = vfs_now(vfs);
}

static void fill_stat(const loc_t *l, struct vfs_stat *st)
{
    const vfs_vnode_t *vn = l->vn;
    memset(st, 0, sizeof(*st));
    st->dev = vn->fs->dev;
    st->ino = vn->ino;
    st->mode = vn->mode;
    st->nlink = vn->nlink;
    st->uid = vn->uid;
    st->gid = vn->gid;
    st->rdev = vn->rdev;
    st->size = vn->size;
    st->blksize = VFS_PAGE_SIZE;
    st->blocks = vn->blocks;
    st->atime = vn->atime;
    st->mtime = vn->mtime;
    st->ctime = vn->ctime;
}

int vfs_fstat(vfs_proc_t *p, int fd, struct vfs_stat *st)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    fill_stat(&f->loc, st);
    return 0;
}

int vfs_fstatat(vfs_proc_t *p, int dirfd, const char *path, struct vfs_stat *st, int flags)
{
    if (flags & ~VFS_AT_SYMLINK_NOFOLLOW)
        return E(EINVAL);
    loc_t l;
    int err = vfs_walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
    if (err)
        return err;
    fill_stat(&l, st);
    loc_put(l);
    return 0;
}

static int do_chmod(vfs_proc_t *p, vfs_vnode_t *vn, vfs_mode_t mode)
{
    if (!vfs_owner_or_root(p, vn))
        return E(EPERM);
    mode &= 07777;
    if (p->uid != 0 && !vfs_in_group(p, vn->gid))
        mode &= ~(vfs_mode_t)VFS_S_ISGID;
    vn->mode = (vn->mode & VFS_S_IFMT) | mode;
    touch_ctime(p->vfs, vn);
    return 0;
}

int vfs_fchmodat(vfs_proc_t *p, int dirfd, const char *path, vfs_mode_t mode, int flags)
{
    if (flags & ~VFS_AT_SYMLINK_NOFOLLOW)
        return E(EINVAL);
    loc_t l;
    int err = vfs_walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
    if (err)
        return err;
    err = VFS_S_ISLNK(l.vn->mode) ? E(EOPNOTSUPP) : do_chmod(p, l.vn, mode);
    loc_put(l);
    return err;
}

int vfs_fchmod(vfs_proc_t *p, int fd, vfs_mode_t mode)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    return do_chmod(p, f->loc.vn, mode);
}

/* chown_ok()/chgrp_ok(), then the set-id bits die on non-directories. */
static int do_chown(vfs_proc_t *p, vfs_vnode_t *vn, vfs_uid_t uid, vfs_gid_t gid)
{
    bool set_uid = uid != VFS_ID_UNCHANGED, set_gid = gid != VFS_ID_UNCHANGED;
    if (p->uid != 0) {
        if (set_uid && !(p->uid == vn->uid && uid == vn->uid))
            return E(EPERM);
        if (set_gid && !(p->uid == vn->uid && (vfs_in_group(p, gid) || gid == vn->gid)))
            return E(EPERM);
    }
    if (set_uid)
        vn->uid = uid;
    if (set_gid)
        vn->gid = gid;
    if (!VFS_S_ISDIR(vn->mode) && !VFS_S_ISLNK(vn->mode)) {
        vn->mode &= ~(vfs_mode_t)VFS_S_ISUID;
        if ((vn->mode & VFS_S_ISGID) &&
            ((vn->mode & 010) || (p->uid != 0 && !vfs_in_group(p, vn->gid))))
            vn->mode &= ~(vfs_mode_t)VFS_S_ISGID;
    }
    touch_ctime(p->vfs, vn);
    return 0;
}

int vfs_fchownat(vfs_proc_t *p, int dirfd, const char *path, vfs_uid_t uid, vfs_gid_t gid,
                 int flags)
{
    if (flags & ~VFS_AT_SYMLINK_NOFOLLOW)
        return E(EINVAL);
    loc_t l;
    int err = vfs_walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
    if (err)
        return err;
    err = do_chown(p, l.vn, uid, gid);
    loc_put(l);
    return err;
}

int vfs_fchown(vfs_proc_t *p, int fd, vfs_uid_t uid, vfs_gid_t gid)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    return do_chown(p, f->loc.vn, uid, gid);
}

static bool nsec_valid(int64_t nsec)
{
    return (nsec >= 0 && nsec <= 999999999) || nsec == VFS_UTIME_NOW || nsec == VFS_UTIME_OMIT;
}

int vfs_utimensat(vfs_proc_t *p, int dirfd, const char *path, const vfs_timespec_t times[2],
                  int flags)
{
    if (times && times[0].nsec == VFS_UTIME_OMIT && times[1].nsec == VFS_UTIME_OMIT)
        return 0;
    if (flags & ~VFS_AT_SYMLINK_NOFOLLOW)
        return E(EINVAL);
    loc_t l;
    int err;
    if (!path) {
        vfs_file_t *f = fd_file(p, dirfd);
        if (!f)
            return E(EBADF);
        l = f->loc;
        loc_get(l);
    } else {
        err = vfs_walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
        if (err)
            return err;
    }
    vfs_vnode_t *vn = l.vn;
    if (times && (!nsec_valid(times[0].nsec) || !nsec_valid(times[1].nsec))) {
        loc_put(l);
        return E(EINVAL); /* checked after the lookup, as Linux does */
    }
    bool explicit_time =
        times && ((times[0].nsec != VFS_UTIME_NOW && times[0].nsec != VFS_UTIME_OMIT) ||
                  (times[1].nsec != VFS_UTIME_NOW && times[1].nsec != VFS_UTIME_OMIT));
    if (explicit_time)
        err = vfs_owner_or_root(p, vn) ? 0 : E(EPERM);
    else
        err = vfs_owner_or_root(p, vn) ? 0 : vfs_permission(p, vn, MAY_WRITE);
    if (!err) {
        vfs_timespec_t now = vfs_now(p->vfs);
        vfs_timespec_t *dst[2] = {&vn->atime, &vn->mtime};
        for (int i = 0; i < 2; i++) {
            if (!times || times[i].nsec == VFS_UTIME_NOW)
                *dst[i] = now;
            else if (times[i].nsec != VFS_UTIME_OMIT)
                *dst[i] = times[i];
        }
        vn->ctime = now;
    }
    loc_put(l);
    return err;
}

int vfs_faccessat(vfs_proc_t *p, int dirfd, const char *path, int mode, int flags)
{
    if (mode & ~(VFS_R_OK | VFS_W_OK | VFS_X_OK))
        return E(EINVAL);
    if (flags & ~(VFS_AT_SYMLINK_NOFOLLOW | VFS_AT_EACCESS))
        return E(EINVAL);
    loc_t l;
    int err = vfs_walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
    if (err)
        return err;
    err = vfs_permission(p, l.vn, mode);
    loc_put(l);
    return err;
}

static int do_statfs(const loc_t *l, struct vfs_statfs *st)
{
    memset(st, 0, sizeof(*st));
    st->fsid = l->vn->fs->dev;
    return l->vn->fs->ops->statfs(l->vn->fs, st);
}

int vfs_statfs(vfs_proc_t *p, const char *path, struct vfs_statfs *st)
{
    loc_t l;
    int err = vfs_walk_path(p, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &l);
    if (err)
        return err;
    err = do_statfs(&l, st);
    loc_put(l);
    return err;
}

int vfs_fstatfs(vfs_proc_t *p, int fd, struct vfs_statfs *st)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    return do_statfs(&f->loc, st);
}

int64_t vfs_readlinkat(vfs_proc_t *p, int dirfd, const char *path, char *buf, size_t n_bytes)
{
    if (n_bytes == 0 || n_bytes > INT32_MAX)
        return E(EINVAL);
    loc_t l;
    int err = vfs_walk_path(p, dirfd, path, 0, NULL, &l);
    if (err)
        return err;
    int64_t r = E(EINVAL);
    if (VFS_S_ISLNK(l.vn->mode)) {
        size_t len;
        const char *text = l.vn->ops->readlink(l.vn, &len);
        if (len > n_bytes)
            len = n_bytes;
        memcpy(buf, text, len);
        l.vn->atime = vfs_now(p->vfs);
        r = (int64_t)len;
    }
    loc_put(l);
    return r;
}
