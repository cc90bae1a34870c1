// SPDX-License-Identifier: BSD-2-Clause
/* ext2 (services/vfs/ext2/) against Debian's e2fsprogs, the oracle.
 *
 * Images are made at test time by mke2fs (1 KiB and 4 KiB blocks, Debian's
 * default ext2 features: sparse_super, large_file, filetype, resize_inode,
 * dir_index, ext_attr), some pre-filled from a host tree with `mke2fs -d`.
 * Each case runs operations through the VFS with an ext2 root, unmounts,
 * then requires `e2fsck -fn` to find nothing (exit 0 and no question
 * asked) and compares `debugfs -R 'ls -l DIR'` and `stat` (inode numbers,
 * modes, owners, sizes, link counts, block counts) with what the VFS
 * reported, and what statfs said with debugfs's free counts. */
#define _GNU_SOURCE
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

#include <kaal/vfs.h>
#include <kaal/vfs_ext2.h>
#include "vfs/ext2_image.h"

static size_t g_live;

static void *t_alloc(void *ctx, size_t n)
{
    (void)ctx;
    g_live += n;
    return malloc(n);
}

static void t_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    g_live -= n;
    free(p);
}

static int64_t g_now = 1700000000;
static vfs_timespec_t t_clock(void *ctx)
{
    (void)ctx;
    return (vfs_timespec_t){++g_now, 0};
}

static struct {
    char img[512];
    vfs_blockdev_t dev;
    vfs_t *vfs;
    vfs_fs_t *fs;
    vfs_proc_t *p;
    char out[1 << 16];
} t;

static void mount_image(unsigned flags)
{
    assert_true(ext2_image_open(t.img, flags & EXT2_MOUNT_READ_ONLY, &t.dev));
    vfs_config_t cfg = {{t_alloc, t_free, NULL}, t_clock, NULL};
    t.vfs = vfs_create(&cfg);
    char msg[200];
    ext2_mount_ret_t r = ext2_mount(t.vfs, &t.dev, flags, msg, sizeof(msg));
    if (r.err)
        fail_msg("mount %s: %d %s", t.img, r.err, msg);
    t.fs = r.fs;
    assert_int_equal(vfs_mount(t.vfs, NULL, "/", t.fs), 0);
    t.p = vfs_proc_create(t.vfs, 0, 0, 022, 64);
}

static void unmount_image(void)
{
    assert_string_equal(ext2_error(t.fs), "");
    vfs_proc_destroy(t.p);
    assert_int_equal(vfs_destroy(t.vfs), 0);
    assert_int_equal(g_live, 0);
    ext2_image_close(&t.dev);
}

static void expect_fsck_clean(void)
{
    int st = ext2_image_fsck(t.img, t.out, sizeof(t.out));
    if (st != 0)
        fail_msg("e2fsck -fn %s: status %d\n%s", t.img, st, t.out);
}

static const char *debugfs(const char *fmt, ...)
{
    char req[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(req, sizeof(req), fmt, ap);
    va_end(ap);
    int st = ext2_image_run(t.out, sizeof(t.out), "debugfs -R '%s' '%s'", req, t.img);
    assert_int_equal(st, 0);
    return t.out;
}

/* One line of debugfs's stat: the value after a label. */
static long long stat_field(const char *text, const char *label)
{
    const char *at = strstr(text, label);
    if (!at)
        fail_msg("debugfs output has no \"%s\":\n%s", label, text);
    return strtoll(at + strlen(label), NULL, 0);
}

typedef struct {
    char name[256];
    unsigned ino, mode, uid, gid;
    long long size;
} ls_entry_t;

static int parse_ls(const char *text, ls_entry_t *e, int max)
{
    int n = 0;
    for (const char *line = text; line && *line && n < max;) {
        const char *end = strchr(line, '\n');
        char buf[512];
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len >= sizeof(buf))
            len = sizeof(buf) - 1;
        memcpy(buf, line, len);
        buf[len] = 0;
        unsigned ft;
        char date[32], tm[32];
        if (sscanf(buf, "%u %o (%u) %u %u %lld %31s %31s %255s", &e[n].ino, &e[n].mode, &ft,
                   &e[n].uid, &e[n].gid, &e[n].size, date, tm, e[n].name) == 9 &&
            strcmp(e[n].name, ".") && strcmp(e[n].name, ".."))
            n++;
        line = end ? end + 1 : NULL;
    }
    return n;
}

