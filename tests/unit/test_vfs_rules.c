// SPDX-License-Identifier: BSD-2-Clause
/* Rules of the KaaL VFS that the differential test cannot compare against
 * the host, checked against hand-written Linux expectations: permissions
 * for non-root users (the tests run as root, and root bypasses rwx), mounts,
 * the ramfs size limit, devfs, fork/exec of fd tables, timestamps, getcwd,
 * and freeing of unlinked-but-open files. Every case ends by destroying the
 * VFS and checking that no byte stays allocated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/vfs.h>

static size_t g_live;
static long g_fail_after = -1; /* allocations left before failing; -1 never */

static void *t_alloc(void *ctx, size_t n)
{
    (void)ctx;
    if (g_fail_after == 0)
        return NULL;
    if (g_fail_after > 0)
        g_fail_after--;
    g_live += n;
    return malloc(n);
}

static void t_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    g_live -= n;
    free(p);
}

static int64_t g_now;
static vfs_timespec_t t_clock(void *ctx)
{
    (void)ctx;
    return (vfs_timespec_t){g_now, 0};
}

static vfs_t *vfs;
static vfs_proc_t *root; /* uid 0 */

static int setup(void **state)
{
    (void)state;
    g_live = 0;
    g_now = 100;
    g_fail_after = -1;
    vfs_config_t cfg = {{t_alloc, t_free, NULL}, t_clock, NULL};
    vfs = vfs_create(&cfg);
    assert_int_equal(vfs_mount(vfs, NULL, "/", ramfs_create(vfs, NULL)), 0);
    root = vfs_proc_create(vfs, 0, 0, 022, 64);
    assert_non_null(root);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vfs_proc_destroy(root);
    assert_int_equal(vfs_destroy(vfs), 0);
    assert_int_equal(g_live, 0);
    return 0;
}

static vfs_proc_t *user(vfs_uid_t uid, vfs_gid_t gid)
{
    vfs_proc_t *p = vfs_proc_create(vfs, uid, gid, 022, 64);
    assert_non_null(p);
    return p;
}

static void make_file(vfs_proc_t *p, const char *path, vfs_mode_t mode, const char *text)
{
    int fd = vfs_open(p, path, VFS_O_CREAT | VFS_O_WRONLY | VFS_O_TRUNC, mode);
    assert_true(fd >= 0);
    if (text)
        assert_int_equal(vfs_write(p, fd, text, strlen(text)), (int64_t)strlen(text));
    assert_int_equal(vfs_close(p, fd), 0);
}

