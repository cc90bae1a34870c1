// SPDX-License-Identifier: BSD-2-Clause
/*
 * services/vfs/cpio_unpack.c: a newc archive unpacked into a ramfs gives
 * the tree the archive describes (contents, modes, owners, mtimes, symlinks,
 * hard links); a damaged archive or an impossible entry stops the unpack
 * with a result that names the problem, keeping what came before, and
 * nothing leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <kaal/linux_errno.h>
#include <kaal/vfs_cpio.h>

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

static vfs_t *vfs;
static vfs_proc_t *root;

static int setup(void **state)
{
    (void)state;
    g_live = 0;
    vfs_config_t cfg = {{t_alloc, t_free, NULL}, NULL, NULL};
    vfs = vfs_create(&cfg);
    assert_int_equal(vfs_mount(vfs, NULL, "/", ramfs_create(vfs, NULL)), 0);
    root = vfs_proc_create(vfs, 0, 0, 077, 16); /* umask must not matter */
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

typedef struct {
    uint8_t bytes[16384];
    size_t len;
} archive_t;

static void pad(archive_t *a)
{
    while (a->len % 4)
        a->bytes[a->len++] = 0;
}

static void add_full(archive_t *a, const char *name, uint32_t ino, uint32_t mode, uint32_t uid,
                     uint32_t nlink, uint32_t mtime, const char *data)
{
    size_t n = strlen(name) + 1, d = strlen(data);
    char h[KAAL_CPIO_HEADER_BYTES + 1];
    snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode,
             uid, uid + 1, nlink, mtime, (unsigned)d, 0u, 0u, 0u, 0u, (unsigned)n, 0u);
    memcpy(a->bytes + a->len, h, KAAL_CPIO_HEADER_BYTES);
    a->len += KAAL_CPIO_HEADER_BYTES;
    memcpy(a->bytes + a->len, name, n);
    a->len += n;
    pad(a);
    memcpy(a->bytes + a->len, data, d);
    a->len += d;
    pad(a);
}

static void add(archive_t *a, const char *name, uint32_t mode, const char *data)
{
    static uint32_t ino = 100;
    add_full(a, name, ino++, mode, 0, 1, 1000, data);
}

static void trailer(archive_t *a)
{
    add_full(a, "TRAILER!!!", 0, 0, 0, 1, 0, "");
}

static void assert_contents(const char *path, const char *want)
{
    char buf[256];
    int fd = vfs_open(root, path, VFS_O_RDONLY, 0);
    assert_true(fd >= 0);
    int64_t n = vfs_read(root, fd, buf, sizeof(buf));
    assert_int_equal(vfs_close(root, fd), 0);
    assert_int_equal(n, (int64_t)strlen(want));
    assert_memory_equal(buf, want, (size_t)n);
}

