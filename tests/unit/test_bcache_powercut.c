// SPDX-License-Identifier: BSD-2-Clause
/* Power cuts under ext2 on the block cache. A workload (mkdir, create,
 * write, rename within and across directories, unlink, truncate, with
 * ext2_sync between rounds) runs on an image made by mke2fs (1 KiB and
 * 4 KiB blocks), through the
 * cache, onto a device that records every write and flush. Then for a few
 * hundred cut points: the image as it was, plus every write before the
 * last flush before the cut, plus a random subset of the 4 KiB pieces of the
 * writes since that flush applied in a random order (a disk may complete
 * them in any order, and tear a request between sectors),
 * is what a power cut could leave. On each such image `e2fsck -fn` may
 * report only what an unjournalled ext2 is expected to lose (unattached
 * inodes, bitmap differences, free and link counts), and every name that
 * was synced before the cut and not renamed or removed since must still be
 * found. A last case runs the same workload with the cache's barriers
 * ignored and requires the checker to find damage: the oracle can fail. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <kaal/bcache.h>
#include <kaal/vfs.h>
#include <kaal/vfs_ext2.h>
#include "bcache/memdev.h"
#include "vfs/ext2_image.h"

#define IMAGE_KIB 8192u
#define MAX_NAMES 256

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

/* A name's life in log positions: born when the op that made it started
 * (its writes come after), dead from the start of the op that removed it. */
typedef struct {
    char path[64];
    size_t born, died; /* died == SIZE_MAX: alive at the end */
    long renamed_to;   /* the name it became (index), or -1 (unlinked or replaced) */
} name_t;

static struct {
    char img[512];
    uint8_t *base; /* the image before the workload */
    size_t image_bytes;
    memdev_t m;
    name_t names[MAX_NAMES];
    size_t n_names;
    size_t syncs[64]; /* log positions right after each ext2_sync */
    size_t n_syncs;
    char out[1 << 16];
} g;

static void born(const char *path)
{
    assert_true(g.n_names < MAX_NAMES);
    name_t *n = &g.names[g.n_names++];
    snprintf(n->path, sizeof(n->path), "%s", path);
    n->born = g.m.n_log;
    n->died = SIZE_MAX;
    n->renamed_to = -1;
}

static long find_live(const char *path)
{
    for (size_t i = g.n_names; i-- > 0;)
        if (g.names[i].died == SIZE_MAX && strcmp(g.names[i].path, path) == 0)
            return (long)i;
    return -1;
}

static void died(const char *path)
{
    long i = find_live(path);
    if (i < 0)
        fail_msg("no live name %s", path);
    g.names[i].died = g.m.n_log;
}

static void write_file(vfs_proc_t *p, const char *path, size_t bytes, uint8_t fill, bool create)
{
    if (create)
        born(path);
    int fd = vfs_open(p, path, VFS_O_CREAT | VFS_O_WRONLY | VFS_O_APPEND, 0644);
    assert_true(fd >= 0);
    static uint8_t buf[64 * 1024];
    memset(buf, fill, sizeof(buf));
    while (bytes) {
        size_t n = bytes < sizeof(buf) ? bytes : sizeof(buf);
        assert_int_equal(vfs_write(p, fd, buf, n), (int64_t)n);
        bytes -= n;
    }
    assert_int_equal(vfs_close(p, fd), 0);
}

static void do_rename(vfs_proc_t *p, const char *from, const char *to)
{
    if (find_live(to) >= 0)
        died(to); /* replaced */
    long old = find_live(from);
    died(from);
    born(to);
    g.names[old].renamed_to = (long)g.n_names - 1;
    assert_int_equal(vfs_rename(p, from, to), 0);
}

static void do_unlink(vfs_proc_t *p, const char *path)
{
    died(path);
    assert_int_equal(vfs_unlink(p, path), 0);
}

