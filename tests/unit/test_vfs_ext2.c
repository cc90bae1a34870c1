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
    int st = ext2_image_run(t.out, sizeof(t.out), "debugfs -R '%s' '%s' 2>/dev/null", req, t.img);
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
    char(*names)[256] = malloc(MAX_NAMES * 256);
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

/* A VFS without a clock (times read 0): the deletion time of a freed inode
 * must still not look like a link of the orphan list (e2fsck takes an
 * i_dtime below s_inodes_count for one). */
static void test_unlink_without_a_clock_stays_clean(void **state)
{
    (void)state;
    make_empty_image("-b 1024", 4096);
    assert_true(ext2_image_open(t.img, 0, &t.dev));
    vfs_config_t cfg = {{t_alloc, t_free, NULL}, NULL, NULL};
    t.vfs = vfs_create(&cfg);
    ext2_mount_ret_t r = ext2_mount(t.vfs, &t.dev, 0, NULL, 0);
    assert_int_equal(r.err, 0);
    t.fs = r.fs;
    assert_int_equal(vfs_mount(t.vfs, NULL, "/", t.fs), 0);
    t.p = vfs_proc_create(t.vfs, 0, 0, 022, 64);
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof(name), "/f%d", i);
        write_at(name, 0, 3000, (uint8_t)i);
        if (i % 2 == 0)
            assert_int_equal(vfs_unlink(t.p, name), 0);
    }
    unmount_image();
    expect_fsck_clean();
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
        assert_int_equal(ext2_image_run(NULL, 0, "debugfs -w -R '%s' '%s'", debugfs_w, t.img), 0);
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

/* A server without a shutdown path marks the image clean when it goes idle:
 * the image is then clean for e2fsck and a read-write mount as it is, the
 * next write (an atime too) makes it not clean first, and an open unlinked
 * file keeps it not clean (its orphan must reach e2fsck). */
static void test_mark_clean_while_mounted_until_the_next_write(void **state)
{
    (void)state;
    make_empty_image("-b 1024", 4096);
    mount_image(0);
    write_at("/f", 0, 20000, 5);
    assert_int_equal(ext2_mark_clean(t.fs), 0);
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         clean\n"));
    expect_fsck_clean();
    assert_non_null(strstr(debugfs("stat /f"), "Size: 20000"));
    assert_int_equal(ext2_mark_clean(t.fs), 0); /* nothing changed: nothing written */
    expect_at("/f", 0, 20000, 5); /* the last close writes the new atime: not clean */
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         not clean\n"));
    assert_int_equal(ext2_mark_clean(t.fs), 0);
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         clean\n"));
    assert_int_equal(vfs_mkdir(t.p, "/d", 0755), 0);
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         not clean\n"));
    int fd = vfs_open(t.p, "/f", VFS_O_RDWR, 0);
    assert_true(fd >= 0);
    assert_int_equal(vfs_unlink(t.p, "/f"), 0);
    assert_int_equal(ext2_mark_clean(t.fs), -LINUX_EBUSY);
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         not clean\n"));
    vfs_close(t.p, fd);
    assert_int_equal(ext2_mark_clean(t.fs), 0);
    assert_non_null(strstr(debugfs("stats"), "Filesystem state:         clean\n"));
    expect_fsck_clean();
    assert_non_null(strstr(debugfs("stat /d"), "Type: directory"));
    unmount_image();
    expect_fsck_clean();
    unlink(t.img);
}

/* ---- corrupted images: a clear error, never a crash --------------------------- */

static void patch(uint64_t off, const void *bytes, size_t n)
{
    int fd = open(t.img, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, bytes, n, (off_t)off), (ssize_t)n);
    close(fd);
}

static void patch32(uint64_t off, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    patch(off, b, 4);
}

static void patch16(uint64_t off, uint32_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    patch(off, b, 2);
}

/* Where debugfs says inode ino lives (byte offset in the image). */
static uint64_t inode_offset(const char *path)
{
    const char *out = debugfs("imap %s", path);
    const char *at = strstr(out, "located at block ");
    assert_non_null(at);
    unsigned long blk, off;
    assert_int_equal(sscanf(at, "located at block %lu, offset 0x%lx", &blk, &off), 2);
    return (uint64_t)blk * 1024 + off;
}

static uint64_t block_offset(const char *path, unsigned lblk)
{
    const char *out = debugfs("bmap %s %u", path, lblk);
    return strtoull(out, NULL, 0) * 1024;
}

