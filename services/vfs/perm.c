// SPDX-License-Identifier: BSD-2-Clause
/* Permission checks, Linux's generic_permission(), may_create() and
 * may_delete(): one uid, one gid and up to MAX_GROUPS supplementary groups;
 * uid 0 passes every check but executing a file nobody may execute. */
#include "vfs_internal.h"

bool vfs_in_group(const vfs_proc_t *p, vfs_gid_t gid)
{
    if (p->gid == gid)
        return true;
    for (int i = 0; i < p->n_groups; i++)
        if (p->groups[i] == gid)
            return true;
    return false;
}

bool vfs_owner_or_root(const vfs_proc_t *p, const vfs_vnode_t *vn)
{
    return p->uid == 0 || p->uid == vn->uid;
}

/* generic_permission(): owner bits, else group bits, else other bits; root
 * passes everything except executing a file nobody may execute. */
int vfs_permission(const vfs_proc_t *p, const vfs_vnode_t *vn, int mask)
{
    if (!mask)
        return 0;
    if (p->uid == 0) {
        if ((mask & MAY_EXEC) && !VFS_S_ISDIR(vn->mode) && !(vn->mode & 0111))
            return E(EACCES);
        return 0;
    }
    unsigned bits;
    if (p->uid == vn->uid)
        bits = vn->mode >> 6;
    else if (vfs_in_group(p, vn->gid))
        bits = vn->mode >> 3;
    else
        bits = vn->mode;
    return ((bits & (unsigned)mask) == (unsigned)mask) ? 0 : E(EACCES);
}

int vfs_may_create(const vfs_proc_t *p, const vfs_vnode_t *dir)
{
    if (is_dead_dir(dir))
        return E(ENOENT);
    return vfs_permission(p, dir, MAY_WRITE | MAY_EXEC);
}

/* vfs_may_delete(): write+search on the directory, the sticky-bit rule, and the
 * victim's type against what the caller wants to remove. */
int vfs_may_delete(const vfs_proc_t *p, const vfs_vnode_t *dir, const vfs_vnode_t *victim,
                   bool isdir)
{
    int err = vfs_permission(p, dir, MAY_WRITE | MAY_EXEC);
    if (err)
        return err;
    if ((dir->mode & VFS_S_ISVTX) && p->uid != 0 && p->uid != victim->uid && p->uid != dir->uid)
        return E(EPERM);
    if (isdir) {
        if (!VFS_S_ISDIR(victim->mode))
            return E(ENOTDIR);
    } else if (VFS_S_ISDIR(victim->mode)) {
        return E(EISDIR);
    }
    return 0;
}