/* The workload: six rounds, each ending with ext2_sync. */
static void workload(vfs_fs_t *fs, vfs_proc_t *p)
{
    char a[64], b[64];
    for (int r = 0; r < 6; r++) {
        snprintf(a, sizeof(a), "/d%d", r);
        born(a);
        assert_int_equal(vfs_mkdir(p, a, 0755), 0);
        for (int i = 0; i < 5; i++) {
            snprintf(a, sizeof(a), "/d%d/f%d", r, i);
            /* 1 KiB blocks: 12 direct, then indirect from 12 KiB, double from 268 KiB. */
            static const size_t sizes[] = {700, 5000, 40000, 300000, 9000};
            write_file(p, a, sizes[i], (uint8_t)(r * 16 + i), true);
        }
        snprintf(a, sizeof(a), "/d%d/f0", r);
        snprintf(b, sizeof(b), "/d%d/g0", r);
        do_rename(p, a, b);
        snprintf(a, sizeof(a), "/d%d/f4", r);
        write_file(p, a, 20000, 0xee, false); /* grows into the indirect block */
        if (r > 0) {
            snprintf(a, sizeof(a), "/d%d/f1", r - 1);
            snprintf(b, sizeof(b), "/d%d/h1", r);
            do_rename(p, a, b);
            snprintf(a, sizeof(a), "/d%d/f3", r - 1);
            do_unlink(p, a); /* frees ~300 blocks that later rounds reuse */
            snprintf(a, sizeof(a), "/d%d/f2", r - 1);
            assert_int_equal(vfs_truncate(p, a, 3000), 0);
            snprintf(a, sizeof(a), "/d%d/g0", r - 1);
            snprintf(b, sizeof(b), "/d%d/f2", r);
            do_rename(p, a, b); /* replaces a name */
        }
        assert_int_equal(ext2_sync(fs), 0);
        assert_true(g.n_syncs < 64);
        g.syncs[g.n_syncs++] = g.m.n_log;
    }
}

/* Ignores barriers: what the cache would do if ext2 never asked for order. */
static int no_barrier(void *ctx)
{
    (void)ctx;
    return 0;
}

static void run_workload(const char *mkfs_options, bool barriers)
{
    ext2_image_path(g.img, sizeof(g.img), "powercut.img");
    assert_int_equal(ext2_image_mkfs(g.img, mkfs_options, IMAGE_KIB), 0);
    g.image_bytes = (size_t)IMAGE_KIB * 1024;
    g.base = malloc(g.image_bytes);
    int fd = open(g.img, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, g.base, g.image_bytes, 0), (ssize_t)g.image_bytes);
    close(fd);

    vfs_blockdev_t lower;
    memdev_init(&g.m, 512, g.image_bytes / 512, false, &lower);
    memcpy(g.m.bytes, g.base, g.image_bytes);
    g.m.record = true;
    g.n_names = g.n_syncs = 0;
    /* 96 pages: smaller than the workload, so pages are evicted mid-operation. */
    kaal_bcache_config_t cfg = {&lower, 96, 8, 0};
    vfs_allocator_t alloc = {t_alloc, t_free, NULL};
    kaal_bcache_t *c = kaal_bcache_create(&cfg, &alloc);
    assert_non_null(c);
    vfs_blockdev_t dev = kaal_bcache_dev(c);
    if (!barriers)
        dev.barrier = no_barrier;

    vfs_config_t vcfg = {alloc, t_clock, NULL};
    vfs_t *vfs = vfs_create(&vcfg);
    char msg[200];
    ext2_mount_ret_t r = ext2_mount(vfs, &dev, 0, msg, sizeof(msg));
    if (r.err)
        fail_msg("mount: %s", msg);
    assert_int_equal(vfs_mount(vfs, NULL, "/", r.fs), 0);
    vfs_proc_t *p = vfs_proc_create(vfs, 0, 0, 022, 64);
    workload(r.fs, p);
    vfs_proc_destroy(p);
    assert_int_equal(vfs_destroy(vfs), 0);
    kaal_bcache_stats_t st = kaal_bcache_stats(c);
    print_message("workload: %zu device events, %llu writes, %llu flushes, %llu evictions, "
                  "%llu barrier write-backs\n",
                  g.m.n_log, (unsigned long long)st.dev_writes, (unsigned long long)st.dev_flushes,
                  (unsigned long long)st.evictions, (unsigned long long)st.barrier_writebacks);
    assert_int_equal(kaal_bcache_destroy(c), 0);
}

static uint64_t g_seed;

static uint64_t rnd(void)
{
    g_seed = g_seed * 6364136223846793005ull + 1442695040888963407ull;
    return g_seed >> 33;
}

typedef struct {
    size_t event;
    uint32_t first, n; /* sectors of the event */
} piece_t;

