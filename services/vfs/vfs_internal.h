/* SPDX-License-Identifier: BSD-2-Clause */
/* The VFS core's private model, shared by its files (vfs.c, path.c, perm.c,
 * mount.c, proc.c, open.c, io.c, attr.c, dir.c, names.c); nothing outside
 * services/vfs/ includes it.
 *
 * A location (loc_t) is a (mount, vnode) pair: the same directory vnode can
 * be reached in two mounts only through a mount point, so ".." and crossing
 * into mounts need the pair. Every loc_t held anywhere (an open file, a cwd,
 * a walk in progress) carries one vnode reference and one count in
 * mount->refs; umount refuses while mount->refs or n_children is non-zero.
 * File systems own vnodes; the VFS only takes references.
 *
 * Errors are negative Linux errno values. Not thread-safe: one server
 * thread owns a vfs_t. */
#pragma once

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

static inline void loc_get(loc_t l)
{
    vfs_vnode_get(l.vn);
    l.mnt->refs++;
}

static inline void loc_put(loc_t l)
{
    l.mnt->refs--;
    vfs_vnode_put(l.vn);
}

static inline loc_t root_loc(vfs_t *vfs)
{
    return (loc_t){vfs->root_mount, vfs->root_mount->root};
}

static inline bool is_dead_dir(const vfs_vnode_t *vn)
{
    return VFS_S_ISDIR(vn->mode) && vn->nlink == 0;
}

static inline vfs_file_t *fd_file(vfs_proc_t *p, int fd)
{
    if (fd < 0 || fd >= p->max_fds)
        return NULL;
    return p->fds[fd].file;
}

enum { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };

/* What vfs_walk_path does with the last component of a path (every component
 * before it is always followed and must be a directory). */
enum {
    WALK_FOLLOW = 1 << 0,      /* a symlink there is followed */
    WALK_DIRECTORY = 1 << 1,   /* it must be a directory; with WALK_CREATE: it will be one,
                                  so a trailing slash is allowed */
    WALK_PARENT = 1 << 2,      /* not looked up: the walk stops at its directory */
    WALK_CREATE = 1 << 3,      /* it must not exist yet and the directory must accept it
                                  (filename_create); implies WALK_PARENT */
    WALK_OPEN_CREATE = 1 << 4, /* open with O_CREAT: a trailing slash is EISDIR and a
                                  missing name ends the walk with WALK_MISSING */
};
/* vfs_walk_path's answer for WALK_OPEN_CREATE when the last component does not
 * exist: the walk (parent and name) is left held for the caller. */
#define WALK_MISSING 1

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

/* WALK_FOLLOW unless the *at flags carry AT_SYMLINK_NOFOLLOW. */
static inline unsigned at_follow(int at_flags)
{
    return (at_flags & VFS_AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW;
}

/* The one path walk of every call (path.c): checks path, resolves every
 * component but the last from dirfd (or the root), then treats the last
 * one as flags say. With WALK_PARENT or WALK_CREATE, *w holds the directory
 * and the name (vfs_walk_done releases them); otherwise *out is the
 * referenced object and w may be NULL. With WALK_OPEN_CREATE the answer is
 * 0 (*out) or WALK_MISSING (*w held). On error nothing is held. */
int vfs_walk_path(vfs_proc_t *p, int dirfd, const char *path, unsigned flags, walk_t *w,
                  loc_t *out);
void vfs_walk_done(walk_t *w);
/* A path's own errors: EFAULT (NULL), ENAMETOOLONG (VFS_PATH_MAX or
 * more), ENOENT (empty). */
int vfs_check_path(const char *path);
/* The parent of `from` ("..": across mount roots, never above "/"). */
int vfs_go_up(vfs_t *vfs, loc_t from, loc_t *out);
/* A name in dir without crossing into mounts (what unlink, rmdir, rename
 * and the create calls see); a referenced vnode. */
int vfs_lookup_raw(vfs_vnode_t *dir, const char *name, size_t len, vfs_vnode_t **out);

/* perm.c */
bool vfs_in_group(const vfs_proc_t *p, vfs_gid_t gid);
bool vfs_owner_or_root(const vfs_proc_t *p, const vfs_vnode_t *vn);
int vfs_permission(const vfs_proc_t *p, const vfs_vnode_t *vn, int mask);
int vfs_may_create(const vfs_proc_t *p, const vfs_vnode_t *dir);
int vfs_may_delete(const vfs_proc_t *p, const vfs_vnode_t *dir, const vfs_vnode_t *victim,
                   bool isdir);

/* proc.c */
void vfs_file_put(vfs_t *vfs, vfs_file_t *f);
/* The lowest free descriptor >= min, or EMFILE. */
int vfs_fd_alloc(vfs_proc_t *p, int min);

/* io.c: the file system's truncate, EINVAL if it has none. */
int vfs_truncate_vnode(vfs_vnode_t *vn, int64_t length);
