// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer target: ext2 on a damaged image, then operations on it.
 *
 * At start-up mke2fs makes a small image (1 KiB blocks, 256 KiB, Debian's
 * default ext2 features) holding a file with an indirect block, a
 * directory, a fast and a slow symlink; it is kept in memory. An input is
 * [n][n x (3-byte offset, byte)][flags][ops...]: n byte patches on a copy
 * of the image (any byte of it: superblock, descriptors, bitmaps, inodes,
 * directory blocks, data), a flags byte (read-only or forced mount, and an
 * I/O error injected after some number of block transfers), then
 * operations, two bytes each (kind, operand), run through the VFS on the
 * mounted image. The image is the only input the file system trusts less
 * than the VFS does; nothing may crash, trip a sanitizer or leak (every
 * byte the fs allocated is freed after unmount, whatever went wrong). */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kaal/vfs.h>
#include <kaal/vfs_ext2.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

#define IMAGE_BYTES (256 * 1024)

static uint8_t g_base[IMAGE_BYTES], g_img[IMAGE_BYTES];
static long g_io_left; /* transfers before an I/O error; -1 never */
static size_t g_live;

static void *f_alloc(void *ctx, size_t n)
{
    (void)ctx;
    g_live += n;
    return malloc(n);
}

static void f_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    g_live -= n;
    free(p);
}

static vfs_timespec_t f_clock(void *ctx)
{
    (void)ctx;
    return (vfs_timespec_t){1700000000, 0};
}

static int io_allowed(void)
{
    if (g_io_left == 0)
        return -LINUX_EIO;
    if (g_io_left > 0)
        g_io_left--;
    return 0;
}

static int mem_read(void *ctx, uint64_t sector, uint32_t n, void *buf)
{
    (void)ctx;
    CHECK((sector + n) * 512 <= IMAGE_BYTES); /* the fs stays inside the device */
    int err = io_allowed();
    if (!err)
        memcpy(buf, g_img + sector * 512, (size_t)n * 512);
    return err;
}

static int mem_write(void *ctx, uint64_t sector, uint32_t n, const void *buf)
{
    (void)ctx;
    CHECK((sector + n) * 512 <= IMAGE_BYTES);
    int err = io_allowed();
    if (!err)
        memcpy(g_img + sector * 512, buf, (size_t)n * 512);
    return err;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char dir[] = "/tmp/kaal-fuzz-ext2-XXXXXX";
    CHECK(mkdtemp(dir));
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "set -e; cd %s; mkdir -p t/d; head -c 20000 /dev/urandom > t/f; echo hi > t/d/x; "
             "ln -s f t/s; ln -s "
             "a/target/longer/than/sixty/bytes/so/it/needs/a/block/of/its/own/xx t/l; "
             "PATH=/usr/sbin:/sbin:$PATH mke2fs -q -F -t ext2 -b 1024 -N 32 -m 0 -d t img 256k "
             ">/dev/null 2>&1",
             dir);
    CHECK(system(cmd) == 0);
    char path[600];
    snprintf(path, sizeof(path), "%s/img", dir);
    FILE *f = fopen(path, "rb");
    CHECK(f && fread(g_base, 1, IMAGE_BYTES, f) == IMAGE_BYTES);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    return 0;
}

static const char *const paths[] = {"/f",   "/d",   "/d/x",        "/s",   "/l", "/n",
                                    "/d/n", "/d/m", "/lost+found", "/n/o", "/",  "/d/x/y"};
#define N_PATHS (sizeof(paths) / sizeof(paths[0]))

static uint8_t g_buf[255 * 300];