/* Everything the VFS says about dir and below, checked against debugfs
 * (which reads the unmounted image). vfs_side holds "name ino mode uid gid
 * size nlink blocks" lines gathered before unmounting. */
typedef struct {
    char path[512];
    struct vfs_stat st;
} seen_t;

static seen_t g_seen[1024];
static int g_n_seen;

static void gather(const char *dir)
{
    int fd = vfs_open(t.p, dir, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
    assert_true(fd >= 0);
    static uint8_t buf[8192];
    int64_t got;
    enum { MAX_NAMES = 512 };
    char (*names)[256] = malloc(MAX_NAMES * 256);
    int n = 0;
    while ((got = vfs_getdents64(t.p, fd, buf, sizeof(buf))) > 0) {
        for (int64_t off = 0; off < got;) {
            struct vfs_dirent64 *d = (struct vfs_dirent64 *)(buf + off);
            if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") && n < MAX_NAMES)
                snprintf(names[n++], 256, "%s", d->d_name);
            off += d->d_reclen;
        }
    }
    assert_int_equal(got, 0);
    vfs_close(t.p, fd);
    for (int i = 0; i < n && g_n_seen < 1024; i++) {
        seen_t *s = &g_seen[g_n_seen++];
        snprintf(s->path, sizeof(s->path), "%s/%s", strcmp(dir, "/") ? dir : "", names[i]);
        assert_int_equal(vfs_lstat(t.p, s->path, &s->st), 0);
        if (VFS_S_ISDIR(s->st.mode)) {
            char sub[512];
            snprintf(sub, sizeof(sub), "%s", s->path);
            gather(sub);
        }
    }
    free(names);
}

static void compare_with_debugfs(void)
{
    for (int i = 0; i < g_n_seen; i++) {
        seen_t *s = &g_seen[i];
        char dir[512];
        snprintf(dir, sizeof(dir), "%s", s->path);
        char *slash = strrchr(dir, '/');
        const char *name = slash + 1;
        char parent[512];
        snprintf(parent, sizeof(parent), "%.*s", (int)(slash - dir), dir);
        static ls_entry_t ls[256];
        int n = parse_ls(debugfs("ls -l %s", parent[0] ? parent : "/"), ls, 256);
        int k = 0;
        while (k < n && strcmp(ls[k].name, name))
            k++;
        if (k == n)
            fail_msg("debugfs does not list %s in %s", name, parent[0] ? parent : "/");
        assert_int_equal(ls[k].ino, s->st.ino);
        assert_int_equal(ls[k].mode, s->st.mode);
        assert_int_equal(ls[k].uid, s->st.uid);
        assert_int_equal(ls[k].gid, s->st.gid);
        assert_int_equal(ls[k].size, s->st.size);
        const char *st = debugfs("stat <%u>", ls[k].ino);
        assert_int_equal(stat_field(st, "Links: "), s->st.nlink);
        assert_int_equal(stat_field(st, "Blockcount: "), s->st.blocks);
    }
    /* and nothing more than the VFS listed (lost+found aside, it is seen too) */
}

static void gather_all(void)
{
    g_n_seen = 0;
    gather("/");
}

static void check_statfs_against_debugfs(void)
{
    struct vfs_statfs sf;
    assert_int_equal(vfs_statfs(t.p, "/", &sf), 0);
    assert_int_equal(ext2_sync(t.fs), 0);
    const char *stats = debugfs("stats");
    assert_int_equal(stat_field(stats, "Free blocks:"), sf.bfree);
    assert_int_equal(stat_field(stats, "Free inodes:"), sf.ffree);
    assert_int_equal(stat_field(stats, "Inode count:"), sf.files);
    assert_int_equal(stat_field(stats, "Block size:"), sf.bsize);
    assert_int_equal(sf.type, 0xEF53);
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 10));
}