static void test_non_owner_needs_permission_bits(void **state)
{
    (void)state;
    vfs_proc_t *u = user(1000, 1000);
    assert_int_equal(vfs_mkdir(root, "/p", 0755), 0);
    make_file(root, "/p/secret", 0600, "s");
    make_file(root, "/p/public", 0644, "p");
    assert_int_equal(vfs_open(u, "/p/new", VFS_O_CREAT | VFS_O_RDWR, 0644), -LINUX_EACCES);
    assert_int_equal(vfs_mkdir(u, "/p/d", 0755), -LINUX_EACCES);
    assert_int_equal(vfs_unlink(u, "/p/public"), -LINUX_EACCES);
    assert_int_equal(vfs_open(u, "/p/secret", VFS_O_RDONLY, 0), -LINUX_EACCES);
    int fd = vfs_open(u, "/p/public", VFS_O_RDONLY, 0);
    assert_true(fd >= 0);
    assert_int_equal(vfs_close(u, fd), 0);
    assert_int_equal(vfs_open(u, "/p/public", VFS_O_WRONLY, 0), -LINUX_EACCES);
    assert_int_equal(vfs_open(u, "/p/public", VFS_O_RDONLY | VFS_O_TRUNC, 0), -LINUX_EACCES);
    assert_int_equal(vfs_truncate(u, "/p/public", 0), -LINUX_EACCES);
    /* Group bits apply to members, owner bits alone to the owner. */
    make_file(root, "/p/group", 0640, "g");
    assert_int_equal(vfs_chown(root, "/p/group", 0, 1000), 0);
    fd = vfs_open(u, "/p/group", VFS_O_RDONLY, 0);
    assert_true(fd >= 0);
    assert_int_equal(vfs_close(u, fd), 0);
    make_file(root, "/p/mine", 0077, "m");
    assert_int_equal(vfs_chown(root, "/p/mine", 1000, 1000), 0);
    assert_int_equal(vfs_open(u, "/p/mine", VFS_O_RDONLY, 0), -LINUX_EACCES);
    assert_int_equal(vfs_access(u, "/p/mine", VFS_R_OK), -LINUX_EACCES);
    assert_int_equal(vfs_access(u, "/p/public", VFS_R_OK), 0);
    assert_int_equal(vfs_access(u, "/p/public", VFS_W_OK), -LINUX_EACCES);
    /* Search permission on every directory of the path, the last included. */
    assert_int_equal(vfs_chmod(root, "/p", 0744), 0);
    struct vfs_stat st;
    assert_int_equal(vfs_stat(u, "/p/public", &st), -LINUX_EACCES);
    assert_int_equal(vfs_stat(u, "/p", &st), 0);
    assert_int_equal(vfs_chdir(u, "/p"), -LINUX_EACCES);
    assert_int_equal(vfs_chmod(root, "/p", 0711), 0);
    assert_int_equal(vfs_stat(u, "/p/public", &st), 0);
    fd = vfs_open(u, "/p", VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
    assert_int_equal(fd, -LINUX_EACCES);
    /* Root passes rwx, but executes only what somebody may execute. */
    assert_int_equal(vfs_access(root, "/p/secret", VFS_R_OK | VFS_W_OK), 0);
    assert_int_equal(vfs_access(root, "/p/secret", VFS_X_OK), -LINUX_EACCES);
    assert_int_equal(vfs_chmod(root, "/p/secret", 0601), 0);
    assert_int_equal(vfs_access(root, "/p/secret", VFS_X_OK), 0);
    /* Supplementary groups count. */
    vfs_gid_t groups[] = {1000};
    vfs_proc_set_creds(u, 2000, 2000, 1, groups);
    fd = vfs_open(u, "/p/group", VFS_O_RDONLY, 0);
    assert_true(fd >= 0);
    assert_int_equal(vfs_close(u, fd), 0);
    vfs_proc_destroy(u);
}

static void test_sticky_directory_protects_other_users_files(void **state)
{
    (void)state;
    vfs_proc_t *a = user(1001, 100), *b = user(1002, 100);
    assert_int_equal(vfs_mkdir(root, "/tmp", 01777), 0);
    assert_int_equal(vfs_chmod(root, "/tmp", 01777), 0);
    make_file(a, "/tmp/a", 0666, "a");
    assert_int_equal(vfs_unlink(b, "/tmp/a"), -LINUX_EPERM);
    assert_int_equal(vfs_rename(b, "/tmp/a", "/tmp/b"), -LINUX_EPERM);
    make_file(b, "/tmp/b", 0666, "b");
    assert_int_equal(vfs_rename(a, "/tmp/a", "/tmp/b"), -LINUX_EPERM); /* b's file is the victim */
    assert_int_equal(vfs_unlink(a, "/tmp/a"), 0);
    assert_int_equal(vfs_unlink(root, "/tmp/b"), 0);
    /* Renaming a directory to another parent needs write access to it. */
    assert_int_equal(vfs_mkdir(a, "/tmp/da", 0555), 0);
    assert_int_equal(vfs_mkdir(a, "/tmp/db", 0755), 0);
    assert_int_equal(vfs_rename(a, "/tmp/da", "/tmp/db/da"), -LINUX_EACCES);
    assert_int_equal(vfs_chmod(a, "/tmp/da", 0755), 0);
    assert_int_equal(vfs_rename(a, "/tmp/da", "/tmp/db/da"), 0);
    vfs_proc_destroy(a);
    vfs_proc_destroy(b);
}

static void test_chmod_chown_utimens_need_ownership(void **state)
{
    (void)state;
    vfs_proc_t *u = user(1000, 1000);
    make_file(root, "/f", 0644, "x");
    assert_int_equal(vfs_chmod(u, "/f", 0777), -LINUX_EPERM);
    assert_int_equal(vfs_chown(u, "/f", 1000, VFS_ID_UNCHANGED), -LINUX_EPERM);
    assert_int_equal(vfs_chown(root, "/f", 1000, 0), 0);
    assert_int_equal(vfs_chown(u, "/f", 0, VFS_ID_UNCHANGED), -LINUX_EPERM); /* give away */
    assert_int_equal(vfs_chown(u, "/f", 1000, 1000), 0);                     /* own group */
    assert_int_equal(vfs_chown(u, "/f", VFS_ID_UNCHANGED, 5), -LINUX_EPERM);
    /* Setting setgid for a group one is not in silently drops the bit. */
    assert_int_equal(vfs_chown(root, "/f", 1000, 5), 0);
    assert_int_equal(vfs_chmod(u, "/f", 02755), 0);
    struct vfs_stat st;
    assert_int_equal(vfs_stat(u, "/f", &st), 0);
    assert_int_equal(st.mode & 07777, 0755);
    /* utimens: explicit times need ownership, "now" needs write access. */
    make_file(root, "/g", 0666, "g");
    assert_int_equal(vfs_chmod(root, "/g", 0666), 0);
    vfs_timespec_t t[2] = {{5, 0}, {6, 0}};
    assert_int_equal(vfs_utimensat(u, VFS_AT_FDCWD, "/g", t, 0), -LINUX_EPERM);
    assert_int_equal(vfs_utimensat(u, VFS_AT_FDCWD, "/g", NULL, 0), 0);
    assert_int_equal(vfs_chmod(root, "/g", 0644), 0);
    assert_int_equal(vfs_utimensat(u, VFS_AT_FDCWD, "/g", NULL, 0), -LINUX_EACCES);
    assert_int_equal(vfs_utimensat(root, VFS_AT_FDCWD, "/g", t, 0), 0);
    assert_int_equal(vfs_stat(u, "/g", &st), 0);
    assert_int_equal(st.atime.sec, 5);
    assert_int_equal(st.mtime.sec, 6);
    vfs_proc_destroy(u);
}

static void test_mounts_cross_and_refuse_while_busy(void **state)
{
    (void)state;
    struct vfs_stat st, mst;
    assert_int_equal(vfs_mkdir(root, "/mnt", 0755), 0);
    make_file(root, "/mnt/hidden", 0644, "under");
    make_file(root, "/file", 0644, "f");
    vfs_fs_t *fs = ramfs_create(vfs, NULL);
    assert_int_equal(vfs_mount(vfs, root, "/file", fs), -LINUX_ENOTDIR);
    assert_int_equal(vfs_mount(vfs, root, "/nope", fs), -LINUX_ENOENT);
    assert_int_equal(vfs_mount(vfs, root, "/", fs), -LINUX_EBUSY);
    assert_int_equal(vfs_mount(vfs, root, "/mnt", fs), 0);
    vfs_fs_t *fs2 = ramfs_create(vfs, NULL);
    assert_int_equal(vfs_mount(vfs, root, "/mnt", fs2), -LINUX_EBUSY);
    vfs_fs_destroy(fs2);
    assert_int_equal(vfs_stat(root, "/mnt/hidden", &st), -LINUX_ENOENT);
    make_file(root, "/mnt/inside", 0644, "in");
    assert_int_equal(vfs_stat(root, "/mnt/../file", &st), 0);
    assert_int_equal(vfs_stat(root, "/mnt/..", &mst), 0);
    assert_int_equal(vfs_stat(root, "/", &st), 0);
    assert_int_equal(st.ino, mst.ino);
    assert_int_equal(st.dev, mst.dev);
    assert_int_equal(vfs_stat(root, "/mnt", &mst), 0);
    assert_true(mst.dev != st.dev);
    /* Nothing moves or links across mounts; a mount point cannot go. */
    assert_int_equal(vfs_rename(root, "/file", "/mnt/file"), -LINUX_EXDEV);
    assert_int_equal(vfs_link(root, "/mnt/inside", "/link"), -LINUX_EXDEV);
    assert_int_equal(vfs_rmdir(root, "/mnt"), -LINUX_EBUSY);
    assert_int_equal(vfs_rename(root, "/mnt", "/mnt2"), -LINUX_EBUSY);
    assert_int_equal(vfs_rename(root, "/file", "/mnt"), -LINUX_EISDIR);
    assert_int_equal(vfs_umount(vfs, root, "/file"), -LINUX_EINVAL);
    assert_int_equal(vfs_umount(vfs, root, "/"), -LINUX_EBUSY);
    /* Busy while a file is open, a cwd is inside, or a mount is below. */
    int fd = vfs_open(root, "/mnt/inside", VFS_O_RDONLY, 0);
    assert_true(fd >= 0);
    assert_int_equal(vfs_umount(vfs, root, "/mnt"), -LINUX_EBUSY);
    assert_int_equal(vfs_close(root, fd), 0);
    vfs_proc_t *u = user(0, 0);
    assert_int_equal(vfs_chdir(u, "/mnt"), 0);
    char cwd[64];
    assert_int_equal(vfs_getcwd(u, cwd, sizeof(cwd)), 5);
    assert_string_equal(cwd, "/mnt");
    assert_int_equal(vfs_umount(vfs, root, "/mnt"), -LINUX_EBUSY);
    assert_int_equal(vfs_chdir(u, ".."), 0);
    assert_int_equal(vfs_mkdir(root, "/mnt/sub", 0755), 0);
    assert_int_equal(vfs_mount(vfs, root, "/mnt/sub", ramfs_create(vfs, NULL)), 0);
    assert_int_equal(vfs_umount(vfs, root, "/mnt"), -LINUX_EBUSY);
    assert_int_equal(vfs_umount(vfs, root, "/mnt/sub"), 0);
    assert_int_equal(vfs_umount(vfs, root, "/mnt"), 0);
    assert_int_equal(vfs_stat(root, "/mnt/hidden", &st), 0); /* uncovered again */
    vfs_proc_destroy(u);
}

static void test_ramfs_limit_gives_enospc_and_keeps_data(void **state)
{
    (void)state;
    assert_int_equal(vfs_mkdir(root, "/small", 0755), 0);
    ramfs_options_t opt = {.limit_bytes = 16 * 4096, .max_inodes = 4};
    assert_int_equal(vfs_mount(vfs, root, "/small", ramfs_create(vfs, &opt)), 0);
    static uint8_t buf[100 * 1024], back[100 * 1024];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 13 + 1);
    int fd = vfs_open(root, "/small/f", VFS_O_CREAT | VFS_O_RDWR, 0644);
    assert_true(fd >= 0);
    assert_int_equal(vfs_write(root, fd, buf, sizeof(buf)), 16 * 4096); /* short write */
    assert_int_equal(vfs_write(root, fd, buf, 10), -LINUX_ENOSPC);
    assert_int_equal(vfs_pwrite(root, fd, buf, 10, 1 << 20), -LINUX_ENOSPC);
    struct vfs_stat st;
    assert_int_equal(vfs_fstat(root, fd, &st), 0);
    assert_int_equal(st.size, 16 * 4096);
    assert_int_equal(st.blocks, 16 * 8);
    assert_int_equal(vfs_pread(root, fd, back, sizeof(back), 0), 16 * 4096);
    assert_memory_equal(back, buf, 16 * 4096);
    struct vfs_statfs sfs;
    assert_int_equal(vfs_statfs(root, "/small", &sfs), 0);
    assert_int_equal(sfs.blocks, 16);
    assert_int_equal(sfs.bfree, 0);
    /* Overwriting allocated pages still works when full. */
    assert_int_equal(vfs_pwrite(root, fd, "hello", 5, 100), 5);
    /* Truncate gives pages back. */
    assert_int_equal(vfs_ftruncate(root, fd, 4096 + 1), 0);
    assert_int_equal(vfs_statfs(root, "/small", &sfs), 0);
    assert_int_equal(sfs.bfree, 14);
    assert_int_equal(vfs_pread(root, fd, back, 8192, 0), 4097);
    assert_memory_equal(back + 100, "hello", 5);
    assert_int_equal(vfs_ftruncate(root, fd, 8192), 0);
    assert_int_equal(vfs_pread(root, fd, back, 8192, 0), 8192);
    for (int i = 4097; i < 8192; i++)
        assert_int_equal(back[i], 0);
    /* The inode limit: root + f + 2 more. */
    assert_int_equal(vfs_mkdir(root, "/small/d1", 0755), 0);
    assert_int_equal(vfs_symlink(root, "x", "/small/l1"), 0);
    assert_int_equal(vfs_mkdir(root, "/small/d2", 0755), -LINUX_ENOSPC);
    assert_int_equal(vfs_open(root, "/small/g", VFS_O_CREAT | VFS_O_RDWR, 0644), -LINUX_ENOSPC);
    assert_int_equal(vfs_close(root, fd), 0);
    assert_int_equal(vfs_unlink(root, "/small/f"), 0);
    assert_int_equal(vfs_statfs(root, "/small", &sfs), 0);
    assert_int_equal(sfs.bfree, 16);
    assert_int_equal(sfs.ffree, 1);
    assert_int_equal(vfs_umount(vfs, root, "/small"), 0);
}