/* The byte offset of the entry called name in dir's first block. */
static uint64_t entry_offset(const char *dir, const char *name)
{
    uint64_t blk = block_offset(dir, 0);
    uint8_t b[1024];
    int fd = open(t.img, O_RDONLY);
    assert_int_equal(pread(fd, b, sizeof(b), (off_t)blk), (ssize_t)sizeof(b));
    close(fd);
    for (unsigned off = 0; off + 8 <= sizeof(b);) {
        unsigned rec = b[off + 4] | b[off + 5] << 8, len = b[off + 6];
        if (len == strlen(name) && memcmp(b + off + 8, name, len) == 0)
            return blk + off;
        if (rec < 8)
            break;
        off += rec;
    }
    fail_msg("no entry %s in %s", name, dir);
    return 0;
}

/* A 1 KiB-block image: /f (300 KiB, indirect blocks), /d/sub/y (directories), /d/x. */
static void make_victim_image(void)
{
    char src[600];
    ext2_image_path(t.img, sizeof(t.img), "corrupt.img");
    snprintf(src, sizeof(src), "%s.d", t.img);
    ext2_image_run(NULL, 0, "rm -rf '%s'; mkdir -p '%s/d/sub/y' '%s/e'", src, src, src);
    char p[700];
    snprintf(p, sizeof(p), "%s/f", src);
    write_host_file(p, 300 * 1024, 1);
    snprintf(p, sizeof(p), "%s/d/x", src);
    write_host_file(p, 10, 2);
    char opt[1000];
    snprintf(opt, sizeof(opt), "-b 1024 -d '%s'", src);
    assert_int_equal(ext2_image_mkfs(t.img, opt, 2048), 0);
    ext2_image_run(NULL, 0, "rm -rf '%s'", src);
}

typedef struct {
    const char *what;
    void (*damage)(void);
    const char *mount_error; /* mount refuses with this; NULL: mounts */
    const char *op_path;     /* then stat+read+list of this path fails with EUCLEAN */
    const char *op_error;
} corruption_t;

static void bad_magic(void)
{
    patch16(1024 + 56, 0x1234);
}
static void bad_block_size(void)
{
    patch32(1024 + 24, 9);
}
static void blocks_beyond_device(void)
{
    patch32(1024 + 4, 1u << 30);
}
static void zero_inodes_per_group(void)
{
    patch32(1024 + 40, 0);
}
static void bad_inode_size(void)
{
    patch16(1024 + 88, 100);
}
static void odd_blocks_per_group(void)
{
    patch32(1024 + 32, 8191);
}
static void inode_count_mismatch(void)
{
    patch32(1024 + 0, 12345);
}
static void revision_7(void)
{
    patch32(1024 + 76, 7);
}
static void inode_table_outside_group(void)
{
    patch32(2048 + 8, 1u << 20);
}
static void bitmap_inside_inode_table(void)
{
    uint8_t b[4];
    int fd = open(t.img, O_RDONLY);
    assert_int_equal(pread(fd, b, 4, 2048 + 8), 4);
    close(fd);
    patch(2048 + 0, b, 4); /* block bitmap = first inode table block */
}
static void free_count_too_big(void)
{
    patch16(2048 + 12, 60000);
}
static void root_not_a_directory(void)
{
    patch16(inode_offset("<2>") + 0, 0100644);
}
static void root_dot_wrong(void)
{
    patch32(block_offset("/", 0), 77);
}
static void directory_loop(void)
{
    /* /d/sub/y becomes /d: walking down finds an ancestor again */
    uint64_t y = entry_offset("/d/sub", "y");
    unsigned d_ino = 0;
    static ls_entry_t ls[64];
    int n = parse_ls(debugfs("ls -l /"), ls, 64);
    for (int i = 0; i < n; i++)
        if (!strcmp(ls[i].name, "d"))
            d_ino = ls[i].ino;
    assert_true(d_ino != 0);
    patch32(y, d_ino);
}
static void second_link_to_directory(void)
{
    static ls_entry_t ls[64];
    int n = parse_ls(debugfs("ls -l /d"), ls, 64);
    unsigned sub = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(ls[i].name, "sub"))
            sub = ls[i].ino;
    uint64_t blk = block_offset("/e", 0);
    /* /e's ".." entry stretches to the block end: make room for "z" -> sub */
    patch16(blk + 12 + 4, 12);
    uint8_t ent[12] = {0};
    ent[0] = (uint8_t)sub, ent[1] = (uint8_t)(sub >> 8);
    ent[4] = (uint8_t)(1024 - 24), ent[5] = (uint8_t)((1024 - 24) >> 8);
    ent[6] = 1, ent[7] = 2, ent[8] = 'z';
    patch(blk + 24, ent, sizeof(ent));
}
static void data_block_out_of_range(void)
{
    patch32(inode_offset("/f") + 40, 0x00ffffff);
}
static void indirect_block_out_of_range(void)
{
    patch32(inode_offset("/f") + 40 + 48, 99999999);
}
static void entry_in_indirect_out_of_range(void)
{
    uint8_t b[4];
    int fd = open(t.img, O_RDONLY);
    assert_int_equal(pread(fd, b, 4, (off_t)inode_offset("/f") + 40 + 48), 4);
    close(fd);
    uint64_t ind = (uint64_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24) * 1024;
    patch32(ind + 4, 0xfffffff0);
}
static void bad_rec_len(void)
{
    patch16(entry_offset("/d", "x") + 4, 3);
}
static void rec_len_past_block(void)
{
    patch16(entry_offset("/d", "x") + 4, 4000);
}
static void entry_names_huge_inode(void)
{
    patch32(entry_offset("/d", "x"), 0x7fffffff);
}
static void entry_names_reserved_inode(void)
{
    patch32(entry_offset("/d", "x"), 5);
}
static void entry_names_deleted_inode(void)
{
    patch16(inode_offset("/d/x") + 26, 0);
}
static void dir_size_not_blocks(void)
{
    patch32(inode_offset("/d") + 4, 1000);
}
static void bad_file_mode(void)
{
    patch16(inode_offset("/d/x") + 0, 0170644);
}
static void extents_flag(void)
{
    patch32(inode_offset("/d/x") + 32, 0x80000);
}
static void dir_hole(void)
{
    patch32(inode_offset("/d") + 40, 0);
}

