// SPDX-License-Identifier: BSD-2-Clause
/* Processes (vfs_proc_t: ids, umask, cwd, fd table) and their
 * descriptors. An open-file description (vfs_file_t: offset, status flags,
 * access mode) is shared by dup, dup2, dup3, F_DUPFD and vfs_proc_fork and
 * freed with its last descriptor; the close-on-exec bit is per descriptor
 * and vfs_proc_exec honours it. Descriptors are allocated lowest-first up
 * to the process's max_fds (RLIMIT_NOFILE). */
#include "vfs_internal.h"

#define SETFL_MASK (VFS_O_APPEND | VFS_O_NONBLOCK | VFS_O_DIRECT | VFS_O_NOATIME | VFS_O_ASYNC)

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

void vfs_file_put(vfs_t *vfs, vfs_file_t *f)
{
    if (--f->refs)
        return;
    loc_put(f->loc);
    vfs_free(vfs, f, sizeof(*f));
}

int vfs_fd_alloc(vfs_proc_t *p, int min)
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
            vfs_file_put(p->vfs, p->fds[fd].file);
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
            vfs_file_put(vfs, p->fds[fd].file);
    loc_put(p->cwd);
    vfs_free(vfs, p->fds, sizeof(fd_slot_t) * (size_t)p->max_fds);
    vfs_free(vfs, p, sizeof(*p));
    vfs->n_procs--;
}

int vfs_close(vfs_proc_t *p, int fd)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    p->fds[fd].file = NULL;
    p->fds[fd].cloexec = false;
    vfs_file_put(p->vfs, f);
    return 0;
}

int vfs_dup(vfs_proc_t *p, int fd)
{
    vfs_file_t *f = fd_file(p, fd);
    if (!f)
        return E(EBADF);
    int nfd = vfs_fd_alloc(p, 0);
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
        vfs_file_put(p->vfs, old);
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
        int nfd = vfs_fd_alloc(p, (int)arg);
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
        if ((arg & VFS_O_NOATIME) && !(f->flags & VFS_O_NOATIME) &&
            !vfs_owner_or_root(p, f->loc.vn))
            return E(EPERM);
        f->flags = ((uint32_t)arg & SETFL_MASK) | (f->flags & ~(uint32_t)SETFL_MASK);
        return 0;
    default: return E(EINVAL);
    }
}