/* Sequential transfers walk the page tree once per leaf of 512 pages: data
 * written across leaf boundaries, while the tree grows from one page to
 * three levels, with partial pages, whole pages and holes, reads back as
 * a byte model of the file says (holes and unwritten tails as zeros). */
static void test_large_sparse_file_reads_back_across_tree_leaves(void **state)
{
    (void)state;
    enum { FILE_BYTES = 5 * 1024 * 1024 + 777, LEAF_BYTES = 512 * 4096 };
    static uint8_t model[FILE_BYTES], back[FILE_BYTES], data[FILE_BYTES];
    static const struct {
        int64_t off;
        size_t n;
    } writes[] = {
        {0, 4096},                                      /* height 0: the root is the page */
        {100, 3 * LEAF_BYTES / 2},                      /* grows to 2 levels mid-write */
        {LEAF_BYTES - 4096 - 5, 3 * 4096 + 10},         /* across the first leaf boundary */
        {2 * LEAF_BYTES + 4096 * 7, 64 * 1024},         /* after a hole, whole pages */
        {FILE_BYTES - 3000, 3000},                      /* a lone partial page at the end */
        {LEAF_BYTES * 2 - 64 * 1024, 64 * 1024 + 4096}, /* ends one page into a leaf */
    };
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 31 + (i >> 12) + 1);
    memset(model, 0, sizeof(model));
    int fd = vfs_open(root, "/big", VFS_O_CREAT | VFS_O_RDWR, 0644);
    assert_true(fd >= 0);
    for (size_t w = 0; w < sizeof(writes) / sizeof(writes[0]); w++) {
        const uint8_t *src = data + w * 4099;
        assert_int_equal(vfs_pwrite(root, fd, src, writes[w].n, writes[w].off), writes[w].n);
        memcpy(model + writes[w].off, src, writes[w].n);
    }
    assert_int_equal(vfs_pread(root, fd, back, FILE_BYTES, 0), FILE_BYTES);
    assert_memory_equal(back, model, FILE_BYTES);
    /* Reads in 64 KiB blocks at an odd start, crossing every boundary. */
    memset(back, 0xee, sizeof(back));
    for (int64_t off = 3; off < FILE_BYTES; off += 65536) {
        size_t want = FILE_BYTES - off < 65536 ? (size_t)(FILE_BYTES - off) : 65536;
        assert_int_equal(vfs_pread(root, fd, back + off, 65536, off), want);
    }
    assert_memory_equal(back + 3, model + 3, FILE_BYTES - 3);
    assert_int_equal(vfs_close(root, fd), 0);
}

