// SPDX-License-Identifier: BSD-2-Clause
/* VFS core: mount table, path resolution, permission checks, open-file
 * descriptions and per-process fd tables, with Linux's rules and errno
 * precedence (fs/namei.c, fs/open.c, fs/read_write.c, fs/fcntl.c are the
 * model; the differential test in tests/unit/test_vfs_diff.c checks it).
 *
 * Model. A location (loc_t) is a (mount, vnode) pair: the same directory
 * vnode can be reached in two mounts only through a mount point, so ".."
 * and crossing into mounts need the pair. Every loc_t held anywhere (an
 * open file, a cwd, a walk in progress) carries one vnode reference and one
 * count in mount->refs; umount refuses while mount->refs or n_children is
 * non-zero. File systems own vnodes; the VFS only takes references.
 *
 * Resolution follows Linux's link_path_walk: every component but the last
 * is resolved (following symlinks, at most VFS_MAXSYMLINKS per lookup, each
 * symlink text walked recursively); the caller then treats the last
 * component as its operation needs (follow or not, create, delete). Search
 * permission is checked on each directory before a component is looked up,
 * the last one included.
 *
 * Not thread-safe: one server thread owns a vfs_t. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/string.h>
#include <kaal/vfs.h>
#include <kaal/vfs_fs.h>

#define E(name) (-LINUX_##name)

#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

#define FMODE_READ 1
#define FMODE_WRITE 2

#define MAX_RW_COUNT 0x7ffff000
#define SETFL_MASK (VFS_O_APPEND | VFS_O_NONBLOCK | VFS_O_DIRECT | VFS_O_NOATIME | VFS_O_ASYNC)
#define MAX_GROUPS 16

struct vfs_mount {
    struct vfs_mount *next;
    struct vfs_mount *parent; /* NULL for the root mount */
    vfs_vnode_t *mountpoint;  /* directory in parent, referenced */
    vfs_fs_t *fs;
    vfs_vnode_t *root;   /* referenced */
    uint32_t refs;       /* loc_t's held inside this mount */
    uint32_t n_children; /* mounts whose mountpoint is in here */
};

struct vfs {
    vfs_config_t config;
    struct vfs_mount *mounts;
    struct vfs_mount *root_mount;
    uint32_t n_procs;
    uint64_t next_dev;
};

typedef struct {
    struct vfs_mount *mnt;
    vfs_vnode_t *vn;
} loc_t;

/* An open-file description: shared by dup'ed fds and forked processes. */
typedef struct vfs_file {
    uint32_t refs;
    loc_t loc;
    uint32_t flags; /* what F_GETFL shows */
    uint8_t fmode;  /* FMODE_READ | FMODE_WRITE */
    int64_t pos;    /* byte offset; a directory cookie for directories */
} vfs_file_t;

typedef struct {
    vfs_file_t *file;
    bool cloexec;
} fd_slot_t;

struct vfs_proc {
    vfs_t *vfs;
    loc_t cwd;
    vfs_uid_t uid;
    vfs_gid_t gid;
    int n_groups;
    vfs_gid_t groups[MAX_GROUPS];
    vfs_mode_t umask;
    int max_fds;
    fd_slot_t *fds;
};

/* ---- services for file systems ----------------------------------------- */

void *vfs_alloc(vfs_t *vfs, size_t size_bytes)
{
    return vfs->config.allocator.alloc(vfs->config.allocator.ctx, size_bytes);
}

void vfs_free(vfs_t *vfs, void *ptr, size_t size_bytes)
{
    if (ptr)
        vfs->config.allocator.free(vfs->config.allocator.ctx, ptr, size_bytes);
}

vfs_timespec_t vfs_now(vfs_t *vfs)
{
    if (!vfs->config.clock)
        return (vfs_timespec_t){0, 0};
    return vfs->config.clock(vfs->config.clock_ctx);
}

