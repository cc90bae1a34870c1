// SPDX-License-Identifier: BSD-2-Clause
/* devfs: a fixed directory of character devices, mounted at /dev.
 *
 * null (1:3) reads end-of-file and swallows writes; zero (1:5) reads zeros
 * and swallows writes; console (5:1) forwards to hooks the embedder wires to
 * the console service (until then it behaves like null). Both null and zero
 * seek to 0 whatever is asked, as Linux's do; the console cannot seek
 * (ESPIPE). The tree cannot be changed: the directory has no create, link,
 * remove or rename op, so the VFS answers EPERM. Vnodes live as long as the
 * file system; nothing is freed before umount. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/string.h>
#include <kaal/vfs.h>
#include <kaal/vfs_fs.h>

#define E(name) (-LINUX_##name)
#define N_DEVICES 3

typedef struct {
    vfs_fs_t fs;
    devfs_console_t console;
    vfs_vnode_t root;
    vfs_vnode_t dev[N_DEVICES];
} devfs_t;

static const char *const device_names[N_DEVICES] = {"null", "zero", "console"};

static devfs_t *devfs_of(vfs_vnode_t *vn)
{
    return (devfs_t *)vn->fs;
}

static int devfs_lookup(vfs_vnode_t *dir, const char *name, size_t len, vfs_vnode_t **out)
{
    devfs_t *fs = devfs_of(dir);
    for (int i = 0; i < N_DEVICES; i++) {
        if (strlen(device_names[i]) == len && memcmp(device_names[i], name, len) == 0) {
            vfs_vnode_get(&fs->dev[i]);
            *out = &fs->dev[i];
            return 0;
        }
    }
    return E(ENOENT);
}

static vfs_vnode_t *devfs_parent(vfs_vnode_t *dir)
{
    vfs_vnode_get(dir);
    return dir;
}

static int devfs_readdir(vfs_vnode_t *dir, uint64_t *cookie, vfs_emit_fn emit, void *ctx)
{
    devfs_t *fs = devfs_of(dir);
    for (; *cookie < 2 + N_DEVICES; (*cookie)++) {
        uint64_t c = *cookie;
        bool fits;
        if (c < 2)
            fits = emit(ctx, "..", (size_t)c + 1, dir->ino, VFS_DT_DIR, c + 1);
        else
            fits = emit(ctx, device_names[c - 2], strlen(device_names[c - 2]), fs->dev[c - 2].ino,
                        VFS_DT_CHR, c + 1);
        if (!fits)
            return 1;
    }
    return 0;
}

static int64_t null_read(vfs_vnode_t *vn, void *buf, size_t n, int64_t off)
{
    (void)vn, (void)buf, (void)n, (void)off;
    return 0;
}

static int64_t sink_write(vfs_vnode_t *vn, const void *buf, size_t n, int64_t off)
{
    (void)vn, (void)buf, (void)off;
    return (int64_t)n;
}

static int64_t zero_read(vfs_vnode_t *vn, void *buf, size_t n, int64_t off)
{
    (void)vn, (void)off;
    memset(buf, 0, n);
    return (int64_t)n;
}

static int64_t seek_to_zero(vfs_vnode_t *vn, int64_t *pos, int64_t offset, int whence)
{
    (void)vn, (void)offset, (void)whence;
    *pos = 0;
    return 0;
}

static int64_t console_read(vfs_vnode_t *vn, void *buf, size_t n, int64_t off)
{
    devfs_t *fs = devfs_of(vn);
    (void)off;
    return fs->console.read ? fs->console.read(fs->console.ctx, buf, n) : 0;
}

static int64_t console_write(vfs_vnode_t *vn, const void *buf, size_t n, int64_t off)
{
    devfs_t *fs = devfs_of(vn);
    (void)off;
    return fs->console.write ? fs->console.write(fs->console.ctx, buf, n) : (int64_t)n;
}

static int64_t no_seek(vfs_vnode_t *vn, int64_t *pos, int64_t offset, int whence)
{
    (void)vn, (void)pos, (void)offset, (void)whence;
    return E(ESPIPE);
}

static const vfs_vnode_ops_t devfs_dir_ops = {
    .lookup = devfs_lookup,
    .parent = devfs_parent,
    .readdir = devfs_readdir,
};

static const vfs_vnode_ops_t device_ops[N_DEVICES] = {
    {.read = null_read, .write = sink_write, .llseek = seek_to_zero},
    {.read = zero_read, .write = sink_write, .llseek = seek_to_zero},
    {.read = console_read, .write = console_write, .llseek = no_seek},
};

static const struct {
    uint32_t major, minor;
    vfs_mode_t perm;
} device_ids[N_DEVICES] = {{1, 3, 0666}, {1, 5, 0666}, {5, 1, 0600}};

static void devfs_destroy(vfs_fs_t *vfs_fs)
{
    vfs_free(vfs_fs->vfs, vfs_fs, sizeof(devfs_t));
}

static int devfs_statfs(vfs_fs_t *vfs_fs, struct vfs_statfs *st)
{
    (void)vfs_fs;
    st->type = VFS_DEVFS_MAGIC;
    st->bsize = st->frsize = VFS_PAGE_SIZE;
    st->files = 1 + N_DEVICES;
    st->namelen = VFS_NAME_MAX;
    return 0;
}

static const vfs_fs_ops_t devfs_fs_ops = {.destroy = devfs_destroy, .statfs = devfs_statfs};

vfs_fs_t *devfs_create(vfs_t *vfs, const devfs_console_t *console)
{
    devfs_t *fs = vfs_alloc(vfs, sizeof(*fs));
    if (!fs)
        return NULL;
    memset(fs, 0, sizeof(*fs));
    fs->fs.ops = &devfs_fs_ops;
    fs->fs.vfs = vfs;
    fs->fs.dev = vfs_new_dev(vfs);
    fs->fs.root = &fs->root;
    if (console)
        fs->console = *console;
    vfs_timespec_t now = vfs_now(vfs);
    fs->root = (vfs_vnode_t){.ops = &devfs_dir_ops,
                             .fs = &fs->fs,
                             .ino = 1,
                             .mode = VFS_S_IFDIR | 0755,
                             .nlink = 2,
                             .size = 0,
                             .atime = now,
                             .mtime = now,
                             .ctime = now,
                             .refs = 1};
    for (int i = 0; i < N_DEVICES; i++) {
        fs->dev[i] =
            (vfs_vnode_t){.ops = &device_ops[i],
                          .fs = &fs->fs,
                          .ino = 2 + (uint64_t)i,
                          .mode = VFS_S_IFCHR | device_ids[i].perm,
                          .nlink = 1,
                          .rdev = ((uint64_t)device_ids[i].major << 8) | device_ids[i].minor,
                          .atime = now,
                          .mtime = now,
                          .ctime = now,
                          .refs = 1};
    }
    return &fs->fs;
}
