// SPDX-License-Identifier: BSD-2-Clause
/* Mounting and unmounting (the mount table is struct vfs's list). The
 * first mount is the root at "/"; later ones go on a directory that is not
 * already a mount point or a mount root (no stacking: EBUSY). umount
 * refuses (EBUSY) while a location is held inside the mount or another
 * mount sits in it; the root is never unmounted. */
#include "vfs_internal.h"

int vfs_mount(vfs_t *vfs, vfs_proc_t *proc, const char *path, vfs_fs_t *fs)
{
    if (!fs)
        return E(EINVAL);
    struct vfs_mount *m = vfs_alloc(vfs, sizeof(*m));
    if (!m)
        return E(ENOMEM);
    memset(m, 0, sizeof(*m));
    m->fs = fs;
    m->root = fs->root;
    if (!vfs->root_mount) {
        if (!path || strcmp(path, "/") != 0) {
            vfs_free(vfs, m, sizeof(*m));
            return E(ENOENT);
        }
        vfs_vnode_get(m->root);
        vfs->root_mount = m;
        m->next = vfs->mounts;
        vfs->mounts = m;
        return 0;
    }
    loc_t at;
    int err = proc ? vfs_walk_path(proc, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &at) : E(EINVAL);
    if (!err) {
        if (!VFS_S_ISDIR(at.vn->mode))
            err = E(ENOTDIR);
        else if (at.vn->n_mounts || at.vn == at.mnt->root) /* no stacking */
            err = E(EBUSY);
        else if (is_dead_dir(at.vn))
            err = E(ENOENT);
        if (err)
            loc_put(at);
    }
    if (err) {
        vfs_free(vfs, m, sizeof(*m));
        return err;
    }
    m->parent = at.mnt;
    m->mountpoint = at.vn; /* keeps the vnode reference of `at` */
    at.mnt->refs--;
    at.mnt->n_children++;
    at.vn->n_mounts++;
    vfs_vnode_get(m->root);
    m->next = vfs->mounts;
    vfs->mounts = m;
    return 0;
}

int vfs_umount(vfs_t *vfs, vfs_proc_t *proc, const char *path)
{
    loc_t at;
    int err = vfs_walk_path(proc, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &at);
    if (err)
        return err;
    struct vfs_mount *m = at.mnt;
    bool is_root = at.vn == m->root;
    loc_put(at);
    if (!is_root)
        return E(EINVAL);
    if (!m->parent || m->refs || m->n_children)
        return E(EBUSY);
    for (struct vfs_mount **pp = &vfs->mounts; *pp; pp = &(*pp)->next) {
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    }
    m->mountpoint->n_mounts--;
    m->parent->n_children--;
    vfs_vnode_put(m->mountpoint);
    vfs_vnode_put(m->root);
    m->fs->ops->destroy(m->fs);
    vfs_free(vfs, m, sizeof(*m));
    return 0;
}