static void test_unlinked_file_is_freed_at_last_close(void **state)
{
    (void)state;
    assert_int_equal(vfs_mkdir(root, "/m", 0755), 0);
    ramfs_options_t opt = {.limit_bytes = 64 * 4096, .max_inodes = 100};
    assert_int_equal(vfs_mount(vfs, root, "/m", ramfs_create(vfs, &opt)), 0);
    static uint8_t buf[40000];
    memset(buf, 7, sizeof(buf));
    int fd = vfs_open(root, "/m/f", VFS_O_CREAT | VFS_O_RDWR, 0644);
    assert_int_equal(vfs_write(root, fd, buf, sizeof(buf)), (int64_t)sizeof(buf));
    vfs_proc_t *child = vfs_proc_fork(root);
    assert_int_equal(vfs_unlink(root, "/m/f"), 0);
    struct vfs_statfs sfs;
    assert_int_equal(vfs_statfs(root, "/m", &sfs), 0);
    assert_int_equal(sfs.bfree, 64 - 10);
    assert_int_equal(vfs_close(root, fd), 0);
    assert_int_equal(vfs_statfs(root, "/m", &sfs), 0);
    assert_int_equal(sfs.bfree, 64 - 10); /* the child still has it */
    assert_int_equal(vfs_pread(child, fd, buf, 10, 39995), 5);
    vfs_proc_destroy(child);
    assert_int_equal(vfs_statfs(root, "/m", &sfs), 0);
    assert_int_equal(sfs.bfree, 64);
    assert_int_equal(sfs.ffree, 99);
    assert_int_equal(vfs_umount(vfs, root, "/m"), 0);
}