uint64_t vfs_new_dev(vfs_t *vfs)
{
    return ++vfs->next_dev;
}

void vfs_fs_destroy(vfs_fs_t *fs)
{
    if (fs)
        fs->ops->destroy(fs);
}

/* ---- locations ---------------------------------------------------------- */

static void loc_get(loc_t l)
{
    vfs_vnode_get(l.vn);
    l.mnt->refs++;
}

static void loc_put(loc_t l)
{
    l.mnt->refs--;
    vfs_vnode_put(l.vn);
}

static loc_t root_loc(vfs_t *vfs)
{
    return (loc_t){vfs->root_mount, vfs->root_mount->root};
}

static bool is_dead_dir(const vfs_vnode_t *vn)
{
    return VFS_S_ISDIR(vn->mode) && vn->nlink == 0;
}

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

/* ---- credentials ---------------------------------------------------------- */

static bool in_group(const vfs_proc_t *p, vfs_gid_t gid)
{
    if (p->gid == gid)
        return true;
    for (int i = 0; i < p->n_groups; i++)
        if (p->groups[i] == gid)
            return true;
    return false;
}

static bool owner_or_root(const vfs_proc_t *p, const vfs_vnode_t *vn)
{
    return p->uid == 0 || p->uid == vn->uid;
}

/* generic_permission(): owner bits, else group bits, else other bits; root
 * passes everything except executing a file nobody may execute. */
static int permission(const vfs_proc_t *p, const vfs_vnode_t *vn, int mask)
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
    else if (in_group(p, vn->gid))
        bits = vn->mode >> 3;
    else
        bits = vn->mode;
    return ((bits & (unsigned)mask) == (unsigned)mask) ? 0 : E(EACCES);
}

static int may_create(const vfs_proc_t *p, const vfs_vnode_t *dir)
{
    if (is_dead_dir(dir))
        return E(ENOENT);
    return permission(p, dir, MAY_WRITE | MAY_EXEC);
}

/* may_delete(): write+search on the directory, the sticky-bit rule, and the
 * victim's type against what the caller wants to remove. */
static int may_delete(const vfs_proc_t *p, const vfs_vnode_t *dir, const vfs_vnode_t *victim,
                      bool isdir)
{
    int err = permission(p, dir, MAY_WRITE | MAY_EXEC);
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

/* ---- path resolution ---------------------------------------------------- */

enum { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };

/* What walk_path does with the last component of a path (every component
 * before it is always followed and must be a directory). */
enum {
    WALK_FOLLOW = 1 << 0,    /* a symlink there is followed */
    WALK_DIRECTORY = 1 << 1, /* it must be a directory; with WALK_CREATE: it will be one,
                                so a trailing slash is allowed */
    WALK_PARENT = 1 << 2,    /* not looked up: the walk stops at its directory */
    WALK_CREATE = 1 << 3,    /* it must not exist yet and the directory must accept it
                                (filename_create); implies WALK_PARENT */
    WALK_OPEN_CREATE = 1 << 4, /* open with O_CREAT: a trailing slash is EISDIR and a
                                  missing name ends the walk with WALK_MISSING */
};
/* walk_path's answer for WALK_OPEN_CREATE when the last component does not
 * exist: the walk (parent and name) is left held for the caller. */
#define WALK_MISSING 1

typedef struct {
    vfs_proc_t *p;
    int n_links; /* symlinks followed in this lookup */
} nd_t;

/* Where a walk stopped: the parent directory (referenced) and the last
 * component, which may point into a symlink's text (text_owner keeps that
 * symlink referenced). */
typedef struct {
    loc_t parent;
    const char *name;
    size_t len;
    int type;
    bool trailing; /* the component was followed by slashes */
    vfs_vnode_t *text_owner;
} walk_t;

static void walk_done(walk_t *w)
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

static int check_path(const char *path)
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

static int go_up(vfs_t *vfs, loc_t from, loc_t *out)
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
static int lookup_raw(vfs_vnode_t *dir, const char *name, size_t len, vfs_vnode_t **out)
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
    case LAST_DOTDOT: return go_up(vfs, dir, out);
    default: break;
    }
    vfs_vnode_t *vn;
    int err = lookup_raw(dir.vn, name, len, &vn);
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
        walk_done(w);
        return E(ELOOP);
    }
    size_t n;
    const char *text = link.vn->ops->readlink(link.vn, &n);
    walk_t next;
    int err = walk_parent(nd, w->parent, text, &next);
    if (err) {
        loc_put(link);
        walk_done(w);
        return err;
    }
    link.mnt->refs--; /* keep only the vnode: it owns the text */
    next.text_owner = link.vn;
    walk_done(w);
    *w = next;
    return 0;
}

