// SPDX-License-Identifier: BSD-2-Clause
/* The differential test of test_vfs_diff.c (every hand-written group and
 * both random runs, Linux as the oracle) with an ext2 root instead of ramfs:
 * each case gets a fresh image made by mke2fs (4 KiB blocks, so SEEK_DATA /
 * SEEK_HOLE granularity matches tmpfs's pages; Debian's default ext2
 * features), the host scratch directory gets the lost+found that mke2fs
 * makes, and after each case the unmounted image must pass `e2fsck -fn`.
 * Directory sizes and st_blocks differ between tmpfs and ext2 and are not
 * compared; everything else is, errno for errno. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kaal/vfs.h>
#include <kaal/vfs_ext2.h>
#include "vfs/ext2_image.h"

static struct {
    char img[512];
    vfs_blockdev_t dev;
    bool open;
    char fsck[1 << 15];
} g_ext2;

static vfs_fs_t *ext2_diff_root(vfs_t *vfs)
{
    if (!g_ext2.open)
        return NULL;
    char msg[200];
    ext2_mount_ret_t r = ext2_mount(vfs, &g_ext2.dev, 0, msg, sizeof(msg));
    if (r.err)
        fprintf(stderr, "ext2 mount: %s\n", msg);
    return r.fs;
}

/* Before the case notes which host descriptors exist: the image's is one. */
static void ext2_diff_host_prepare(const char *base)
{
    ext2_image_path(g_ext2.img, sizeof(g_ext2.img), "diff.img");
    g_ext2.open = ext2_image_mkfs(g_ext2.img, "-b 4096", 64 * 1024) == 0 &&
                  ext2_image_open(g_ext2.img, false, &g_ext2.dev);
    char p[600];
    snprintf(p, sizeof(p), "%s/lost+found", base);
    mkdir(p, 0700);
    chmod(p, 0700); /* whatever umask the last case left */
}

static bool ext2_diff_after_destroy(void)
{
    if (!g_ext2.open)
        return true;
    ext2_image_close(&g_ext2.dev);
    g_ext2.open = false;
    int st = ext2_image_fsck(g_ext2.img, g_ext2.fsck, sizeof(g_ext2.fsck));
    if (st != 0) {
        fprintf(stderr, "e2fsck -fn %s: status %d\n%s\n", g_ext2.img, st, g_ext2.fsck);
        return false; /* the image stays for a look */
    }
    unlink(g_ext2.img);
    return true;
}

#define VFS_DIFF_ROOT_FS(vfs) ext2_diff_root(vfs)
#define VFS_DIFF_HOST_PREPARE(base) ext2_diff_host_prepare(base)
#define VFS_DIFF_AFTER_DESTROY() assert_true(ext2_diff_after_destroy())
#define VFS_DIFF_SIZES_COMPARABLE 0

#include "test_vfs_diff.c"
