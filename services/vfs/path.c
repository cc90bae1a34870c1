// SPDX-License-Identifier: BSD-2-Clause
/* Path resolution: vfs_walk_path(), the one walk every call uses.
 *
 * It follows Linux's link_path_walk: every component but the last is
 * resolved (following symlinks, at most VFS_MAXSYMLINKS per lookup, each
 * symlink text walked recursively) and must be a directory; search
 * permission is checked on each directory before a component is looked
 * up, the last one included; ".." at a mount root continues in the parent
 * mount, a component that is a mount point continues in the mounted root,
 * ".." at "/" stays at "/". The flags say what to do with the last
 * component (vfs_internal.h): follow a symlink (WALK_FOLLOW), insist on a
 * directory (WALK_DIRECTORY), stop at its parent (WALK_PARENT), require a
 * new name (WALK_CREATE, filename_create) or open with O_CREAT
 * (WALK_OPEN_CREATE). A trailing slash forces "follow and must be a
 * directory". */
#include "vfs_internal.h"

static struct vfs_mount *mount_on(vfs_t *vfs, struct vfs_mount *parent, vfs_vnode_t *vn)
{
    for (struct vfs_mount *m = vfs->mounts; m; m = m->next)
        if (m->parent == parent && m->mountpoint == vn)
            return m;
    return NULL;
}

/* Steps from a mount point into what is mounted on it (repeatedly). */
static void cross_down(vfs_t *vfs, loc_t *l)
{
    while (l->vn->n_mounts) {
        struct vfs_mount *m = mount_on(vfs, l->mnt, l->vn);
        if (!m)
            return;
        loc_t inner = {m, m->root};
        loc_get(inner);
        loc_put(*l);
        *l = inner;
    }
}

typedef struct {
    vfs_proc_t *p;
    int n_links; /* symlinks followed in this lookup */
} nd_t;

/* Releases what a walk holds: its directory and the symlink its name lies in. */
void vfs_walk_done(walk_t *w)
{
    loc_put(w->parent);
    if (w->text_owner)
        vfs_vnode_put(w->text_owner);
}

static int classify(const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return LAST_DOT;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return LAST_DOTDOT;
    return LAST_NORM;
}

int vfs_check_path(const char *path)
{
    if (!path)
        return E(EFAULT);
    size_t n = strnlen(path, VFS_PATH_MAX);
    if (n == VFS_PATH_MAX)
        return E(ENAMETOOLONG);
    if (n == 0)
        return E(ENOENT);
    return 0;
}

/* The directory a relative path starts from (borrowed, not referenced). */
static int start_loc(vfs_proc_t *p, int dirfd, const char *path, loc_t *out)
{
    if (path[0] == '/') {
        *out = root_loc(p->vfs);
        return 0;
    }
    if (dirfd == VFS_AT_FDCWD) {
        *out = p->cwd;
        return 0;
    }
    if (dirfd < 0 || dirfd >= p->max_fds || !p->fds[dirfd].file)
        return E(EBADF);
    *out = p->fds[dirfd].file->loc;
    if (!VFS_S_ISDIR(out->vn->mode))
        return E(ENOTDIR);
    return 0;
}

int vfs_go_up(vfs_t *vfs, loc_t from, loc_t *out)
{
    loc_t cur = from;
    loc_get(cur);
    loc_t root = root_loc(vfs);
    for (;;) {
        if (cur.mnt == root.mnt && cur.vn == root.vn)
            break;
        if (cur.vn == cur.mnt->root) {
            if (!cur.mnt->parent)
                break;
            loc_t below = {cur.mnt->parent, cur.mnt->mountpoint};
            loc_get(below);
            loc_put(cur);
            cur = below;
            continue;
        }
        loc_t up = {cur.mnt, cur.vn->ops->parent(cur.vn)};
        cur.mnt->refs++;
        loc_put(cur);
        cur = up;
        break;
    }
    cross_down(vfs, &cur);
    *out = cur;
    return 0;
}

/* Looks a name up in dir without crossing into mounts (what unlink, rmdir,
 * rename and the create calls see). Returns a referenced vnode. */
int vfs_lookup_raw(vfs_vnode_t *dir, const char *name, size_t len, vfs_vnode_t **out)
{
    if (is_dead_dir(dir))
        return E(ENOENT);
    if (len > VFS_NAME_MAX)
        return E(ENAMETOOLONG);
    return dir->ops->lookup(dir, name, len, out);
}

/* One component in dir, crossing mount points, not following symlinks. */
static int step(vfs_t *vfs, loc_t dir, const char *name, size_t len, int type, loc_t *out)
{
    switch (type) {
    case LAST_ROOT:
    case LAST_DOT:
        loc_get(dir);
        *out = dir;
        return 0;
    case LAST_DOTDOT: return vfs_go_up(vfs, dir, out);
    default: break;
    }
    vfs_vnode_t *vn;
    int err = vfs_lookup_raw(dir.vn, name, len, &vn);
    if (err)
        return err;
    *out = (loc_t){dir.mnt, vn};
    dir.mnt->refs++;
    cross_down(vfs, out);
    return 0;
}

static int walk_parent(nd_t *nd, loc_t start, const char *path, walk_t *w);