/* Resolves the last component of w (consuming w) as flags say: see
 * walk_path. With WALK_OPEN_CREATE a missing name answers WALK_MISSING and
 * leaves w held (its parent is where the caller creates the file). */
static int resolve_last(nd_t *nd, walk_t *w, unsigned flags, loc_t *out)
{
    for (;;) {
        if (w->trailing && w->type == LAST_NORM) {
            if (flags & WALK_OPEN_CREATE) {
                walk_done(w);
                return E(EISDIR);
            }
            flags |= WALK_FOLLOW | WALK_DIRECTORY;
        }
        loc_t child;
        int err = step(nd->p->vfs, w->parent, w->name, w->len, w->type, &child);
        if (err == E(ENOENT) && (flags & WALK_OPEN_CREATE) && w->type == LAST_NORM)
            return WALK_MISSING;
        if (err) {
            walk_done(w);
            return err;
        }
        if ((flags & WALK_FOLLOW) && VFS_S_ISLNK(child.vn->mode)) {
            err = follow_link(nd, w, child);
            if (err)
                return err;
            continue;
        }
        walk_done(w);
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
        int err = permission(nd->p, cur.vn, MAY_EXEC);
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
        err = lookup_raw(w->parent.vn, w->name, w->len, &vn);
        if (!err) {
            vfs_vnode_put(vn);
            err = E(EEXIST);
        } else if (err == E(ENOENT)) {
            err = (w->trailing && !(flags & WALK_DIRECTORY)) ? E(ENOENT) : 0;
        }
        if (!err)
            err = may_create(p, w->parent.vn);
    }
    if (err)
        walk_done(w);
    return err;
}

/* The one path walk of every call: checks path (EFAULT, ENAMETOOLONG,
 * ENOENT for ""), resolves every component but the last from dirfd (or the
 * root), then treats the last one as flags say. With WALK_PARENT or
 * WALK_CREATE, *w holds the directory and the name (walk_done releases
 * them); otherwise *out is the referenced object and w may be NULL. With
 * WALK_OPEN_CREATE the answer is 0 (*out) or WALK_MISSING (*w). On error
 * nothing is held. */