static const corruption_t corruptions[] = {
    {"bad superblock magic", bad_magic, "not an ext2 file system", NULL, NULL},
    {"block size 512 KiB", bad_block_size, "block size", NULL, NULL},
    {"more blocks than the device", blocks_beyond_device, "bad block count", NULL, NULL},
    {"no inodes per group", zero_inodes_per_group, "bad inodes per group", NULL, NULL},
    {"inode size 100", bad_inode_size, "bad inode size 100", NULL, NULL},
    {"blocks per group not a multiple of 8", odd_blocks_per_group, "bad blocks per group", NULL,
     NULL},
    {"inode count not groups x per-group", inode_count_mismatch, "inode count", NULL, NULL},
    {"revision 7", revision_7, "revision 7", NULL, NULL},
    {"inode table outside its group", inode_table_outside_group, "group 0: bitmaps", NULL, NULL},
    {"block bitmap inside the inode table", bitmap_inside_inode_table, "overlapping", NULL, NULL},
    {"group free count too big", free_count_too_big, "group 0: counts out of range", NULL, NULL},
    {"root is a regular file", root_not_a_directory, "the root inode is not a directory", NULL,
     NULL},
    {"root's \".\" names another inode", root_dot_wrong, "first entry is not \".\"", NULL, NULL},
    {"directory loop", directory_loop, NULL, "/d/sub/y", "a directory loop"},
    {"second link to a directory", second_link_to_directory, NULL, "/e/z", "a directory loop"},
    {"data block out of range", data_block_out_of_range, NULL, "/f", "out of range"},
    {"indirect block out of range", indirect_block_out_of_range, NULL, "/f", "out of range"},
    {"indirect entry out of range", entry_in_indirect_out_of_range, NULL, "/f", "out of range"},
    {"rec_len 3", bad_rec_len, NULL, "/d/x", "bad entry"},
    {"rec_len past the block", rec_len_past_block, NULL, "/d/x", "bad entry"},
    {"entry names inode 2^31", entry_names_huge_inode, NULL, "/d/x", "out of range"},
    {"entry names reserved inode 5", entry_names_reserved_inode, NULL, "/d/x", "reserved"},
    {"entry names a deleted inode", entry_names_deleted_inode, NULL, "/d/x", "deleted"},
    {"directory size not whole blocks", dir_size_not_blocks, NULL, "/d/x", "bad size"},
    {"bad file mode", bad_file_mode, NULL, "/d/x", "bad mode"},
    {"ext4 extents flag on an inode", extents_flag, NULL, "/d/x", "extents"},
    {"directory with a hole", dir_hole, NULL, "/d/x", "no first block"},
};