static void test_archive_becomes_the_tree_it_describes(void **state)
{
    (void)state;
    static archive_t a;
    a.len = 0;
    add_full(&a, ".", 1, 040711, 0, 3, 500, "");
    add_full(&a, "./etc", 2, 040755, 0, 2, 700, "");
    add_full(&a, "etc/motd", 3, 0100640, 1000, 1, 1234, "Welcome to KaaL\n");
    add_full(&a, "etc/secret", 4, 0104700, 1000, 1, 99, "x");
    add_full(&a, "bin", 5, 040755, 0, 2, 800, "");
    add_full(&a, "bin/sh", 6, 0120777, 7, 1, 55, "/etc/motd");
    add_full(&a, "dev", 7, 040755, 0, 2, 0, "");
    add_full(&a, "dev/console", 8, 0020600, 0, 1, 0, "");
    trailer(&a);

    vfs_cpio_result_t res;
    assert_int_equal(vfs_cpio_unpack(root, a.bytes, a.len, &res), 0);
    assert_int_equal(res.status, KAAL_CPIO_END);
    assert_int_equal(res.error, 0);
    assert_int_equal(res.n_entries, 7);
    assert_int_equal(res.n_skipped, 1); /* the device node */

    struct vfs_stat st;
    assert_contents("/etc/motd", "Welcome to KaaL\n");
    assert_int_equal(vfs_stat(root, "/etc/motd", &st), 0);
    assert_int_equal(st.mode, 0100640);
    assert_int_equal(st.uid, 1000);
    assert_int_equal(st.gid, 1001);
    assert_int_equal(st.mtime.sec, 1234);
    assert_int_equal(vfs_stat(root, "/etc/secret", &st), 0);
    assert_int_equal(st.mode, 0104700); /* setuid survives the chown */

    char target[64];
    assert_int_equal(vfs_readlink(root, "/bin/sh", target, sizeof(target)), 9);
    assert_memory_equal(target, "/etc/motd", 9);
    assert_int_equal(vfs_lstat(root, "/bin/sh", &st), 0);
    assert_int_equal(st.uid, 7);
    assert_int_equal(st.mtime.sec, 55);

    /* Directory mtimes are the archive's, though children were added later. */
    assert_int_equal(vfs_stat(root, "/etc", &st), 0);
    assert_int_equal(st.mode, 040755);
    assert_int_equal(st.mtime.sec, 700);
    assert_int_equal(vfs_stat(root, "/", &st), 0);
    assert_int_equal(st.mode, 040711);
    assert_int_equal(st.mtime.sec, 500);
    assert_int_equal(vfs_stat(root, "/dev/console", &st), -LINUX_ENOENT);
}

static void test_hard_links_share_one_inode_and_its_data(void **state)
{
    (void)state;
    static archive_t a;
    a.len = 0;
    /* GNU cpio style: the data rides on the last name of the inode. */
    add_full(&a, "a", 42, 0100644, 0, 3, 1, "");
    add_full(&a, "b", 42, 0100644, 0, 3, 1, "");
    add_full(&a, "c", 42, 0100644, 0, 3, 1, "shared");
    trailer(&a);
    vfs_cpio_result_t res;
    assert_int_equal(vfs_cpio_unpack(root, a.bytes, a.len, &res), 0);
    struct vfs_stat sa, sc;
    assert_int_equal(vfs_stat(root, "/a", &sa), 0);
    assert_int_equal(vfs_stat(root, "/c", &sc), 0);
    assert_int_equal(sa.ino, sc.ino);
    assert_int_equal(sa.nlink, 3);
    assert_contents("/a", "shared");
}