static int walk_path(vfs_proc_t *p, int dirfd, const char *path, unsigned flags, walk_t *w,
                     loc_t *out)
{
    int err = check_path(path);
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

/* WALK_FOLLOW unless the *at flags carry AT_SYMLINK_NOFOLLOW. */
static unsigned at_follow(int at_flags)
{
    return (at_flags & VFS_AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW;
}

/* ---- namespace and mounts ----------------------------------------------- */

vfs_t *vfs_create(const vfs_config_t *config)
{
    vfs_t *vfs = config->allocator.alloc(config->allocator.ctx, sizeof(*vfs));
    if (!vfs)
        return NULL;
    memset(vfs, 0, sizeof(*vfs));
    vfs->config = *config;
    return vfs;
}

int vfs_destroy(vfs_t *vfs)
{
    if (vfs->n_procs)
        return E(EBUSY);
    if (vfs->root_mount) {
        struct vfs_mount *m = vfs->root_mount;
        if (m->refs || m->n_children)
            return E(EBUSY);
        vfs_vnode_put(m->root);
        m->fs->ops->destroy(m->fs);
        vfs_free(vfs, m, sizeof(*m));
    }
    vfs_free(vfs, vfs, sizeof(*vfs));
    return 0;
}

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
    int err = proc ? walk_path(proc, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &at) : E(EINVAL);
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
    int err = walk_path(proc, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &at);
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

/* ---- processes and fd tables --------------------------------------------- */

vfs_proc_t *vfs_proc_create(vfs_t *vfs, vfs_uid_t uid, vfs_gid_t gid, vfs_mode_t umask, int max_fds)
{
    if (!vfs->root_mount || max_fds <= 0)
        return NULL;
    vfs_proc_t *p = vfs_alloc(vfs, sizeof(*p));
    if (!p)
        return NULL;
    memset(p, 0, sizeof(*p));
    p->fds = vfs_alloc(vfs, sizeof(fd_slot_t) * (size_t)max_fds);
    if (!p->fds) {
        vfs_free(vfs, p, sizeof(*p));
        return NULL;
    }
    memset(p->fds, 0, sizeof(fd_slot_t) * (size_t)max_fds);
    p->vfs = vfs;
    p->uid = uid;
    p->gid = gid;
    p->umask = umask & 0777;
    p->max_fds = max_fds;
    p->cwd = root_loc(vfs);
    loc_get(p->cwd);
    vfs->n_procs++;
    return p;
}

void vfs_proc_set_creds(vfs_proc_t *p, vfs_uid_t uid, vfs_gid_t gid, int n_groups,
                        const vfs_gid_t *groups)
{
    p->uid = uid;
    p->gid = gid;
    p->n_groups = n_groups < 0 ? 0 : (n_groups > MAX_GROUPS ? MAX_GROUPS : n_groups);
    for (int i = 0; i < p->n_groups; i++)
        p->groups[i] = groups[i];
}

vfs_mode_t vfs_umask(vfs_proc_t *p, vfs_mode_t mask)
{
    vfs_mode_t old = p->umask;
    p->umask = mask & 0777;
    return old;
}

static void file_put(vfs_t *vfs, vfs_file_t *f)
{
    if (--f->refs)
        return;
    loc_put(f->loc);
    vfs_free(vfs, f, sizeof(*f));
}

static vfs_file_t *fd_file(vfs_proc_t *p, int fd)
{
    if (fd < 0 || fd >= p->max_fds)
        return NULL;
    return p->fds[fd].file;
}

static int fd_alloc(vfs_proc_t *p, int min)
{
    for (int fd = min; fd < p->max_fds; fd++)
        if (!p->fds[fd].file)
            return fd;
    return E(EMFILE);
}

vfs_proc_t *vfs_proc_fork(vfs_proc_t *parent)
{
    vfs_proc_t *c =
        vfs_proc_create(parent->vfs, parent->uid, parent->gid, parent->umask, parent->max_fds);
    if (!c)
        return NULL;
    vfs_proc_set_creds(c, parent->uid, parent->gid, parent->n_groups, parent->groups);
    loc_put(c->cwd);
    c->cwd = parent->cwd;
    loc_get(c->cwd);
    for (int fd = 0; fd < parent->max_fds; fd++) {
        c->fds[fd] = parent->fds[fd];
        if (c->fds[fd].file)
            c->fds[fd].file->refs++;
    }
    return c;
}

void vfs_proc_exec(vfs_proc_t *p)
{
    for (int fd = 0; fd < p->max_fds; fd++) {
        if (p->fds[fd].file && p->fds[fd].cloexec) {
            file_put(p->vfs, p->fds[fd].file);
            p->fds[fd].file = NULL;
            p->fds[fd].cloexec = false;
        }
    }
}

void vfs_proc_destroy(vfs_proc_t *p)
{
    vfs_t *vfs = p->vfs;
    for (int fd = 0; fd < p->max_fds; fd++)
        if (p->fds[fd].file)
            file_put(vfs, p->fds[fd].file);
    loc_put(p->cwd);
    vfs_free(vfs, p->fds, sizeof(fd_slot_t) * (size_t)p->max_fds);
    vfs_free(vfs, p, sizeof(*p));
    vfs->n_procs--;
}

static void touch_ctime(vfs_t *vfs, vfs_vnode_t *vn)
{
    vn->ctime = vfs_now(vfs);
}

/* ---- open ----------------------------------------------------------------- */

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
    int err = permission(p, vn, acc_mode);
    if (err)
        return err;
    if ((flags & VFS_O_NOATIME) && !owner_or_root(p, vn))
        return E(EPERM);
    return 0;
}

/* The O_CREAT side of open (lookup_open) once the walk found no file:
 * creates a regular file in w's directory (consuming w). */
static int open_create_file(vfs_proc_t *p, walk_t *w, vfs_mode_t mode, loc_t *out)
{
    vfs_vnode_t *dir = w->parent.vn;
    int err = may_create(p, dir);
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
    walk_done(w);
    return err;
}

static int do_truncate(vfs_vnode_t *vn, int64_t length)
{
    if (!vn->ops->truncate)
        return E(EINVAL);
    return vn->ops->truncate(vn, length);
}

int vfs_openat(vfs_proc_t *p, int dirfd, const char *path, int flags, vfs_mode_t mode)
{
    if ((flags & (VFS_O_DIRECTORY | VFS_O_CREAT)) == (VFS_O_DIRECTORY | VFS_O_CREAT))
        return E(EINVAL);
    if (flags & (VFS_O_PATH | (VFS_O_TMPFILE & ~VFS_O_DIRECTORY)))
        return E(EOPNOTSUPP);
    int err = check_path(path); /* a bad name is reported before EMFILE, as Linux does */
    if (err)
        return err;
    int fd = fd_alloc(p, 0);
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
    err = walk_path(p, dirfd, path, walk_flags, &w, &target);
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
        err = do_truncate(vn, 0);
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

int vfs_close(vfs_proc_t *p, int fd)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    p->fds[fd].file = NULL;
    p->fds[fd].cloexec = false;
    file_put(p->vfs, f);
    return 0;
}

/* ---- read and write ------------------------------------------------------- */

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

/* ---- descriptors ------------------------------------------------------------ */

int vfs_dup(vfs_proc_t *p, int fd)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    int nfd = fd_alloc(p, 0);
    if (nfd < 0)
        return nfd;
    f->refs++;
    p->fds[nfd] = (fd_slot_t){f, false};
    return nfd;
}

