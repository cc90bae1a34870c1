// SPDX-License-Identifier: BSD-2-Clause
/* ext2 on the block cache, and what the cache saves: one workload (300
 * small files created, written, stat'ed, renamed and removed, an 8 MiB file
 * written in 64 KiB calls and read back from a cold cache, syncs) runs on a
 * mke2fs image twice: straight on a write-through device (every write
 * durable when it returns, as ext2 ran before the cache), then through the
 * cache onto a device with a volatile cache (flush and barriers honoured).
 * Both images must pass `e2fsck -fn` afterwards, with the same file
 * contents; the test prints the device requests of each run and requires
 * the cache to save most of them (counts, not time). Last, the workload
 * runs through the cache on a disk of 4 KiB sectors (the cache offers 512). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <kaal/bcache.h>
#include <kaal/vfs.h>
#include <kaal/vfs_ext2.h>
#include "bcache/memdev.h"
#include "vfs/ext2_image.h"

#define IMAGE_KIB (32u * 1024u)
#define BIG_BYTES (8u << 20)

static void *t_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void t_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    (void)n;
    free(p);
}

/* A clock in 2023: e2fsck reads a dtime below the inode count as an orphan-list link. */
static vfs_timespec_t t_clock(void *ctx)
{
    (void)ctx;
    return (vfs_timespec_t){1700000000, 0};
}

typedef struct {
    uint64_t reads, writes, flushes;
} counts_t;

static void workload(vfs_fs_t *fs, vfs_proc_t *p, kaal_bcache_t *c)
{
    char path[64];
    static uint8_t buf[64 * 1024];
    assert_int_equal(vfs_mkdir(p, "/a", 0755), 0);
    assert_int_equal(vfs_mkdir(p, "/b", 0755), 0);
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), "/a/file%d", i);
        int fd = vfs_open(p, path, VFS_O_CREAT | VFS_O_WRONLY, 0644);
        assert_true(fd >= 0);
        memset(buf, i, 3000);
        assert_int_equal(vfs_write(p, fd, buf, 3000), 3000);
        assert_int_equal(vfs_close(p, fd), 0);
    }
    int fd = vfs_open(p, "/big", VFS_O_CREAT | VFS_O_WRONLY, 0644);
    assert_true(fd >= 0);
    for (uint32_t off = 0; off < BIG_BYTES; off += sizeof(buf)) {
        for (size_t k = 0; k < sizeof(buf); k += 4096)
            buf[k] = (uint8_t)((off + k) >> 12);
        assert_int_equal(vfs_write(p, fd, buf, sizeof(buf)), (int64_t)sizeof(buf));
    }
    assert_int_equal(vfs_close(p, fd), 0);
    assert_int_equal(ext2_sync(fs), 0);
    if (c)
        assert_int_equal(kaal_bcache_drop(c), 0); /* read back cold */
    fd = vfs_open(p, "/big", VFS_O_RDONLY, 0);
    for (uint32_t off = 0; off < BIG_BYTES; off += sizeof(buf)) {
        assert_int_equal(vfs_read(p, fd, buf, sizeof(buf)), (int64_t)sizeof(buf));
        for (size_t k = 0; k < sizeof(buf); k += 4096)
            assert_int_equal(buf[k], (uint8_t)((off + k) >> 12));
    }
    assert_int_equal(vfs_close(p, fd), 0);
    for (int i = 0; i < 300; i++) {
        struct vfs_stat st;
        snprintf(path, sizeof(path), "/a/file%d", i);
        assert_int_equal(vfs_stat(p, path, &st), 0);
        assert_int_equal(st.size, 3000);
    }
    for (int i = 0; i < 100; i++) {
        char to[64];
        snprintf(path, sizeof(path), "/a/file%d", i);
        snprintf(to, sizeof(to), "/b/file%d", i);
        assert_int_equal(vfs_rename(p, path, to), 0);
        snprintf(path, sizeof(path), "/a/file%d", 100 + i);
        assert_int_equal(vfs_unlink(p, path), 0);
    }
    assert_int_equal(ext2_sync(fs), 0);
}