static void write_host_file(const char *path, size_t n, unsigned seed)
{
    uint8_t *b = malloc(n ? n : 1);
    fill(b, n, seed);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
    free(b);
}

static void expect_contents(const char *path, size_t n, unsigned seed)
{
    uint8_t *want = malloc(n + 1), *got = malloc(n + 1);
    fill(want, n, seed);
    int fd = vfs_open(t.p, path, VFS_O_RDONLY, 0);
    assert_true(fd >= 0);
    size_t at = 0;
    int64_t k;
    while ((k = vfs_read(t.p, fd, got + at, n + 1 - at)) > 0)
        at += (size_t)k;
    assert_int_equal(k, 0);
    assert_int_equal(at, n);
    assert_memory_equal(got, want, n);
    vfs_close(t.p, fd);
    free(want);
    free(got);
}

/* ---- reading images mke2fs filled ------------------------------------------- */

static void make_tree_image(const char *opts)
{
    char src[600];
    ext2_image_path(t.img, sizeof(t.img), "tree.img");
    snprintf(src, sizeof(src), "%s.d", t.img);
    ext2_image_run(NULL, 0, "rm -rf '%s'; mkdir -p '%s/d/e'", src, src);
    char p[700];
    snprintf(p, sizeof(p), "%s/small", src);
    write_host_file(p, 100, 1);
    snprintf(p, sizeof(p), "%s/big", src);
    write_host_file(p, 300 * 1024 + 17, 2); /* past direct and single indirect with 1 KiB */
    snprintf(p, sizeof(p), "%s/d/e/inner", src);
    write_host_file(p, 5000, 3);
    snprintf(p, sizeof(p), "%s/empty", src);
    write_host_file(p, 0, 4);
    assert_int_equal(ext2_image_run(NULL, 0,
                                    "cd '%s' && ln -s small fast && ln -s "
                                    "%s slow && ln small d/hard && chmod 0640 small && "
                                    "chmod 0711 d",
                                    src,
                                    "a/very/long/target/that/does/not/fit/in/the/sixty/bytes/"
                                    "of/the/inode/block/array"),
                     0);
    char opt[1000];
    snprintf(opt, sizeof(opt), "%s -d '%s'", opts, src);
    assert_int_equal(ext2_image_mkfs(t.img, opt, 4096), 0);
    ext2_image_run(NULL, 0, "rm -rf '%s'", src);
}

static void check_tree_contents(void)
{
    expect_contents("/small", 100, 1);
    expect_contents("/big", 300 * 1024 + 17, 2);
    expect_contents("/d/e/inner", 5000, 3);
    expect_contents("/d/hard", 100, 1);
    expect_contents("/empty", 0, 4);
    char buf[200];
    int64_t n = vfs_readlink(t.p, "/fast", buf, sizeof(buf));
    assert_int_equal(n, 5);
    assert_memory_equal(buf, "small", 5);
    n = vfs_readlink(t.p, "/slow", buf, sizeof(buf));
    const char *slow = "a/very/long/target/that/does/not/fit/in/the/sixty/bytes/of/the/inode/"
                       "block/array";
    assert_int_equal(n, strlen(slow));
    assert_memory_equal(buf, slow, strlen(slow));
    struct vfs_stat st;
    assert_int_equal(vfs_stat(t.p, "/small", &st), 0);
    assert_int_equal(st.nlink, 2);
    assert_int_equal(st.mode, VFS_S_IFREG | 0640);
    assert_int_equal(vfs_stat(t.p, "/d", &st), 0);
    assert_int_equal(st.nlink, 3);
    assert_int_equal(vfs_stat(t.p, "/d/e/../../small", &st), 0);
    assert_int_equal(vfs_stat(t.p, "/nope", &st), -LINUX_ENOENT);
}