int vfs_dup3(vfs_proc_t *p, int oldfd, int newfd, int flags)
{
    if (flags & ~VFS_O_CLOEXEC)
        return E(EINVAL);
    if (oldfd == newfd)
        return E(EINVAL);
    if (newfd < 0 || newfd >= p->max_fds)
        return E(EBADF);
    vfs_file_t *f = fd_file(p, oldfd);
    if (!f)
        return E(EBADF);
    f->refs++;
    vfs_file_t *old = p->fds[newfd].file;
    p->fds[newfd] = (fd_slot_t){f, (flags & VFS_O_CLOEXEC) != 0};
    if (old)
        file_put(p->vfs, old);
    return newfd;
}

int vfs_dup2(vfs_proc_t *p, int oldfd, int newfd)
{
    if (oldfd == newfd)
        return fd_file(p, oldfd) ? oldfd : E(EBADF);
    return vfs_dup3(p, oldfd, newfd, 0);
}

int vfs_fcntl(vfs_proc_t *p, int fd, int cmd, long arg)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    switch (cmd) {
    case VFS_F_DUPFD:
    case VFS_F_DUPFD_CLOEXEC: {
        if ((unsigned long)arg >= (unsigned long)p->max_fds)
            return E(EINVAL);
        int nfd = fd_alloc(p, (int)arg);
        if (nfd < 0)
            return nfd;
        f->refs++;
        p->fds[nfd] = (fd_slot_t){f, cmd == VFS_F_DUPFD_CLOEXEC};
        return nfd;
    }
    case VFS_F_GETFD: return p->fds[fd].cloexec ? VFS_FD_CLOEXEC : 0;
    case VFS_F_SETFD: p->fds[fd].cloexec = (arg & VFS_FD_CLOEXEC) != 0; return 0;
    case VFS_F_GETFL: return (int)f->flags;
    case VFS_F_SETFL:
        if ((arg & VFS_O_NOATIME) && !(f->flags & VFS_O_NOATIME) && !owner_or_root(p, f->loc.vn))
            return E(EPERM);
        f->flags = ((uint32_t)arg & SETFL_MASK) | (f->flags & ~(uint32_t)SETFL_MASK);
        return 0;
    default: return E(EINVAL);
    }
}