static char g_console[256];
static size_t g_console_len;
static int64_t console_write(void *ctx, const void *buf, size_t n)
{
    (void)ctx;
    memcpy(g_console + g_console_len, buf, n);
    g_console_len += n;
    return (int64_t)n;
}

static void test_devfs_nodes_behave_like_linux(void **state)
{
    (void)state;
    assert_int_equal(vfs_mkdir(root, "/dev", 0755), 0);
    devfs_console_t con = {console_write, NULL, NULL};
    g_console_len = 0;
    assert_int_equal(vfs_mount(vfs, root, "/dev", devfs_create(vfs, &con)), 0);
    struct vfs_stat st;
    assert_int_equal(vfs_stat(root, "/dev/null", &st), 0);
    assert_int_equal(st.mode, VFS_S_IFCHR | 0666);
    assert_int_equal(st.rdev, (1 << 8) | 3);
    assert_int_equal(vfs_stat(root, "/dev/zero", &st), 0);
    assert_int_equal(st.rdev, (1 << 8) | 5);
    int n = vfs_open(root, "/dev/null", VFS_O_RDWR | VFS_O_TRUNC, 0);
    assert_true(n >= 0);
    char buf[64];
    assert_int_equal(vfs_read(root, n, buf, sizeof(buf)), 0);
    assert_int_equal(vfs_write(root, n, "abc", 3), 3);
    assert_int_equal(vfs_lseek(root, n, 100, VFS_SEEK_SET), 0);
    int z = vfs_open(root, "/dev/zero", VFS_O_RDONLY, 0);
    memset(buf, 1, sizeof(buf));
    assert_int_equal(vfs_read(root, z, buf, sizeof(buf)), 64);
    for (int i = 0; i < 64; i++)
        assert_int_equal(buf[i], 0);
    int c = vfs_open(root, "/dev/console", VFS_O_WRONLY, 0);
    assert_int_equal(vfs_write(root, c, "hello\n", 6), 6);
    assert_int_equal(g_console_len, 6);
    assert_memory_equal(g_console, "hello\n", 6);
    assert_int_equal(vfs_lseek(root, c, 0, VFS_SEEK_CUR), -LINUX_ESPIPE);
    assert_int_equal(vfs_open(root, "/dev/new", VFS_O_CREAT | VFS_O_RDWR, 0644), -LINUX_EPERM);
    assert_int_equal(vfs_unlink(root, "/dev/null"), -LINUX_EPERM);
    assert_int_equal(vfs_mkdir(root, "/dev/d", 0755), -LINUX_EPERM);
    assert_int_equal(vfs_truncate(root, "/dev/zero", 0), -LINUX_EINVAL);
    int d = vfs_open(root, "/dev", VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
    uint8_t dbuf[512];
    int64_t got = vfs_getdents64(root, d, dbuf, sizeof(dbuf));
    assert_true(got > 0);
    int seen = 0;
    for (int64_t off = 0; off < got;) {
        struct vfs_dirent64 *e = (struct vfs_dirent64 *)(dbuf + off);
        if (!strcmp(e->d_name, "null") || !strcmp(e->d_name, "zero") ||
            !strcmp(e->d_name, "console")) {
            assert_int_equal(e->d_type, VFS_DT_CHR);
            seen++;
        }
        off += e->d_reclen;
    }
    assert_int_equal(seen, 3);
    vfs_close(root, n);
    vfs_close(root, z);
    vfs_close(root, c);
    vfs_close(root, d);
    assert_int_equal(vfs_umount(vfs, root, "/dev"), 0);
}

static void test_fork_shares_offsets_and_exec_closes_cloexec(void **state)
{
    (void)state;
    make_file(root, "/f", 0644, "0123456789");
    int a = vfs_open(root, "/f", VFS_O_RDONLY, 0);
    int b = vfs_open(root, "/f", VFS_O_RDONLY | VFS_O_CLOEXEC, 0);
    assert_int_equal(vfs_mkdir(root, "/d", 0755), 0);
    assert_int_equal(vfs_chdir(root, "/d"), 0);
    vfs_proc_t *child = vfs_proc_fork(root);
    char c;
    assert_int_equal(vfs_read(child, a, &c, 1), 1);
    assert_int_equal(vfs_lseek(root, a, 0, VFS_SEEK_CUR), 1); /* one description */
    assert_int_equal(vfs_fcntl(child, b, VFS_F_GETFD, 0), VFS_FD_CLOEXEC);
    struct vfs_stat st;
    assert_int_equal(vfs_stat(child, "../f", &st), 0); /* the cwd was inherited */
    vfs_proc_exec(child);
    assert_int_equal(vfs_fcntl(child, b, VFS_F_GETFD, 0), -LINUX_EBADF);
    assert_int_equal(vfs_read(child, a, &c, 1), 1);
    assert_int_equal(c, '1');
    assert_int_equal(vfs_read(root, b, &c, 1), 1); /* the parent keeps its fd */
    vfs_proc_destroy(child);
    assert_int_equal(vfs_chdir(root, "/"), 0);
}

static void test_timestamps_follow_operations(void **state)
{
    (void)state;
    struct vfs_stat st, dst;
    g_now = 1000;
    assert_int_equal(vfs_mkdir(root, "/d", 0755), 0);
    g_now = 2000;
    int fd = vfs_open(root, "/d/f", VFS_O_CREAT | VFS_O_RDWR, 0644);
    assert_int_equal(vfs_stat(root, "/d/f", &st), 0);
    assert_int_equal(st.atime.sec, 2000);
    assert_int_equal(st.mtime.sec, 2000);
    assert_int_equal(st.ctime.sec, 2000);
    assert_int_equal(vfs_stat(root, "/d", &dst), 0);
    assert_int_equal(dst.mtime.sec, 2000);
    g_now = 3000;
    assert_int_equal(vfs_write(root, fd, "x", 1), 1);
    assert_int_equal(vfs_fstat(root, fd, &st), 0);
    assert_int_equal(st.mtime.sec, 3000);
    assert_int_equal(st.ctime.sec, 3000);
    assert_int_equal(st.atime.sec, 2000);
    g_now = 4000;
    char c;
    assert_int_equal(vfs_pread(root, fd, &c, 1, 0), 1);
    assert_int_equal(vfs_fstat(root, fd, &st), 0);
    assert_int_equal(st.atime.sec, 4000);
    assert_int_equal(st.mtime.sec, 3000);
    g_now = 5000;
    assert_int_equal(vfs_fchmod(root, fd, 0600), 0);
    assert_int_equal(vfs_fstat(root, fd, &st), 0);
    assert_int_equal(st.ctime.sec, 5000);
    assert_int_equal(st.mtime.sec, 3000);
    g_now = 6000;
    assert_int_equal(vfs_rename(root, "/d/f", "/d/g"), 0);
    assert_int_equal(vfs_fstat(root, fd, &st), 0);
    assert_int_equal(st.ctime.sec, 6000);
    assert_int_equal(vfs_stat(root, "/d", &dst), 0);
    assert_int_equal(dst.mtime.sec, 6000);
    g_now = 7000;
    assert_int_equal(vfs_ftruncate(root, fd, 1), 0); /* same size: no change */
    assert_int_equal(vfs_fstat(root, fd, &st), 0);
    assert_int_equal(st.mtime.sec, 3000);
    assert_int_equal(vfs_ftruncate(root, fd, 0), 0);
    assert_int_equal(vfs_fstat(root, fd, &st), 0);
    assert_int_equal(st.mtime.sec, 7000);
    assert_int_equal(vfs_close(root, fd), 0);
}

static void test_getcwd_and_absolute_symlinks(void **state)
{
    (void)state;
    char buf[128];
    assert_int_equal(vfs_getcwd(root, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "/");
    assert_int_equal(vfs_mkdir(root, "/a", 0755), 0);
    assert_int_equal(vfs_mkdir(root, "/a/b", 0755), 0);
    assert_int_equal(vfs_chdir(root, "/a/b"), 0);
    assert_int_equal(vfs_getcwd(root, buf, sizeof(buf)), 5);
    assert_string_equal(buf, "/a/b");
    assert_int_equal(vfs_getcwd(root, buf, 4), -LINUX_ERANGE);
    assert_int_equal(vfs_rename(root, "/a", "/z"), 0);
    assert_int_equal(vfs_getcwd(root, buf, sizeof(buf)), 5);
    assert_string_equal(buf, "/z/b");
    struct vfs_stat st;
    assert_int_equal(vfs_symlink(root, "/z/b", "/abs"), 0);
    assert_int_equal(vfs_stat(root, "/abs/../../../..", &st), 0); /* ".." stops at / */
    assert_int_equal(vfs_symlink(root, "/z/b/../../abs", "/z/b/back"), 0);
    assert_int_equal(vfs_stat(root, "back/back/back", &st), 0);
    assert_int_equal(vfs_rmdir(root, "/"), -LINUX_EBUSY);
    assert_int_equal(vfs_mkdir(root, "/", 0755), -LINUX_EEXIST);
    assert_int_equal(vfs_rename(root, "/", "/x"), -LINUX_EBUSY);
    assert_int_equal(vfs_unlink(root, "/z/b/back"), 0);
    assert_int_equal(vfs_rmdir(root, "/z/b"), 0);
    assert_int_equal(vfs_getcwd(root, buf, sizeof(buf)), -LINUX_ENOENT);
    assert_int_equal(vfs_chdir(root, "/"), 0);
}

/* Every allocation failing in turn: each call fails cleanly or succeeds,
 * and destroying the VFS afterwards frees everything. */
static void test_allocation_failures_leave_no_leak(void **state)
{
    (void)state;
    for (long budget = 0; budget < 40; budget++) {
        g_fail_after = budget;
        int fd = vfs_open(root, "/f", VFS_O_CREAT | VFS_O_RDWR, 0644);
        if (fd >= 0) {
            static uint8_t buf[3 * 4096];
            int64_t r = vfs_pwrite(root, fd, buf, sizeof(buf), 1 << 22);
            assert_true(r == -LINUX_ENOMEM || r > 0);
            vfs_close(root, fd);
        } else {
            assert_int_equal(fd, -LINUX_ENOMEM);
        }
        int r = vfs_mkdir(root, "/d", 0755);
        assert_true(r == 0 || r == -LINUX_ENOMEM || r == -LINUX_EEXIST);
        r = vfs_rename(root, "/d", "/e");
        assert_true(r == 0 || r == -LINUX_ENOMEM || r == -LINUX_ENOENT);
        g_fail_after = -1;
        vfs_unlink(root, "/f");
        vfs_rmdir(root, "/d");
        vfs_rmdir(root, "/e");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_non_owner_needs_permission_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sticky_directory_protects_other_users_files, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_chmod_chown_utimens_need_ownership, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mounts_cross_and_refuse_while_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ramfs_limit_gives_enospc_and_keeps_data, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_large_sparse_file_reads_back_across_tree_leaves, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unlinked_file_is_freed_at_last_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_devfs_nodes_behave_like_linux, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fork_shares_offsets_and_exec_closes_cloexec, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timestamps_follow_operations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_getcwd_and_absolute_symlinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failures_leave_no_leak, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