static void read_tree(const char *opts)
{
    make_tree_image(opts);
    mount_image(EXT2_MOUNT_READ_ONLY);
    check_tree_contents();
    gather_all();
    unmount_image();
    compare_with_debugfs();
    expect_fsck_clean();
    /* read-write mount, no change: still clean, same listing */
    mount_image(0);
    check_tree_contents();
    check_statfs_against_debugfs();
    unmount_image();
    expect_fsck_clean();
    unlink(t.img);
}

static void test_mke2fs_tree_reads_like_debugfs_with_1k_blocks(void **state)
{
    (void)state;
    read_tree("-b 1024");
}

static void test_mke2fs_tree_reads_like_debugfs_with_4k_blocks(void **state)
{
    (void)state;
    read_tree("-b 4096");
}

/* A directory mke2fs -d filled and e2fsck -D indexed (htree): every name is
 * found and listed; creating and removing names keeps it valid for e2fsck. */
static void test_hashed_directory_is_read_and_stays_valid(void **state)
{
    (void)state;
    char src[600];
    ext2_image_path(t.img, sizeof(t.img), "htree.img");
    snprintf(src, sizeof(src), "%s.d", t.img);
    assert_int_equal(ext2_image_run(NULL, 0,
                                    "rm -rf '%s' && mkdir -p '%s/big' && cd '%s/big' && "
                                    "for i in $(seq 1 400); do : > "
                                    "file-with-a-rather-long-name-number-$i; done",
                                    src, src, src),
                     0);
    char opt[1000];
    snprintf(opt, sizeof(opt), "-b 1024 -d '%s'", src);
    assert_int_equal(ext2_image_mkfs(t.img, opt, 4096), 0);
    ext2_image_run(NULL, 0, "rm -rf '%s'", src);
    ext2_image_run(t.out, sizeof(t.out), "e2fsck -fyD '%s'", t.img);
    const char *st = debugfs("stat /big");
    assert_true(stat_field(st, "Flags: ") & 0x1000); /* indexed */
    mount_image(0);
    for (int i = 1; i <= 400; i++) {
        char p[100];
        snprintf(p, sizeof(p), "/big/file-with-a-rather-long-name-number-%d", i);
        struct vfs_stat s;
        assert_int_equal(vfs_stat(t.p, p, &s), 0);
    }
    gather_all();
    assert_int_equal(g_n_seen, 1 + 1 + 400); /* lost+found, big, its files */
    assert_int_equal(vfs_unlink(t.p, "/big/file-with-a-rather-long-name-number-7"), 0);
    int fd = vfs_open(t.p, "/big/new", VFS_O_CREAT | VFS_O_WRONLY, 0644);
    assert_true(fd >= 0);
    vfs_close(t.p, fd);
    assert_int_equal(vfs_rename(t.p, "/big/file-with-a-rather-long-name-number-9", "/big/n9"), 0);
    unmount_image();
    expect_fsck_clean();
    unlink(t.img);
}

/* ---- changing images ------------------------------------------------------------ */

static void make_empty_image(const char *opts, unsigned size_kib)
{
    ext2_image_path(t.img, sizeof(t.img), "rw.img");
    assert_int_equal(ext2_image_mkfs(t.img, opts, size_kib), 0);
}

static void write_at(const char *path, int64_t off, size_t n, unsigned seed)
{
    uint8_t *b = malloc(n);
    fill(b, n, seed);
    int fd = vfs_open(t.p, path, VFS_O_CREAT | VFS_O_WRONLY, 0644);
    assert_true(fd >= 0);
    assert_int_equal(vfs_pwrite(t.p, fd, b, n, off), n);
    vfs_close(t.p, fd);
    free(b);
}

static void expect_at(const char *path, int64_t off, size_t n, unsigned seed)
{
    uint8_t *want = malloc(n), *got = malloc(n);
    fill(want, n, seed);
    int fd = vfs_open(t.p, path, VFS_O_RDONLY, 0);
    assert_true(fd >= 0);
    assert_int_equal(vfs_pread(t.p, fd, got, n, off), n);
    assert_memory_equal(got, want, n);
    vfs_close(t.p, fd);
    free(want);
    free(got);
}