static void op(vfs_proc_t *p, uint8_t kind, uint8_t arg)
{
    const char *a = paths[arg % N_PATHS], *b = paths[(arg / N_PATHS) % N_PATHS];
    struct vfs_stat st;
    int fd;
    switch (kind % 16) {
    case 0: (void)vfs_lstat(p, a, &st); break;
    case 1:
        fd = vfs_open(p, a, VFS_O_RDONLY, 0);
        if (fd >= 0) {
            while (vfs_read(p, fd, g_buf, 4096) > 0)
                ;
            vfs_close(p, fd);
        }
        break;
    case 2:
        fd = vfs_open(p, a, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
        if (fd >= 0) {
            while (vfs_getdents64(p, fd, g_buf, 200) > 0)
                ;
            vfs_close(p, fd);
        }
        break;
    case 3:
        fd = vfs_open(p, a, VFS_O_CREAT | VFS_O_WRONLY, 0644);
        if (fd >= 0) {
            memset(g_buf, arg, sizeof(g_buf));
            (void)vfs_pwrite(p, fd, g_buf, (size_t)arg * 300, (int64_t)arg * arg * 97);
            vfs_close(p, fd);
        }
        break;
    case 4: (void)vfs_mkdir(p, a, 0755); break;
    case 5: (void)vfs_unlink(p, a); break;
    case 6: (void)vfs_rmdir(p, a); break;
    case 7: (void)vfs_rename(p, a, b); break;
    case 8: (void)vfs_link(p, a, b); break;
    case 9: (void)vfs_symlink(p, arg & 1 ? "short" : paths[4], a); break;
    case 10: (void)vfs_truncate(p, a, (int64_t)arg * 1000); break;
    case 11: (void)vfs_readlink(p, a, (char *)g_buf, 200); break;
    case 12: (void)vfs_chmod(p, a, arg); break;
    case 13: {
        struct vfs_statfs sf;
        (void)vfs_statfs(p, a, &sf);
        break;
    }
    case 14:
        fd = vfs_open(p, a, VFS_O_RDONLY, 0);
        if (fd >= 0) {
            (void)vfs_lseek(p, fd, arg * 100, arg & 1 ? VFS_SEEK_DATA : VFS_SEEK_HOLE);
            vfs_close(p, fd);
        }
        break;
    default: { /* an unlinked file still open */
        fd = vfs_open(p, a, VFS_O_RDWR, 0);
        if (fd >= 0) {
            (void)vfs_unlink(p, a);
            (void)vfs_pwrite(p, fd, "x", 1, 5000);
            vfs_close(p, fd);
        }
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memcpy(g_img, g_base, IMAGE_BYTES);
    size_t at = 0;
    unsigned n_patches = size ? data[at++] % 32 : 0;
    for (unsigned i = 0; i < n_patches && at + 4 <= size; i++, at += 4) {
        uint32_t off = (data[at] | data[at + 1] << 8 | (uint32_t)data[at + 2] << 16) % IMAGE_BYTES;
        g_img[off] = data[at + 3];
    }
    uint8_t flags = at < size ? data[at++] : 0;
    g_io_left = (flags >> 2) ? (long)(flags >> 2) * 16 : -1;
    unsigned mount_flags =
        (flags & 1 ? EXT2_MOUNT_READ_ONLY : 0) | (flags & 2 ? EXT2_MOUNT_FORCE : 0);

    g_live = 0;
    vfs_config_t cfg = {{f_alloc, f_free, NULL}, f_clock, NULL};
    vfs_t *vfs = vfs_create(&cfg);
    CHECK(vfs);
    vfs_blockdev_t dev = {.ctx = NULL,
                          .sector_bytes = 512,
                          .n_sectors = IMAGE_BYTES / 512,
                          .read = mem_read,
                          .write = mem_write};
    char msg[200];
    ext2_mount_ret_t r = ext2_mount(vfs, &dev, mount_flags, msg, sizeof(msg));
    CHECK((r.err == 0) == (r.fs != NULL));
    CHECK(r.err || msg[0] == 0);
    CHECK(!r.err || msg[0] != 0 || r.err == -LINUX_EIO || r.err == -LINUX_ENOMEM);
    if (r.fs) {
        CHECK(vfs_mount(vfs, NULL, "/", r.fs) == 0);
        vfs_proc_t *p = vfs_proc_create(vfs, 0, 0, 022, 64);
        CHECK(p);
        for (; at + 2 <= size; at += 2)
            op(p, data[at], data[at + 1]);
        vfs_proc_destroy(p);
    }
    CHECK(vfs_destroy(vfs) == 0);
    CHECK(g_live == 0);
    return 0;
}