/* The image a power cut right before log event cut could leave. */
static void cut_image(size_t cut, uint8_t *img)
{
    memcpy(img, g.base, g.image_bytes);
    size_t last_flush = 0; /* events before it are durable */
    for (size_t i = 0; i < cut; i++)
        if (g.m.log[i].n_sectors == 0)
            last_flush = i + 1;
    for (size_t i = 0; i < last_flush; i++) {
        memdev_event_t *e = &g.m.log[i];
        if (e->n_sectors)
            memcpy(img + e->sector * 512, e->data, (size_t)e->n_sectors * 512);
    }
    /* The writes since: each 4 KiB piece of each lands or not, in any order
     * (a disk keeps only sectors atomic; one request may be torn). */
    static piece_t pending[1 << 14];
    size_t n = 0;
    for (size_t i = last_flush; i < cut; i++) {
        for (uint32_t at = 0; at < g.m.log[i].n_sectors && n < (1 << 14); at += 8) {
            if (rnd() & 1) {
                uint32_t left = g.m.log[i].n_sectors - at;
                pending[n].event = i;
                pending[n].first = at;
                pending[n++].n = left < 8 ? left : 8;
            }
        }
    }
    for (size_t i = n; i > 1; i--) { /* any completion order */
        size_t j = rnd() % i;
        piece_t t = pending[i - 1];
        pending[i - 1] = pending[j];
        pending[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        memdev_event_t *e = &g.m.log[pending[i].event];
        memcpy(img + (e->sector + pending[i].first) * 512, e->data + (size_t)pending[i].first * 512,
               (size_t)pending[i].n * 512);
    }
}

/* What e2fsck may say after a power cut of unjournalled ext2: inodes
 * nothing names (lost+found), bitmaps and free counts, link counts,
 * i_blocks and i_size (an indirect block and its inode written on either
 * side of the cut). Damage (an entry naming a free inode, a block claimed
 * twice, a bad block number, a corrupted directory, a broken orphan list)
 * is none of these. */
static const char *const allowed[] = {
    "Unattached inode",
    "Unattached zero-length inode",
    "Connect to /lost+found? no",
    "Block bitmap differences",
    "Inode bitmap differences",
    "Free blocks count wrong",
    "Free inodes count wrong",
    "Directories count wrong",
    "ref count is",
    "i_blocks is",
    "i_size is",
};

/* Returns the first line e2fsck printed that is not allowed, or NULL. */
static const char *bad_fsck_line(char *out)
{
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        if (strcmp(line, "Fix? no") == 0) /* the question after "... differences:" */
            continue;
        if (!strstr(line, "? no") && !strstr(line, "differences") && !strstr(line, "laimed"))
            continue;
        bool ok = false;
        for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !ok; i++)
            ok = strstr(line, allowed[i]) != NULL;
        if (!ok)
            return line;
    }
    return NULL;
}

/* Every name synced before cut and alive at cut is found on img. */
static const char *missing_name(size_t cut, uint8_t *img)
{
    size_t synced = 0;
    for (size_t i = 0; i < g.n_syncs; i++)
        if (g.syncs[i] <= cut)
            synced = g.syncs[i];
    memdev_t m;
    vfs_blockdev_t dev;
    memdev_init(&m, 512, g.image_bytes / 512, true, &dev);
    memcpy(m.bytes, img, g.image_bytes);
    vfs_allocator_t alloc = {t_alloc, t_free, NULL};
    vfs_config_t vcfg = {alloc, t_clock, NULL};
    vfs_t *vfs = vfs_create(&vcfg);
    ext2_mount_ret_t r = ext2_mount(vfs, &dev, EXT2_MOUNT_READ_ONLY, NULL, 0);
    static char why[128];
    const char *missing = NULL;
    if (r.err) {
        missing = "the image does not mount read-only";
    } else {
        vfs_mount(vfs, NULL, "/", r.fs);
        vfs_proc_t *p = vfs_proc_create(vfs, 0, 0, 022, 64);
        for (size_t i = 0; i < g.n_names && !missing; i++) {
            /* A synced name, or the names renames before the cut gave it:
             * one of them is found, unless it was unlinked or replaced. */
            name_t *n = &g.names[i];
            if (n->born >= synced)
                continue;
            bool may_be_gone = false, found = false;
            for (long k = (long)i; k >= 0 && !found && !may_be_gone;) {
                struct vfs_stat st;
                found = vfs_stat(p, g.names[k].path, &st) == 0;
                if (g.names[k].died >= cut)
                    break;
                may_be_gone = g.names[k].renamed_to < 0;
                k = g.names[k].renamed_to;
            }
            if (!found && !may_be_gone) {
                snprintf(why, sizeof(why), "%s (synced at event %zu) is gone", n->path, synced);
                missing = why;
            }
        }
        vfs_proc_destroy(p);
    }
    vfs_destroy(vfs);
    memdev_free(&m);
    return missing;
}