static void expect_zero(const char *path, int64_t off, size_t n)
{
    uint8_t *got = malloc(n), *zero = calloc(1, n);
    int fd = vfs_open(t.p, path, VFS_O_RDONLY, 0);
    assert_int_equal(vfs_pread(t.p, fd, got, n, off), n);
    assert_memory_equal(got, zero, n);
    vfs_close(t.p, fd);
    free(got);
    free(zero);
}

static void operation_sequence(void)
{
    struct vfs_stat st;
    assert_int_equal(vfs_mkdir(t.p, "/a", 0755), 0);
    assert_int_equal(vfs_mkdir(t.p, "/a/b", 0700), 0);
    assert_int_equal(vfs_mkdir(t.p, "/c", 0755), 0);
    write_at("/a/small", 0, 10, 1);
    /* direct, single, double and triple indirect (with 1 KiB blocks triple
     * starts at 64.3 MiB), holes between them */
    write_at("/a/b/tree", 0, 5000, 2);
    write_at("/a/b/tree", 200 * 1024, 3000, 3);
    write_at("/a/b/tree", 8 << 20, 9000, 4);
    write_at("/a/b/tree", (int64_t)70 << 20, 5000, 5);
    expect_at("/a/b/tree", 0, 5000, 2);
    expect_at("/a/b/tree", 200 * 1024, 3000, 3);
    expect_at("/a/b/tree", 8 << 20, 9000, 4);
    expect_at("/a/b/tree", (int64_t)70 << 20, 5000, 5);
    expect_zero("/a/b/tree", 5000, 100000);
    int fd = vfs_open(t.p, "/a/b/tree", VFS_O_RDONLY, 0);
    int64_t data = vfs_lseek(t.p, fd, 6000, VFS_SEEK_DATA); /* in block 1 with 4 KiB blocks */
    assert_true(data == 6000 || data == 200 * 1024);
    assert_int_equal(vfs_lseek(t.p, fd, 9 << 20, VFS_SEEK_HOLE), 9 << 20);
    vfs_close(t.p, fd);
    /* truncate: shrink into the double-indirect range frees the rest, the
     * tail of the last block reads as zero after growing again */
    assert_int_equal(vfs_truncate(t.p, "/a/b/tree", (8 << 20) + 100), 0);
    assert_int_equal(vfs_truncate(t.p, "/a/b/tree", (8 << 20) + 5000), 0);
    expect_at("/a/b/tree", 8 << 20, 100, 4);
    expect_zero("/a/b/tree", (8 << 20) + 100, 4900);
    assert_int_equal(vfs_truncate(t.p, "/a/b/tree", 3000), 0);
    expect_at("/a/b/tree", 0, 3000, 2);
    write_at("/a/grow", 0, 1, 6);
    assert_int_equal(vfs_truncate(t.p, "/a/grow", 1 << 30), 0); /* a hole, no blocks */
    assert_int_equal(vfs_stat(t.p, "/a/grow", &st), 0);
    assert_int_equal(st.size, 1 << 30);
    /* names */
    write_at("/a/gone", 0, 20000, 7);
    assert_int_equal(vfs_unlink(t.p, "/a/gone"), 0);
    assert_int_equal(vfs_link(t.p, "/a/small", "/c/small-link"), 0);
    assert_int_equal(vfs_symlink(t.p, "../a/small", "/c/fast"), 0);
    char longt[300];
    memset(longt, 'x', sizeof(longt) - 1);
    longt[sizeof(longt) - 1] = 0;
    assert_int_equal(vfs_symlink(t.p, longt, "/c/slow"), 0);
    char buf[400];
    assert_int_equal(vfs_readlink(t.p, "/c/slow", buf, sizeof(buf)), 299);
    assert_int_equal(vfs_rename(t.p, "/a/b", "/c/b"), 0); /* a directory: ".." moves */
    assert_int_equal(vfs_stat(t.p, "/c/b/..", &st), 0);
    struct vfs_stat c;
    assert_int_equal(vfs_stat(t.p, "/c", &c), 0);
    assert_int_equal(st.ino, c.ino);
    assert_int_equal(c.nlink, 3);
    write_at("/c/victim", 0, 3000, 8);
    assert_int_equal(vfs_rename(t.p, "/a/small", "/c/victim"), 0); /* replaces, frees */
    assert_int_equal(vfs_mkdir(t.p, "/a/empty", 0755), 0);
    assert_int_equal(vfs_mkdir(t.p, "/c/full", 0755), 0);
    write_at("/c/full/x", 0, 1, 9);
    assert_int_equal(vfs_rename(t.p, "/a/empty", "/c/full"), -LINUX_ENOTEMPTY);
    assert_int_equal(vfs_rmdir(t.p, "/c/full"), -LINUX_ENOTEMPTY);
    assert_int_equal(vfs_unlink(t.p, "/c/full/x"), 0);
    assert_int_equal(vfs_rename(t.p, "/a/empty", "/c/full"), 0); /* replaces a directory */
    assert_int_equal(vfs_mkdir(t.p, "/a/rm", 0755), 0);
    assert_int_equal(vfs_rmdir(t.p, "/a/rm"), 0);
    /* attributes */
    assert_int_equal(vfs_chown(t.p, "/c/victim", 100000, 70000), 0); /* (clears set-id bits) */
    assert_int_equal(vfs_chmod(t.p, "/c/victim", 04751), 0);
    vfs_timespec_t times[2] = {{1234567890, 123456789}, {(int64_t)3 << 31, 5}};
    assert_int_equal(vfs_utimensat(t.p, VFS_AT_FDCWD, "/c/fast", times, VFS_AT_SYMLINK_NOFOLLOW),
                     0);
    /* many entries: directories grow by blocks */
    for (int i = 0; i < 150; i++) {
        char p[64];
        snprintf(p, sizeof(p), "/c/many-entries-in-one-directory-%03d", i);
        write_at(p, 0, (size_t)i, (unsigned)i);
    }
    for (int i = 0; i < 150; i += 3) {
        char p[64];
        snprintf(p, sizeof(p), "/c/many-entries-in-one-directory-%03d", i);
        assert_int_equal(vfs_unlink(t.p, p), 0);
    }
}