/* w's last component is the symlink `link`: replaces w with the walk of the
 * link's text, relative to w's parent (consuming w and link). On error both
 * are released and the error returned (ELOOP past VFS_MAXSYMLINKS). */
static int follow_link(nd_t *nd, walk_t *w, loc_t link)
{
    if (++nd->n_links > VFS_MAXSYMLINKS) {
        loc_put(link);
        vfs_walk_done(w);
        return E(ELOOP);
    }
    size_t n;
    const char *text = link.vn->ops->readlink(link.vn, &n);
    walk_t next;
    int err = walk_parent(nd, w->parent, text, &next);
    if (err) {
        loc_put(link);
        vfs_walk_done(w);
        return err;
    }
    link.mnt->refs--; /* keep only the vnode: it owns the text */
    next.text_owner = link.vn;
    vfs_walk_done(w);
    *w = next;
    return 0;
}

/* Resolves the last component of w (consuming w) as flags say: see
 * vfs_walk_path. With WALK_OPEN_CREATE a missing name answers WALK_MISSING and
 * leaves w held (its parent is where the caller creates the file). */
static int resolve_last(nd_t *nd, walk_t *w, unsigned flags, loc_t *out)
{
    for (;;) {
        if (w->trailing && w->type == LAST_NORM) {
            if (flags & WALK_OPEN_CREATE) {
                vfs_walk_done(w);
                return E(EISDIR);
            }
            flags |= WALK_FOLLOW | WALK_DIRECTORY;
        }
        loc_t child;
        int err = step(nd->p->vfs, w->parent, w->name, w->len, w->type, &child);
        if (err == E(ENOENT) && (flags & WALK_OPEN_CREATE) && w->type == LAST_NORM)
            return WALK_MISSING;
        if (err) {
            vfs_walk_done(w);
            return err;
        }
        if ((flags & WALK_FOLLOW) && VFS_S_ISLNK(child.vn->mode)) {
            err = follow_link(nd, w, child);
            if (err)
                return err;
            continue;
        }
        vfs_walk_done(w);
        if ((flags & WALK_DIRECTORY) && !VFS_S_ISDIR(child.vn->mode)) {
            loc_put(child);
            return E(ENOTDIR);
        }
        *out = child;
        return 0;
    }
}

/* Resolves every component of path except the last (link_path_walk). */
static int walk_parent(nd_t *nd, loc_t start, const char *path, walk_t *w)
{
    loc_t cur = start;
    if (*path == '/') {
        cur = root_loc(nd->p->vfs);
        while (*path == '/')
            path++;
    }
    loc_get(cur);
    w->text_owner = NULL;
    if (!*path) {
        *w = (walk_t){cur, path, 0, LAST_ROOT, false, NULL};
        return 0;
    }
    for (;;) {
        int err = vfs_permission(nd->p, cur.vn, MAY_EXEC);
        if (err) {
            loc_put(cur);
            return err;
        }
        size_t len = 0;
        while (path[len] && path[len] != '/')
            len++;
        const char *next = path + len;
        bool slashes = *next == '/';
        while (*next == '/')
            next++;
        if (!*next) {
            *w = (walk_t){cur, path, len, classify(path, len), slashes, NULL};
            return 0;
        }
        walk_t sub = {cur, path, len, classify(path, len), false, NULL};
        loc_t child;
        err = resolve_last(nd, &sub, WALK_FOLLOW | WALK_DIRECTORY, &child); /* consumes cur */
        if (err)
            return err;
        cur = child;
        path = next;
    }
}

/* Resolves all but the last component of path, starting at dirfd or the
 * root (path_parentat). */
static int walk_from(nd_t *nd, int dirfd, const char *path, walk_t *w)
{
    loc_t start;
    int err = start_loc(nd->p, dirfd, path, &start);
    if (err)
        return err;
    return walk_parent(nd, start, path, w);
}

/* filename_create(): the last component of w must be a new name in a
 * directory that accepts it. Consumes w on error. */
static int create_last(vfs_proc_t *p, walk_t *w, unsigned flags)
{
    int err = 0;
    if (w->type != LAST_NORM) {
        err = E(EEXIST);
    } else {
        vfs_vnode_t *vn;
        err = vfs_lookup_raw(w->parent.vn, w->name, w->len, &vn);
        if (!err) {
            vfs_vnode_put(vn);
            err = E(EEXIST);
        } else if (err == E(ENOENT)) {
            err = (w->trailing && !(flags & WALK_DIRECTORY)) ? E(ENOENT) : 0;
        }
        if (!err)
            err = vfs_may_create(p, w->parent.vn);
    }
    if (err)
        vfs_walk_done(w);
    return err;
}

/* The one path walk (its contract is in vfs_internal.h). */
int vfs_walk_path(vfs_proc_t *p, int dirfd, const char *path, unsigned flags, walk_t *w, loc_t *out)
{
    int err = vfs_check_path(path);
    if (err)
        return err;
    walk_t own;
    if (!w)
        w = &own;
    nd_t nd = {p, 0};
    err = walk_from(&nd, dirfd, path, w);
    if (err)
        return err;
    if (flags & WALK_CREATE)
        return create_last(p, w, flags);
    if (flags & WALK_PARENT)
        return 0;
    return resolve_last(&nd, w, flags, out);
}
