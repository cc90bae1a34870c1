// SPDX-License-Identifier: BSD-2-Clause
/* The shell's file commands (services/shell/files.c) typed at the shell,
 * on the real VFS library (services/vfs: a ramfs at / with a 64 KiB limit)
 * behind kaal_shell_fs_ops_t, as the VFS server runs it in the guest. The
 * screen model (tests/unit/dddk/term.c) shows what a user sees; after each
 * test every fd a command opened must be closed again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/shell.h>
#include <kaal/vfs.h>

#include "dddk/term.h"

struct fixture {
    vfs_t *vfs;
    vfs_proc_t *proc;
    kaal_shell_fs_ops_t fs;
    kaal_shell_system_ops_t ops;
    kaal_shell_t sh;
    term_t term;
};

static void *t_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void t_free(void *ctx, void *p, size_t n)
{
    (void)ctx, (void)n;
    free(p);
}

static int f_open(void *ctx, const char *path, int flags, vfs_mode_t mode)
{
    return vfs_open(ctx, path, flags, mode);
}
static int f_close(void *ctx, int fd)
{
    return vfs_close(ctx, fd);
}
static int64_t f_read(void *ctx, int fd, void *buf, size_t n)
{
    return vfs_read(ctx, fd, buf, n);
}
static int64_t f_write(void *ctx, int fd, const void *buf, size_t n)
{
    return vfs_write(ctx, fd, buf, n);
}
static int64_t f_getdents64(void *ctx, int fd, void *buf, size_t n)
{
    return vfs_getdents64(ctx, fd, buf, n);
}
static int f_stat(void *ctx, const char *path, struct vfs_stat *st)
{
    return vfs_stat(ctx, path, st);
}
static int f_mkdir(void *ctx, const char *path, vfs_mode_t mode)
{
    return vfs_mkdir(ctx, path, mode);
}
static int f_unlink(void *ctx, const char *path)
{
    return vfs_unlink(ctx, path);
}
static int f_rmdir(void *ctx, const char *path)
{
    return vfs_rmdir(ctx, path);
}
static int f_statfs(void *ctx, const char *path, struct vfs_statfs *st)
{
    return vfs_statfs(ctx, path, st);
}
static int f_chdir(void *ctx, const char *path)
{
    return vfs_chdir(ctx, path);
}
static int f_getcwd(void *ctx, char *buf, size_t n)
{
    return vfs_getcwd(ctx, buf, n);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    vfs_config_t cfg = {{t_alloc, t_free, NULL}, NULL, NULL};
    f->vfs = vfs_create(&cfg);
    ramfs_options_t opt = {.limit_bytes = 64 << 10, .root_mode = 0755};
    assert_int_equal(vfs_mount(f->vfs, NULL, "/", ramfs_create(f->vfs, &opt)), 0);
    f->proc = vfs_proc_create(f->vfs, 0, 0, 022, 64);
    assert_non_null(f->proc);
    f->fs = (kaal_shell_fs_ops_t){f->proc,  f_open,  f_close,  f_read,   f_write,
                                  f_getdents64, f_stat, f_mkdir, f_unlink, f_rmdir,
                                  f_statfs, f_chdir, f_getcwd};
    f->ops = (kaal_shell_system_ops_t){.fs = &f->fs};
    term_init(&f->term);
    kaal_shell_init(&f->sh, term_write, &f->term, &f->ops);
    kaal_shell_start(&f->sh);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    /* No command left an fd open: the lowest free fd is still 0. */
    int fd = vfs_open(f->proc, "/", VFS_O_RDONLY, 0);
    assert_int_equal(fd, 0);
    vfs_close(f->proc, fd);
    vfs_proc_destroy(f->proc);
    assert_int_equal(vfs_destroy(f->vfs), 0);
    free(f);
    return 0;
}

/* Types a line; returns its status. */
static int run(struct fixture *f, const char *line)
{
    kaal_shell_feed(&f->sh, line, strlen(line));
    kaal_shell_feed(&f->sh, "\r", 1);
    return f->sh.last_status;
}

static void assert_screen_has(struct fixture *f, const char *text)
{
    for (int r = -f->term.row; r <= 0; r++)
        if (strcmp(term_line(&f->term, r), text) == 0)
            return;
    fail_msg("screen has no row \"%s\"; output was:\n%s", text, f->term.raw);
}

static void test_write_then_cat_shows_the_words(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(run(f, "write /note hello 'big world'"), 0);
    assert_int_equal(run(f, "cat /note"), 0);
    assert_string_equal(term_line(&f->term, -1), "hello big world");
    char buf[32] = {0};
    int fd = vfs_open(f->proc, "/note", VFS_O_RDONLY, 0);
    assert_int_equal(vfs_read(f->proc, fd, buf, sizeof(buf)), 16);
    assert_string_equal(buf, "hello big world\n");
    vfs_close(f->proc, fd);
}

static void test_echo_redirect_truncates_and_appends(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(run(f, "echo one > /f"), 0);
    assert_int_equal(run(f, "echo two > /f"), 0);
    assert_int_equal(run(f, "echo three >> /f"), 0);
    assert_int_equal(run(f, "cat /f"), 0);
    assert_string_equal(term_line(&f->term, -3), "kaal> cat /f");
    assert_string_equal(term_line(&f->term, -2), "two");
    assert_string_equal(term_line(&f->term, -1), "three");
}

