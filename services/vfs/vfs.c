// SPDX-License-Identifier: BSD-2-Clause
/* The VFS instance and what it gives file systems: vfs_create and
 * vfs_destroy, the allocator and clock of the config, device numbers.
 *
 * The core is split by job, with Linux's fs/ as the model for each rule and
 * the differential test in tests/unit/test_vfs_diff.c checking it: path.c
 * (the one path walk), perm.c (permission checks), mount.c, proc.c
 * (processes and fd tables), open.c, io.c (read, write, seek, truncate),
 * attr.c (stat, chmod, chown, utimens, access, statfs, readlink), dir.c
 * (getdents, cwd) and names.c (mkdir, symlink, link, unlink, rename); the
 * model they share is in vfs_internal.h. */
#include "vfs_internal.h"

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