static counts_t run(const char *mkfs_options, bool cached, uint32_t disk_sector_bytes,
                    uint8_t **image_out)
{
    char img[512];
    ext2_image_path(img, sizeof(img), "bcache-ext2.img");
    assert_int_equal(ext2_image_mkfs(img, mkfs_options, IMAGE_KIB), 0);
    size_t bytes = (size_t)IMAGE_KIB * 1024;
    memdev_t m;
    vfs_blockdev_t disk;
    memdev_init(&m, disk_sector_bytes, bytes / disk_sector_bytes, false, &disk);
    int fd = open(img, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, m.bytes, bytes, 0), (ssize_t)bytes);
    close(fd);

    vfs_allocator_t alloc = {t_alloc, t_free, NULL};
    kaal_bcache_t *c = NULL;
    vfs_blockdev_t dev = disk;
    if (cached) {
        /* 4 MiB, half the big file; 512-byte sectors above whatever the disk has. */
        kaal_bcache_config_t cfg = {&disk, 1024, 32, 512};
        c = kaal_bcache_create(&cfg, &alloc);
        assert_non_null(c);
        dev = kaal_bcache_dev(c);
    } else {
        dev.flush = NULL; /* write-through: durable on return, in order */
    }
    vfs_config_t vcfg = {alloc, t_clock, NULL};
    vfs_t *vfs = vfs_create(&vcfg);
    char msg[200];
    ext2_mount_ret_t r = ext2_mount(vfs, &dev, 0, msg, sizeof(msg));
    if (r.err)
        fail_msg("mount: %s", msg);
    assert_int_equal(vfs_mount(vfs, NULL, "/", r.fs), 0);
    vfs_proc_t *p = vfs_proc_create(vfs, 0, 0, 022, 64);
    workload(r.fs, p, c);
    vfs_proc_destroy(p);
    assert_int_equal(vfs_destroy(vfs), 0);
    if (c)
        assert_int_equal(kaal_bcache_destroy(c), 0);

    fd = open(img, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, m.bytes, bytes, 0), (ssize_t)bytes);
    close(fd);
    char out[8192];
    int st = ext2_image_fsck(img, out, sizeof(out));
    if (st != 0)
        fail_msg("e2fsck -fn %s: status %d\n%s", img, st, out);
    unlink(img);
    counts_t n = {m.reads, m.writes, m.flushes};
    *image_out = m.bytes;
    m.bytes = NULL;
    memdev_free(&m);
    return n;
}

static void compare(const char *mkfs_options, const char *label)
{
    uint8_t *direct_img, *cached_img;
    counts_t d = run(mkfs_options, false, 512, &direct_img);
    counts_t c = run(mkfs_options, true, 512, &cached_img);
    print_message("%s: device requests without the cache: %llu reads, %llu writes; "
                  "with it: %llu reads, %llu writes, %llu flushes\n",
                  label, (unsigned long long)d.reads, (unsigned long long)d.writes,
                  (unsigned long long)c.reads, (unsigned long long)c.writes,
                  (unsigned long long)c.flushes);
    /* The file system differs only in times; file contents were checked
     * while reading back. The cache must save most requests. */
    assert_true(c.reads * 4 < d.reads);
    assert_true(c.writes * 2 < d.writes);
    free(direct_img);
    free(cached_img);
}

static void test_the_cache_saves_device_requests_with_4k_blocks(void **state)
{
    (void)state;
    compare("-b 4096", "4 KiB blocks");
}

static void test_the_cache_saves_device_requests_with_1k_blocks(void **state)
{
    (void)state;
    compare("-b 1024", "1 KiB blocks");
}

/* ext2 needs sectors of at most 1 KiB; through the cache it runs on a disk
 * of 4 KiB sectors. */
static void test_ext2_runs_on_a_4k_sector_disk_through_the_cache(void **state)
{
    (void)state;
    uint8_t *img;
    counts_t c = run("-b 1024", true, 4096, &img);
    assert_true(c.writes > 0);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_cache_saves_device_requests_with_4k_blocks),
        cmocka_unit_test(test_the_cache_saves_device_requests_with_1k_blocks),
        cmocka_unit_test(test_ext2_runs_on_a_4k_sector_disk_through_the_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