/* Runs the cut points; returns how many images were damaged. */
static unsigned g_repaired; /* images e2fsck had something (allowed) to say about */

static unsigned check_cuts(unsigned n_cuts, bool stop_at_first, char *first, size_t first_bytes)
{
    g_repaired = 0;
    uint8_t *img = malloc(g.image_bytes), *on_file = calloc(1, g.image_bytes);
    char path[600];
    snprintf(path, sizeof(path), "%s.cut", g.img);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)g.image_bytes), 0);
    unsigned damaged = 0;
    g_seed = 0x706f776572637574ull;
    for (unsigned k = 0; k < n_cuts; k++) {
        size_t cut = 1 + (size_t)k * g.m.n_log / n_cuts + rnd() % (g.m.n_log / n_cuts + 1);
        if (cut > g.m.n_log)
            cut = g.m.n_log;
        cut_image(cut, img);
        /* e2fsck -n writes nothing: rewrite only the blocks that differ. */
        for (size_t at = 0; at < g.image_bytes; at += 4096) {
            if (memcmp(img + at, on_file + at, 4096) != 0) {
                assert_int_equal(pwrite(fd, img + at, 4096, (off_t)at), 4096);
                memcpy(on_file + at, img + at, 4096);
            }
        }
        int status = ext2_image_run(g.out, sizeof(g.out), "e2fsck -fn '%s'", path);
        g_repaired += status != 0;
        char *copy = strdup(g.out);
        const char *bad = status >= 8 ? "e2fsck failed" : bad_fsck_line(g.out);
        const char *gone = bad ? NULL : missing_name(cut, img);
        if (bad || gone) {
            if (!damaged && first)
                snprintf(first, first_bytes, "cut at event %zu of %zu: %s\n%s", cut, g.m.n_log,
                         bad ? bad : gone, copy);
            damaged++;
        }
        free(copy);
        if (damaged && stop_at_first)
            break;
    }
    close(fd);
    unlink(path);
    free(img);
    free(on_file);
    return damaged;
}

static void cleanup(void)
{
    memdev_free(&g.m);
    free(g.base);
    unlink(g.img);
}

static void power_cuts(const char *mkfs_options, unsigned n_cuts)
{
    run_workload(mkfs_options, true);
    static char first[1 << 15];
    unsigned damaged = check_cuts(n_cuts, true, first, sizeof(first));
    if (damaged)
        fail_msg("%s", first);
    print_message("%u cut images, %u with losses e2fsck may repair, none damaged\n", n_cuts,
                  g_repaired);
    cleanup();
}

static void test_power_cuts_leave_only_what_unjournalled_ext2_may_lose_1k_blocks(void **state)
{
    (void)state;
    power_cuts("-b 1024 -N 512", 300); /* 1 KiB blocks: double-indirect blocks at 268 KiB */
}

static void test_power_cuts_leave_only_what_unjournalled_ext2_may_lose_4k_blocks(void **state)
{
    (void)state;
    power_cuts("-b 4096 -N 512", 150);
}

static void test_without_barriers_power_cuts_do_damage(void **state)
{
    (void)state;
    run_workload("-b 1024 -N 512", false);
    static char first[1 << 15];
    unsigned damaged = check_cuts(100, false, first, sizeof(first));
    print_message("without barriers: %u of 100 cut images damaged; the first:\n%.600s\n", damaged,
                  first);
    assert_true(damaged > 0);
    cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_cuts_leave_only_what_unjournalled_ext2_may_lose_1k_blocks),
        cmocka_unit_test(test_power_cuts_leave_only_what_unjournalled_ext2_may_lose_4k_blocks),
        cmocka_unit_test(test_without_barriers_power_cuts_do_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