static void check_after_sequence(bool nsec_times)
{
    struct vfs_stat st;
    expect_at("/c/victim", 0, 10, 1);
    expect_at("/c/small-link", 0, 10, 1);
    assert_int_equal(vfs_stat(t.p, "/c/victim", &st), 0);
    assert_int_equal(st.nlink, 2);
    assert_int_equal(st.mode, VFS_S_IFREG | 04751);
    assert_int_equal(st.uid, 100000);
    assert_int_equal(st.gid, 70000);
    assert_int_equal(vfs_lstat(t.p, "/c/fast", &st), 0);
    assert_int_equal(st.atime.sec, 1234567890);
    if (nsec_times) { /* 256-byte inodes: nanoseconds and dates past 2038 */
        assert_int_equal(st.atime.nsec, 123456789);
        assert_int_equal(st.mtime.sec, (int64_t)3 << 31);
        assert_int_equal(st.mtime.nsec, 5);
    } else { /* 128-byte inodes: seconds up to 2038 */
        assert_int_equal(st.atime.nsec, 0);
        assert_int_equal(st.mtime.sec, INT32_MAX);
    }
    expect_at("/c/b/tree", 0, 3000, 2);
    assert_int_equal(vfs_stat(t.p, "/a/gone", &st), -LINUX_ENOENT);
    for (int i = 1; i < 150; i += 3) {
        char p[64];
        snprintf(p, sizeof(p), "/c/many-entries-in-one-directory-%03d", i);
        expect_at(p, 0, (size_t)i, (unsigned)i);
    }
}

static void write_sequence(const char *opts, bool nsec_times)
{
    make_empty_image(opts, 16384);
    mount_image(0);
    operation_sequence();
    check_statfs_against_debugfs();
    check_after_sequence(nsec_times);
    gather_all();
    unmount_image();
    expect_fsck_clean();
    compare_with_debugfs();
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         clean\n"));
    mount_image(0); /* everything is still there after a remount */
    check_after_sequence(nsec_times);
    unmount_image();
    expect_fsck_clean();
    unlink(t.img);
}

