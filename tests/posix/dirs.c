/* SPDX-License-Identifier: BSD-2-Clause */
/* Directories and names: mkdir/rmdir, getdents64 (entries printed sorted,
 * since the order is the file system's own), rename, link, symlink,
 * readlink, unlink, getcwd, chdir/fchdir, with the error paths (EEXIST,
 * ENOENT, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, ERANGE, EBADF, EFAULT).
 * Paths are printed relative to the scratch directory the program starts
 * in, never absolute. */
#include "common.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *type_name(unsigned char t)
{
    switch (t) {
    case DT_REG:
        return "file";
    case DT_DIR:
        return "dir";
    case DT_LNK:
        return "symlink";
    case DT_FIFO:
        return "fifo";
    case DT_UNKNOWN:
        return "unknown";
    default:
        return "other";
    }
}

/* Lists dir through raw getdents64 with a small buffer (several calls). */
static void list(const char *path)
{
    char buf[128], *names[64], line[1024] = "";
    int n = 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        say("list %s: open failed %s", path, errno_name(errno));
        return;
    }
    for (;;) {
        long got = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (got < 0) {
            say("list %s: getdents64 failed %s", path, errno_name(errno));
            break;
        }
        if (got == 0)
            break;
        for (long off = 0; off < got;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            if (n < 64) {
                char *s = malloc(300);
                snprintf(s, 300, "%s(%s)", d->d_name, type_name(d->d_type));
                names[n++] = s;
            }
            off += d->d_reclen;
        }
    }
    close(fd);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    for (int i = 0; i < n; i++) {
        strcat(line, " ");
        strcat(line, names[i]);
        free(names[i]);
    }
    say("list %s:%s", path, line);
}

static void make_and_remove(void)
{
    T(mkdir("a", 0755));
    T(mkdir("a", 0755));
    T(mkdir("a/b", 0755));
    T(mkdir("a/b/c", 0700));
    T(mkdir("nope/x", 0755));
    T(put_file("a/f", "file\n", 0644));
    T(mkdir("a/f/x", 0755));
    T(mkdir("", 0755));
    T(syscall(SYS_mkdir, BAD_PTR, 0755));
    T(mkdir("a/b/c/", 0755));
    T(mkdirat(AT_FDCWD, "at", 0755));
    int dfd = T(open("at", O_RDONLY | O_DIRECTORY));
    T(mkdirat(dfd, "inner", 0755));
    T(mkdirat(99, "x", 0755));
    T(close(dfd));
    list(".");
    list("a");
    list("at");
    T(rmdir("a"));
    T(rmdir("a/f"));
    T(rmdir("a/nothing"));
    T(rmdir("a/b/c"));
    T(rmdir("a/b/c"));
    T(rmdir("."));
    T(rmdir("a/b/.."));
    T(unlink("a/b"));
    T(unlink("a/f"));
    T(unlink("a/f"));
    T(unlink("a/f/g"));
    T(unlinkat(AT_FDCWD, "a/b", 0));
    T(unlinkat(AT_FDCWD, "a/b", AT_REMOVEDIR));
    T(unlinkat(AT_FDCWD, "a", 0x4242));
    T(syscall(SYS_unlink, BAD_PTR));
    list("a");
    T(stat("a/b", &(struct stat){0}));

    struct stat st;
    T(mkdir("n", 0755));
    T(stat("n", &st));
    say("empty dir nlink: %ld", (long)st.st_nlink);
    T(mkdir("n/1", 0755));
    T(mkdir("n/2", 0755));
    T(stat("n", &st));
    say("dir with two subdirs nlink: %ld", (long)st.st_nlink);
}

static void renames(void)
{
    struct stat st;
    T(put_file("r1", "one\n", 0644));
    T(put_file("r2", "two\n", 0644));
    T(rename("r1", "r2"));
    T(stat("r1", &st));
    T(stat("r2", &st));
    say("r2 size after rename over it: %lld", (long long)st.st_size);
    T(rename("r1", "r3"));
    T(rename("r2", "r2"));
    T(mkdir("rd", 0755));
    T(mkdir("rd/sub", 0755));
    T(rename("rd", "rd/sub/inside"));
    T(rename("r2", "rd"));
    T(rename("rd", "r2"));
    T(mkdir("empty", 0755));
    T(rename("empty", "rd"));
    T(rename("rd", "empty"));
    list("empty");
    T(put_file("rd2", "x\n", 0644));
    T(rename("rd2", "empty/moved"));
    list("empty");
    T(rename("r2", "nodir/x"));
    T(rename("r2/x", "y"));
    T(syscall(SYS_rename, BAD_PTR, "y"));
    T(renameat(AT_FDCWD, "r2", AT_FDCWD, "r4"));
    T(renameat(99, "r4", AT_FDCWD, "r5"));
    T(syscall(SYS_renameat2, AT_FDCWD, "r4", AT_FDCWD, "empty/moved", 1 /* NOREPLACE */));
    list(".");
}