static void test_existing_directories_are_kept_and_files_overwritten(void **state)
{
    (void)state;
    assert_int_equal(vfs_mkdir(root, "/etc", 0700), 0);
    int fd = vfs_open(root, "/etc/hostname", VFS_O_WRONLY | VFS_O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(vfs_write(root, fd, "old-and-longer", 14), 14);
    assert_int_equal(vfs_close(root, fd), 0);
    static archive_t a;
    a.len = 0;
    add(&a, "etc", 040755, "");
    add(&a, "etc/hostname", 0100644, "kaal\n");
    trailer(&a);
    vfs_cpio_result_t res;
    assert_int_equal(vfs_cpio_unpack(root, a.bytes, a.len, &res), 0);
    assert_contents("/etc/hostname", "kaal\n");
}

static void test_damaged_archive_keeps_the_entries_before_the_damage(void **state)
{
    (void)state;
    static archive_t a;
    a.len = 0;
    add(&a, "etc", 040755, "");
    add(&a, "etc/motd", 0100644, "hi\n");
    size_t cut = a.len;
    add(&a, "etc/lost", 0100644, "never seen");
    trailer(&a);
    vfs_cpio_result_t res;
    assert_int_equal(vfs_cpio_unpack(root, a.bytes, cut + 40, &res), -LINUX_EINVAL);
    assert_int_equal(res.status, KAAL_CPIO_TRUNCATED);
    assert_int_equal(res.error, 0);
    assert_int_equal(res.n_entries, 2);
    assert_int_equal(res.offset, cut);
    assert_contents("/etc/motd", "hi\n");
    struct vfs_stat st;
    assert_int_equal(vfs_stat(root, "/etc/lost", &st), -LINUX_ENOENT);
}

static void test_entry_without_its_parent_stops_with_the_vfs_error_and_its_name(void **state)
{
    (void)state;
    static archive_t a;
    a.len = 0;
    add(&a, "ok", 0100644, "1");
    add(&a, "nodir/file", 0100644, "2");
    add(&a, "after", 0100644, "3");
    trailer(&a);
    vfs_cpio_result_t res;
    assert_int_equal(vfs_cpio_unpack(root, a.bytes, a.len, &res), -LINUX_ENOENT);
    assert_int_equal(res.error, -LINUX_ENOENT);
    assert_int_equal(res.n_entries, 1);
    assert_int_equal(res.name_bytes, 10);
    assert_memory_equal(res.name, "nodir/file", 10);
    struct vfs_stat st;
    assert_int_equal(vfs_stat(root, "/after", &st), -LINUX_ENOENT);
}

static void test_symlink_target_with_a_nul_is_refused(void **state)
{
    (void)state;
    static archive_t a;
    a.len = 0;
    add(&a, "l", 0120777, "ab");
    trailer(&a);
    a.bytes[KAAL_CPIO_HEADER_BYTES + 3] = 0; /* "a\0" as the target */
    vfs_cpio_result_t res;
    assert_int_equal(vfs_cpio_unpack(root, a.bytes, a.len, &res), -LINUX_EINVAL);
    assert_int_equal(res.error, -LINUX_EINVAL);
}

/* Reads a whole host file into a malloc'd buffer. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(1 << 20);
    *size = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void test_archive_written_by_gnu_cpio_unpacks_with_its_hard_links(void **state)
{
    (void)state;
    if (system("command -v cpio >/dev/null 2>&1") != 0)
        skip(); /* Debian's cpio (mk/debian-packages) */
    char dir[] = "/tmp/vfs-cpio-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "cd %s && mkdir -p tree/etc tree/empty && printf 'motd\\n' > tree/etc/motd && "
             "chmod 0600 tree/etc/motd && ln tree/etc/motd tree/etc/motd.link && "
             "ln -s etc/motd tree/motd && touch -d @1600000000 tree/etc/motd && "
             "cd tree && find . | LC_ALL=C sort | cpio --quiet -o -H newc > ../a.cpio",
             dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof(cmd), "%s/a.cpio", dir);
    size_t size;
    uint8_t *blob = slurp(cmd, &size);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);

    vfs_cpio_result_t res;
    assert_int_equal(vfs_cpio_unpack(root, blob, size, &res), 0);
    assert_int_equal(res.status, KAAL_CPIO_END);
    struct vfs_stat a, b;
    assert_int_equal(vfs_stat(root, "/etc/motd", &a), 0);
    assert_int_equal(vfs_stat(root, "/etc/motd.link", &b), 0);
    assert_int_equal(a.ino, b.ino);
    assert_int_equal(a.nlink, 2);
    assert_int_equal(a.mode, 0100600);
    assert_int_equal(a.mtime.sec, 1600000000);
    assert_contents("/etc/motd", "motd\n");
    assert_contents("/motd", "motd\n"); /* through the symlink */
    assert_int_equal(vfs_stat(root, "/empty", &a), 0);
    assert_true(VFS_S_ISDIR(a.mode));
    free(blob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_archive_becomes_the_tree_it_describes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hard_links_share_one_inode_and_its_data, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_existing_directories_are_kept_and_files_overwritten,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_archive_keeps_the_entries_before_the_damage,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_entry_without_its_parent_stops_with_the_vfs_error_and_its_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_target_with_a_nul_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_archive_written_by_gnu_cpio_unpacks_with_its_hard_links, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