static void test_operation_sequence_is_clean_for_e2fsck_with_1k_blocks(void **state)
{
    (void)state;
    write_sequence("-b 1024", true);
}

static void test_operation_sequence_is_clean_for_e2fsck_with_4k_blocks(void **state)
{
    (void)state;
    write_sequence("-b 4096", true);
}

static void test_operation_sequence_is_clean_with_several_groups_and_128_byte_inodes(void **state)
{
    (void)state;
    write_sequence("-b 1024 -g 2048 -I 128 -O ^resize_inode", false);
}

/* An unlinked file stays readable while open: it sits on the orphan list
 * (visible to debugfs after a sync) and is freed at its last close. */
static void test_unlinked_open_file_is_an_orphan_until_closed(void **state)
{
    (void)state;
    make_empty_image("-b 1024", 4096);
    mount_image(0);
    write_at("/f", 0, 50000, 3);
    struct vfs_statfs before, after;
    assert_int_equal(vfs_statfs(t.p, "/", &before), 0);
    int fd = vfs_open(t.p, "/f", VFS_O_RDWR, 0);
    assert_true(fd >= 0);
    struct vfs_stat st;
    assert_int_equal(vfs_fstat(t.p, fd, &st), 0);
    assert_int_equal(vfs_unlink(t.p, "/f"), 0);
    assert_int_equal(ext2_sync(t.fs), 0);
    assert_int_equal(stat_field(debugfs("stats"), "First orphan inode:"), st.ino);
    uint8_t b[100];
    assert_int_equal(vfs_pread(t.p, fd, b, sizeof(b), 40000), sizeof(b));
    assert_int_equal(vfs_pwrite(t.p, fd, b, sizeof(b), 60000), sizeof(b));
    vfs_close(t.p, fd);
    assert_int_equal(vfs_statfs(t.p, "/", &after), 0);
    assert_true(after.bfree > before.bfree);
    assert_int_equal(after.ffree, before.ffree + 1);
    unmount_image();
    expect_fsck_clean();
    assert_null(strstr(debugfs("stats"), "First orphan inode:"));
    unlink(t.img);
}

static void test_full_file_system_gives_enospc_and_stays_clean(void **state)
{
    (void)state;
    make_empty_image("-b 1024 -N 64", 1024);
    mount_image(0);
    static uint8_t b[64 * 1024];
    int fd = vfs_open(t.p, "/fill", VFS_O_CREAT | VFS_O_WRONLY, 0644);
    int64_t r;
    int64_t total = 0;
    while ((r = vfs_write(t.p, fd, b, sizeof(b))) > 0)
        total += r;
    assert_int_equal(r, -LINUX_ENOSPC);
    assert_true(total > 800 * 1024);
    vfs_close(t.p, fd);
    int n_files = 0;
    for (;; n_files++) {
        char p[32];
        snprintf(p, sizeof(p), "/i%d", n_files);
        int k = vfs_open(t.p, p, VFS_O_CREAT | VFS_O_WRONLY, 0644);
        if (k < 0) {
            assert_int_equal(k, -LINUX_ENOSPC);
            break;
        }
        vfs_close(t.p, k);
    }
    assert_true(n_files > 0 && n_files < 64);
    gather_all();
    unmount_image();
    expect_fsck_clean();
    compare_with_debugfs();
    unlink(t.img);
}

/* ---- what is refused ---------------------------------------------------------------- */