static void links(void)
{
    struct stat st, st2;
    char buf[64];
    T(put_file("orig", "data\n", 0644));
    T(link("orig", "hard"));
    T(link("orig", "hard"));
    T(link("missing", "hard2"));
    T(mkdir("ld", 0755));
    T(link("ld", "ld2"));
    T(stat("orig", &st));
    T(stat("hard", &st2));
    say("nlink after link: %ld; same inode: %s", (long)st.st_nlink,
        st.st_ino == st2.st_ino && st.st_dev == st2.st_dev ? "yes" : "no");
    T(unlink("hard"));
    T(stat("orig", &st));
    say("nlink after unlink: %ld", (long)st.st_nlink);

    T(symlink("orig", "sym"));
    T(symlink("orig", "sym"));
    T(symlink("no-such-target", "dangling"));
    T(symlink("", "emptytarget"));
    ssize_t n = T(readlink("sym", buf, sizeof buf));
    say("readlink: \"%.*s\"", (int)(n < 0 ? 0 : n), buf);
    n = T(readlink("sym", buf, 3));
    say("readlink truncated: \"%.*s\"", (int)(n < 0 ? 0 : n), buf);
    T(readlink("orig", buf, sizeof buf));
    T(readlink("missing", buf, sizeof buf));
    T(syscall(SYS_readlink, "sym", buf, 0));
    T(syscall(SYS_readlink, "sym", BAD_PTR, 64));
    T(readlinkat(AT_FDCWD, "dangling", buf, sizeof buf));
    T(stat("dangling", &st));
    T(lstat("dangling", &st));
    T(open("dangling", O_RDONLY));
    int fd = T(open("dangling", O_WRONLY | O_CREAT, 0644));
    T(close(fd));
    T(lstat("no-such-target", &st));
    T(open("sym", O_RDONLY | O_NOFOLLOW));
    T(symlink("loop2", "loop1"));
    T(symlink("loop1", "loop2"));
    T(open("loop1", O_RDONLY));
    T(mkdir("real", 0755));
    T(symlink("real", "dirsym"));
    T(put_file("dirsym/through", "t\n", 0644));
    list("real");
    T(unlink("dirsym"));
    T(stat("real/through", &st));
    T(unlink("sym"));
    T(stat("orig", &st));

    /* An unlinked file lives on while open. */
    fd = T(open("orig", O_RDONLY));
    T(unlink("orig"));
    T(fstat(fd, &st));
    say("nlink of open unlinked file: %ld", (long)st.st_nlink);
    T(read(fd, buf, sizeof buf));
    T(close(fd));
    list(".");
}

static void cwd(void)
{
    char start_dir[PATH_MAX], buf[PATH_MAX], small[2];
    if (!getcwd(start_dir, sizeof start_dir)) {
        say("getcwd failed %s", errno_name(errno));
        return;
    }
    YES("getcwd is absolute", start_dir[0] == '/');
    T(mkdir("cw", 0755));
    T(mkdir("cw/deeper", 0755));
    T(chdir("cw/deeper"));
    getcwd(buf, sizeof buf);
    size_t len = strlen(start_dir);
    say("getcwd after chdir: start%s",
        strncmp(buf, start_dir, len) == 0 ? buf + len : "(not under start)");
    T(chdir(".."));
    getcwd(buf, sizeof buf);
    say("getcwd after chdir ..: start%s",
        strncmp(buf, start_dir, len) == 0 ? buf + len : "(not under start)");
    T(chdir("nope"));
    T(put_file("plain", "p\n", 0644));
    T(chdir("plain"));
    T(chdir(""));
    T(syscall(SYS_chdir, BAD_PTR));
    T(getcwd(small, sizeof small) ? 0 : -1);
    T(syscall(SYS_getcwd, small, 0));
    T(syscall(SYS_getcwd, BAD_PTR, 100));
    int fd = T(open("deeper", O_RDONLY | O_DIRECTORY));
    T(chdir(start_dir));
    T(fchdir(fd));
    getcwd(buf, sizeof buf);
    say("getcwd after fchdir: start%s",
        strncmp(buf, start_dir, len) == 0 ? buf + len : "(not under start)");
    T(close(fd));
    T(fchdir(fd));
    fd = T(open("../plain", O_RDONLY));
    T(fchdir(fd));
    T(close(fd));
    T(stat("../plain", &(struct stat){0}));
    /* The cwd removed under our feet. */
    T(chdir(start_dir));
    T(mkdir("gone", 0755));
    T(chdir("gone"));
    T(rmdir("../gone"));
    T(syscall(SYS_getcwd, buf, sizeof buf));
    T(open("newfile", O_WRONLY | O_CREAT, 0644));
    T(chdir(start_dir));
}

int dirs_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    make_and_remove();
    renames();
    links();
    cwd();
    say("done");
    return 0;
}