static void test_mkdir_ls_lists_files_and_marks_directories(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(run(f, "mkdir /d /d/sub"), 0);
    assert_int_equal(run(f, "write /d/a x"), 0);
    assert_int_equal(run(f, "ls /d"), 0);
    assert_screen_has(f, "sub/");
    assert_screen_has(f, "a");
    assert_null(strstr(f->term.raw, "\r\n.\r\n"));
    assert_int_equal(run(f, "ls /d/a"), 0);
    assert_string_equal(term_line(&f->term, -1), "/d/a");
}

static void test_ls_of_a_missing_path_reports_enoent(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(run(f, "ls /nope"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: ls: /nope: No such file or directory");
}

static void test_errors_name_command_path_and_errno(void **state)
{
    struct fixture *f = *state;
    run(f, "mkdir /d");
    assert_int_equal(run(f, "mkdir /d"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: mkdir: /d: File exists");
    assert_int_equal(run(f, "rm /d"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: rm: /d: Is a directory");
    assert_int_equal(run(f, "cat /d"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: cat: /d: Is a directory");
    run(f, "write /d/x y");
    assert_int_equal(run(f, "rmdir /d"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: rmdir: /d: Directory not empty");
    assert_int_equal(run(f, "write /d/x/y z"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: write: /d/x/y: Not a directory");
}

static void test_rm_and_rmdir_remove(void **state)
{
    struct fixture *f = *state;
    run(f, "mkdir /d");
    run(f, "write /d/x y");
    assert_int_equal(run(f, "rm /d/x"), 0);
    assert_int_equal(run(f, "rmdir /d"), 0);
    struct vfs_stat st;
    assert_int_equal(vfs_stat(f->proc, "/d", &st), -LINUX_ENOENT);
    assert_int_equal(run(f, "cat /d/x"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: cat: /d/x: No such file or directory");
}

static void test_stat_shows_type_size_and_mode(void **state)
{
    struct fixture *f = *state;
    run(f, "write /f 12345678");
    assert_int_equal(run(f, "stat /f /"), 0);
    assert_screen_has(f, "  File: /f");
    assert_non_null(strstr(f->term.raw, "  Size: 9  Blocks: "));
    assert_non_null(strstr(f->term.raw, "Type: regular file\r\n"));
    assert_non_null(strstr(f->term.raw, "  Mode: 0644  Inode: "));
    assert_non_null(strstr(f->term.raw, "Type: directory\r\n  Mode: 0755"));
}

static void test_df_prints_the_size_limit_and_use(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(run(f, "df"), 0);
    unsigned long long total, used, avail;
    const char *row = term_line(&f->term, -1);
    assert_int_equal(sscanf(row, "/ %llu %llu %llu", &total, &used, &avail), 3);
    assert_int_equal(total, 64);
    assert_int_equal(used, 0);
    assert_int_equal(avail, 64);
    run(f, "write /f x"); /* one page */
    run(f, "df /");
    row = term_line(&f->term, -1);
    assert_int_equal(sscanf(row, "/ %llu %llu %llu", &total, &used, &avail), 3);
    assert_int_equal(used, 4);
    assert_int_equal(avail, 60);
}

static void test_cd_and_pwd_follow_relative_paths(void **state)
{
    struct fixture *f = *state;
    run(f, "mkdir /d");
    assert_int_equal(run(f, "cd d"), 0);
    assert_int_equal(run(f, "pwd"), 0);
    assert_string_equal(term_line(&f->term, -1), "/d");
    run(f, "write rel x");
    assert_int_equal(run(f, "cat /d/rel"), 0);
    assert_int_equal(run(f, "cd /nope"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: cd: /nope: No such file or directory");
    assert_int_equal(run(f, "cd"), 0);
    run(f, "pwd");
    assert_string_equal(term_line(&f->term, -1), "/");
}

static void test_without_a_file_system_the_commands_say_not_available(void **state)
{
    struct fixture *f = *state;
    f->ops.fs = NULL;
    assert_int_equal(run(f, "ls"), 1);
    assert_string_equal(term_line(&f->term, -1), "kaal: 'ls' is not available on this system");
    assert_int_equal(run(f, "echo a > /x"), 1);
    assert_int_equal(run(f, "echo a >"), 0); /* no file: a plain echo */
    assert_string_equal(term_line(&f->term, -1), "a >");
}

static void test_cat_of_a_large_file_prints_every_line(void **state)
{
    struct fixture *f = *state;
    int fd = vfs_open(f->proc, "/big", VFS_O_WRONLY | VFS_O_CREAT, 0644);
    char line[16];
    for (int i = 0; i < 300; i++) {
        int n = snprintf(line, sizeof(line), "line %03d\n", i);
        vfs_write(f->proc, fd, line, (size_t)n);
    }
    vfs_close(f->proc, fd);
    assert_int_equal(run(f, "cat /big"), 0);
    assert_string_equal(term_line(&f->term, -1), "line 299");
    assert_string_equal(term_line(&f->term, -2), "line 298");
    assert_non_null(strstr(f->term.raw, "\r\nline 000\r\nline 001\r\n"));
    assert_non_null(strstr(f->term.raw, "\r\nline 127\r\nline 128\r\n")); /* across reads */
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_write_then_cat_shows_the_words),
        T(test_echo_redirect_truncates_and_appends),
        T(test_mkdir_ls_lists_files_and_marks_directories),
        T(test_ls_of_a_missing_path_reports_enoent),
        T(test_errors_name_command_path_and_errno),
        T(test_rm_and_rmdir_remove),
        T(test_stat_shows_type_size_and_mode),
        T(test_df_prints_the_size_limit_and_use),
        T(test_cd_and_pwd_follow_relative_paths),
        T(test_without_a_file_system_the_commands_say_not_available),
        T(test_cat_of_a_large_file_prints_every_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