static void expect_mount_refused(const char *mkfs_opts, const char *debugfs_w, unsigned flags,
                                 int err, const char *why)
{
    ext2_image_path(t.img, sizeof(t.img), "refused.img");
    char out[256];
    int st = ext2_image_run(out, sizeof(out), "mke2fs -q -F %s '%s' 4096k", mkfs_opts, t.img);
    assert_int_equal(st, 0);
    if (debugfs_w)
        assert_int_equal(
            ext2_image_run(NULL, 0, "debugfs -w -R '%s' '%s'", debugfs_w, t.img), 0);
    assert_true(ext2_image_open(t.img, flags & EXT2_MOUNT_READ_ONLY, &t.dev));
    vfs_config_t cfg = {{t_alloc, t_free, NULL}, t_clock, NULL};
    vfs_t *vfs = vfs_create(&cfg);
    char msg[200];
    ext2_mount_ret_t r = ext2_mount(vfs, &t.dev, flags, msg, sizeof(msg));
    if (err == 0) {
        assert_int_equal(r.err, 0);
        vfs_fs_destroy(r.fs);
    } else {
        assert_int_equal(r.err, err);
        assert_null(r.fs);
        if (!strstr(msg, why))
            fail_msg("message \"%s\" does not say \"%s\"", msg, why);
    }
    assert_int_equal(vfs_destroy(vfs), 0);
    assert_int_equal(g_live, 0);
    ext2_image_close(&t.dev);
    unlink(t.img);
}

static void test_unsupported_features_are_refused_by_name(void **state)
{
    (void)state;
    expect_mount_refused("-t ext4", NULL, 0, -LINUX_EINVAL, "ext4 extents not supported");
    expect_mount_refused("-t ext4", NULL, EXT2_MOUNT_READ_ONLY, -LINUX_EINVAL,
                         "ext4 extents not supported");
    expect_mount_refused("-t ext3", NULL, 0, -LINUX_EROFS, "ext3 journal not supported");
    expect_mount_refused("-t ext3", NULL, EXT2_MOUNT_READ_ONLY, 0, NULL);
    expect_mount_refused("-t ext2 -O flex_bg", NULL, 0, -LINUX_EINVAL, "flex_bg not supported");
    expect_mount_refused("-t ext2 -O metadata_csum", NULL, 0, -LINUX_EROFS,
                         "metadata_csum not supported");
    expect_mount_refused("-t ext2 -b 1024 -O meta_bg,^resize_inode", NULL, 0, -LINUX_EINVAL,
                         "meta_bg not supported");
}

static void test_dirty_or_erroneous_file_system_is_refused_unless_forced(void **state)
{
    (void)state;
    expect_mount_refused("-t ext2", "ssv state 0", 0, -LINUX_EINVAL, "not cleanly unmounted");
    expect_mount_refused("-t ext2", "ssv state 3", 0, -LINUX_EINVAL, "has errors");
    expect_mount_refused("-t ext2", "ssv state 0", EXT2_MOUNT_READ_ONLY, 0, NULL);
    expect_mount_refused("-t ext2", "ssv state 3", EXT2_MOUNT_FORCE, 0, NULL);
}

/* Mounting marks the image not clean; unmounting marks it clean again. */
static void test_mount_marks_not_clean_and_unmount_clean(void **state)
{
    (void)state;
    make_empty_image("-b 4096", 4096);
    mount_image(0);
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         not clean\n"));
    unmount_image();
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         clean\n"));
    unlink(t.img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mke2fs_tree_reads_like_debugfs_with_1k_blocks),
        cmocka_unit_test(test_mke2fs_tree_reads_like_debugfs_with_4k_blocks),
        cmocka_unit_test(test_hashed_directory_is_read_and_stays_valid),
        cmocka_unit_test(test_operation_sequence_is_clean_for_e2fsck_with_1k_blocks),
        cmocka_unit_test(test_operation_sequence_is_clean_for_e2fsck_with_4k_blocks),
        cmocka_unit_test(test_operation_sequence_is_clean_with_several_groups_and_128_byte_inodes),
        cmocka_unit_test(test_unlinked_open_file_is_an_orphan_until_closed),
        cmocka_unit_test(test_full_file_system_gives_enospc_and_stays_clean),
        cmocka_unit_test(test_unsupported_features_are_refused_by_name),
        cmocka_unit_test(test_dirty_or_erroneous_file_system_is_refused_unless_forced),
        cmocka_unit_test(test_mount_marks_not_clean_and_unmount_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