/* ---- attributes -------------------------------------------------------------- */

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
    int err = walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
    if (err)
        return err;
    fill_stat(&l, st);
    loc_put(l);
    return 0;
}

static int do_chmod(vfs_proc_t *p, vfs_vnode_t *vn, vfs_mode_t mode)
{
    if (!owner_or_root(p, vn))
        return E(EPERM);
    mode &= 07777;
    if (p->uid != 0 && !in_group(p, vn->gid))
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
    int err = walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
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
        if (set_gid && !(p->uid == vn->uid && (in_group(p, gid) || gid == vn->gid)))
            return E(EPERM);
    }
    if (set_uid)
        vn->uid = uid;
    if (set_gid)
        vn->gid = gid;
    if (!VFS_S_ISDIR(vn->mode) && !VFS_S_ISLNK(vn->mode)) {
        vn->mode &= ~(vfs_mode_t)VFS_S_ISUID;
        if ((vn->mode & VFS_S_ISGID) &&
            ((vn->mode & 010) || (p->uid != 0 && !in_group(p, vn->gid))))
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
    int err = walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
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
        err = walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
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
        err = owner_or_root(p, vn) ? 0 : E(EPERM);
    else
        err = owner_or_root(p, vn) ? 0 : permission(p, vn, MAY_WRITE);
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
    int err = walk_path(p, dirfd, path, at_follow(flags), NULL, &l);
    if (err)
        return err;
    err = permission(p, l.vn, mode);
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
    int err = walk_path(p, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &l);
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

/* ---- truncate --------------------------------------------------------------- */

int vfs_truncate(vfs_proc_t *p, const char *path, int64_t length)
{
    if (length < 0)
        return E(EINVAL);
    loc_t l;
    int err = walk_path(p, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &l);
    if (err)
        return err;
    if (VFS_S_ISDIR(l.vn->mode))
        err = E(EISDIR);
    else if (!VFS_S_ISREG(l.vn->mode))
        err = E(EINVAL);
    else
        err = permission(p, l.vn, MAY_WRITE);
    if (!err)
        err = do_truncate(l.vn, length);
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
    return do_truncate(f->loc.vn, length);
}

/* ---- directories ---------------------------------------------------------------- */

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

int vfs_mkdirat(vfs_proc_t *p, int dirfd, const char *path, vfs_mode_t mode)
{
    walk_t w;
    int err = walk_path(p, dirfd, path, WALK_CREATE | WALK_DIRECTORY, &w, NULL);
    if (err)
        return err;
    vfs_vnode_t *dir = w.parent.vn, *vn;
    if (!dir->ops->create) {
        walk_done(&w);
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
    walk_done(&w);
    return err;
}

int vfs_symlinkat(vfs_proc_t *p, const char *target, int newdirfd, const char *linkpath)
{
    int err = check_path(target);
    if (err)
        return err;
    walk_t w;
    err = walk_path(p, newdirfd, linkpath, WALK_CREATE, &w, NULL);
    if (err)
        return err;
    vfs_vnode_t *dir = w.parent.vn, *vn;
    if (!dir->ops->create) {
        walk_done(&w);
        return E(EPERM);
    }
    vfs_gid_t gid = (dir->mode & VFS_S_ISGID) ? dir->gid : p->gid;
    err = dir->ops->create(dir, w.name, w.len, VFS_S_IFLNK | 0777, p->uid, gid, target, &vn);
    if (!err)
        vfs_vnode_put(vn);
    walk_done(&w);
    return err;
}

int vfs_linkat(vfs_proc_t *p, int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
               int flags)
{
    if (flags & ~VFS_AT_SYMLINK_FOLLOW)
        return E(EINVAL);
    loc_t src;
    int err = walk_path(p, olddirfd, oldpath, (flags & VFS_AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0, NULL,
                        &src);
    if (err)
        return err;
    walk_t w;
    err = walk_path(p, newdirfd, newpath, WALK_CREATE, &w, NULL);
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
    walk_done(&w);
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
    int err = walk_path(p, dirfd, path, WALK_PARENT, &w, NULL);
    if (err)
        return err;
    if (w.type != LAST_NORM) {
        walk_done(&w);
        if (!rmdir)
            return E(EISDIR);
        return w.type == LAST_DOT ? E(EINVAL) : w.type == LAST_DOTDOT ? E(ENOTEMPTY) : E(EBUSY);
    }
    vfs_vnode_t *dir = w.parent.vn, *victim;
    err = lookup_raw(dir, w.name, w.len, &victim);
    if (err) {
        walk_done(&w);
        return err;
    }
    if (!rmdir && w.trailing)
        err = VFS_S_ISDIR(victim->mode) ? E(EISDIR) : E(ENOTDIR);
    if (!err)
        err = may_delete(p, dir, victim, rmdir);
    if (!err && is_mountpoint(victim))
        err = E(EBUSY);
    if (!err && !dir->ops->remove)
        err = E(EPERM);
    if (!err)
        err = dir->ops->remove(dir, w.name, w.len, victim);
    vfs_vnode_put(victim);
    walk_done(&w);
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
    int err = walk_path(p, olddirfd, oldpath, WALK_PARENT, &ow, NULL);
    if (err)
        return err;
    err = walk_path(p, newdirfd, newpath, WALK_PARENT, &nw, NULL);
    if (err) {
        walk_done(&ow);
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
        err = lookup_raw(odir, ow.name, ow.len, &ovn);
    if (!err) {
        err = lookup_raw(ndir, nw.name, nw.len, &nvn);
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
        err = may_delete(p, odir, ovn, is_dir);
    if (!err)
        err = nvn ? may_delete(p, ndir, nvn, is_dir) : may_create(p, ndir);
    if (!err && is_dir && odir != ndir)
        err = permission(p, ovn, MAY_WRITE);
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
    walk_done(&nw);
    walk_done(&ow);
    return err;
}

int64_t vfs_readlinkat(vfs_proc_t *p, int dirfd, const char *path, char *buf, size_t n_bytes)
{
    if (n_bytes == 0 || n_bytes > INT32_MAX)
        return E(EINVAL);
    loc_t l;
    int err = walk_path(p, dirfd, path, 0, NULL, &l);
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

int vfs_chdir(vfs_proc_t *p, const char *path)
{
    loc_t l;
    int err = walk_path(p, VFS_AT_FDCWD, path, WALK_FOLLOW, NULL, &l);
    if (err)
        return err;
    if (!VFS_S_ISDIR(l.vn->mode))
        err = E(ENOTDIR);
    else
        err = permission(p, l.vn, MAY_EXEC);
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
    int err = permission(p, f->loc.vn, MAY_EXEC);
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
        go_up(p->vfs, cur, &up);
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