/* Tries everything on path: stat, read, list, create next to it. */
static void poke(const char *path)
{
    struct vfs_stat st;
    static uint8_t b[8192];
    (void)vfs_lstat(t.p, path, &st);
    int fd = vfs_open(t.p, path, VFS_O_RDONLY, 0);
    if (fd >= 0) {
        while (vfs_read(t.p, fd, b, sizeof(b)) > 0)
            ;
        (void)vfs_getdents64(t.p, fd, b, sizeof(b));
        vfs_close(t.p, fd);
    }
    char p2[300];
    snprintf(p2, sizeof(p2), "%s-new", path);
    fd = vfs_open(t.p, p2, VFS_O_CREAT | VFS_O_WRONLY, 0644);
    if (fd >= 0)
        vfs_close(t.p, fd);
    (void)vfs_unlink(t.p, path);
    (void)vfs_rename(t.p, "/d", "/e/moved");
}

static void test_corrupted_images_give_a_clear_error(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(corruptions) / sizeof(corruptions[0]); i++) {
        const corruption_t *c = &corruptions[i];
        make_victim_image();
        c->damage();
        assert_true(ext2_image_open(t.img, false, &t.dev));
        vfs_config_t cfg = {{t_alloc, t_free, NULL}, t_clock, NULL};
        t.vfs = vfs_create(&cfg);
        char msg[200];
        ext2_mount_ret_t r = ext2_mount(t.vfs, &t.dev, 0, msg, sizeof(msg));
        if (c->mount_error) {
            /* EINVAL: the superblock or descriptors; EUCLEAN: the root found bad */
            if ((r.err != -LINUX_EINVAL && r.err != -LINUX_EUCLEAN) || r.fs ||
                !strstr(msg, c->mount_error))
                fail_msg("%s: mount gave %d \"%s\", want EINVAL \"%s\"", c->what, r.err, msg,
                         c->mount_error);
        } else {
            if (r.err)
                fail_msg("%s: mount failed: %s", c->what, msg);
            t.fs = r.fs;
            assert_int_equal(vfs_mount(t.vfs, NULL, "/", t.fs), 0);
            t.p = vfs_proc_create(t.vfs, 0, 0, 022, 64);
            struct vfs_stat st;
            int err = vfs_stat(t.p, c->op_path, &st);
            if (err == 0) { /* the damage is in the data: reading finds it */
                static uint8_t b[4096];
                int fd = vfs_open(t.p, c->op_path, VFS_O_RDONLY, 0);
                int64_t k = 0;
                while (fd >= 0 && (k = vfs_read(t.p, fd, b, sizeof(b))) > 0)
                    ;
                vfs_close(t.p, fd);
                err = (int)k;
            }
            if (err != -LINUX_EUCLEAN || !strstr(ext2_error(t.fs), c->op_error))
                fail_msg("%s: %s gave %d \"%s\", want EUCLEAN \"%s\"", c->what, c->op_path, err,
                         ext2_error(t.fs), c->op_error);
            poke(c->op_path);
            poke("/d");
            poke("/");
            vfs_proc_destroy(t.p);
        }
        assert_int_equal(vfs_destroy(t.vfs), 0);
        assert_int_equal(g_live, 0);
        ext2_image_close(&t.dev);
        if (!c->mount_error) /* the error is recorded for e2fsck */
            assert_non_null(strstr(debugfs("stats"), "with errors"));
        unlink(t.img);
    }
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
        cmocka_unit_test(test_unlink_without_a_clock_stays_clean),
        cmocka_unit_test(test_full_file_system_gives_enospc_and_stays_clean),
        cmocka_unit_test(test_unsupported_features_are_refused_by_name),
        cmocka_unit_test(test_dirty_or_erroneous_file_system_is_refused_unless_forced),
        cmocka_unit_test(test_mount_marks_not_clean_and_unmount_clean),
        cmocka_unit_test(test_mark_clean_while_mounted_until_the_next_write),
        cmocka_unit_test(test_corrupted_images_give_a_clear_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
