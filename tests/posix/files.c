/* SPDX-License-Identifier: BSD-2-Clause */
/* File descriptors and their data: open/openat/creat, read/write,
 * readv/writev, pread/pwrite, lseek, close, dup/dup2/dup3, fcntl, with the
 * error paths (EBADF, EFAULT, EINVAL, ENOENT, EEXIST, ENOTDIR, EISDIR,
 * ESPIPE). Every fd number printed is deterministic: Linux hands out the
 * lowest free one, and the program starts with 0, 1 and 2 open. */
#include "common.h"

#include <sys/stat.h>
#include <sys/uio.h>

static void show_file(const char *path)
{
    char buf[256];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (n < 0) {
        say("contents of %s: unreadable %s", path, errno_name(errno));
    } else {
        buf[n] = 0;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] == '\n')
                buf[i] = '|';
        say("contents of %s: \"%s\" (%zd bytes)", path, buf, n);
    }
    if (fd >= 0)
        close(fd);
}

static void open_and_creat(void)
{
    int fd = T(open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    T(write(fd, "hello\n", 6));
    T(open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    T(close(fd));
    T(close(fd));
    T(open("missing.txt", O_RDONLY));
    T(open("a.txt/x", O_RDONLY));
    T(open("a.txt", O_RDONLY | O_DIRECTORY));
    T(mkdir("d", 0755));
    T(open("d", O_WRONLY));
    T(open("d", O_RDWR));
    fd = T(open("d", O_RDONLY | O_DIRECTORY));
    T(read(fd, (char[8]){0}, 8));
    T(close(fd));
    T(open("", O_RDONLY));
    T(syscall(SYS_open, BAD_PTR, O_RDONLY));
    T(open("a.txt", O_RDONLY | O_WRONLY | O_RDWR));
    fd = T(creat("c.txt", 0600));
    T(write(fd, "creat\n", 6));
    T(read(fd, (char[8]){0}, 8));
    T(close(fd));
    fd = T(open("a.txt", O_WRONLY | O_TRUNC));
    T(write(fd, "truncated\n", 10));
    T(close(fd));
    show_file("a.txt");
    show_file("c.txt");

    int dfd = T(open("d", O_RDONLY | O_DIRECTORY));
    fd = T(openat(dfd, "in-d.txt", O_WRONLY | O_CREAT, 0644));
    T(write(fd, "at\n", 3));
    T(close(fd));
    show_file("d/in-d.txt");
    T(openat(dfd, "nope", O_RDONLY));
    int filefd = T(open("a.txt", O_RDONLY));
    T(openat(filefd, "x", O_RDONLY));
    T(openat(99, "x", O_RDONLY));
    T(openat(99, "/t-absolute-path-ignores-dirfd-nonexistent", O_RDONLY));
    T(close(filefd));
    T(close(dfd));
}

static void read_write_seek(void)
{
    char buf[64] = {0};
    int fd = T(open("rw.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
    T(write(fd, "0123456789", 10));
    T(lseek(fd, 0, SEEK_CUR));
    T(lseek(fd, 0, SEEK_SET));
    T(read(fd, buf, 4));
    say("read: \"%.4s\"", buf);
    T(lseek(fd, -2, SEEK_END));
    T(read(fd, buf, sizeof buf));
    say("read: \"%.2s\"", buf);
    T(read(fd, buf, sizeof buf));
    T(lseek(fd, -1, SEEK_SET));
    T(lseek(fd, 0, 42));
    T(lseek(fd, 20, SEEK_SET));
    T(write(fd, "X", 1));
    struct stat st;
    T(fstat(fd, &st));
    say("size after write past the end: %lld", (long long)st.st_size);
    T(pread(fd, buf, 3, 10));
    say("hole reads as zeros: %s", buf[0] == 0 && buf[1] == 0 && buf[2] == 0 ? "yes" : "no");
    T(lseek(fd, 3, SEEK_SET));
    T(pwrite(fd, "AB", 2, 0));
    T(pread(fd, buf, 5, 0));
    say("pread: \"%.5s\"", buf);
    T(lseek(fd, 0, SEEK_CUR));
    T(pread(fd, buf, 1, -1));
    T(pwrite(fd, buf, 1, -1));
    T(write(fd, buf, 0));
    T(read(fd, buf, 0));
    T(syscall(SYS_read, fd, BAD_PTR, 4));
    T(syscall(SYS_write, fd, BAD_PTR, 4));
    T(syscall(SYS_pread64, fd, BAD_PTR, 4, 0));
    T(close(fd));

    T(read(fd, buf, 1));
    T(write(fd, buf, 1));
    T(read(-1, buf, 1));
    T(lseek(fd, 0, SEEK_SET));
    fd = T(open("rw.txt", O_RDONLY));
    T(write(fd, "x", 1));
    T(close(fd));
    fd = T(open("rw.txt", O_WRONLY));
    T(read(fd, buf, 1));
    T(close(fd));

    fd = T(open("app.txt", O_WRONLY | O_CREAT | O_APPEND, 0644));
    T(write(fd, "one\n", 4));
    T(lseek(fd, 0, SEEK_SET));
    T(write(fd, "two\n", 4));
    T(lseek(fd, 0, SEEK_CUR));
    T(pwrite(fd, "3", 1, 0));
    T(close(fd));
    show_file("app.txt");

    int p[2];
    T(pipe(p));
    T(lseek(p[0], 0, SEEK_SET));
    T(pread(p[0], buf, 1, 0));
    T(close(p[0]));
    T(close(p[1]));
}

static void vectors(void)
{
    char a[4] = {0}, b[8] = {0};
    struct iovec out[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
    struct iovec in[2] = {{a, 3}, {b, 8}};
    int fd = T(open("v.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
    T(writev(fd, out, 3));
    T(lseek(fd, 0, SEEK_SET));
    T(readv(fd, in, 2));
    say("readv: \"%.3s\" \"%.5s\"", a, b);
    T(pwritev(fd, out, 1, 6));
    T(preadv(fd, in, 2, 1));
    say("preadv: \"%.3s\" \"%.5s\"", a, b);
    T(syscall(SYS_writev, fd, out, -1));
    T(syscall(SYS_writev, fd, out, 1025));
    struct iovec bad[1] = {{BAD_PTR, 4}};
    T(syscall(SYS_writev, fd, bad, 1));
    T(syscall(SYS_readv, fd, BAD_PTR, 1));
    T(writev(77, out, 1));
    T(close(fd));
    show_file("v.txt");
}

static void dups(void)
{
    int fd = T(open("dup.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
    int d = T(dup(fd));
    T(write(fd, "ab", 2));
    T(lseek(d, 0, SEEK_CUR));
    T(dup2(fd, 9));
    T(dup2(fd, fd));
    T(dup2(fd, -1));
    T(dup2(50, 9));
    T(dup2(9, 9));
    T(dup3(fd, fd, 0));
    T(dup3(fd, 10, O_CLOEXEC));
    T(fcntl(10, F_GETFD));
    T(fcntl(9, F_GETFD));
    T(syscall(SYS_dup3, fd, 11, 0x7f));
    T(fcntl(fd, F_DUPFD, 20));
    T(fcntl(fd, F_DUPFD, 20));
    T(fcntl(fd, F_DUPFD_CLOEXEC, 0));
    T(fcntl(fd, F_GETFD));
    T(fcntl(fd, F_SETFD, FD_CLOEXEC));
    T(fcntl(fd, F_GETFD));
    T(fcntl(fd, F_DUPFD, -1));
    T(dup(123));
    T(close(9));
    T(close(10));
    T(close(20));
    T(close(21));
    T(close(d));
    T(close(3 + 1));
}

static void flags(void)
{
    int fd = T(open("fl.txt", O_RDWR | O_CREAT | O_TRUNC, 0644));
    long fl = T(fcntl(fd, F_GETFL));
    say("access mode O_RDWR: %s", (fl & O_ACCMODE) == O_RDWR ? "yes" : "no");
    T(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
    fl = fcntl(fd, F_GETFL);
    say("O_APPEND set: %s, O_NONBLOCK set: %s", fl & O_APPEND ? "yes" : "no",
        fl & O_NONBLOCK ? "yes" : "no");
    T(fcntl(fd, F_SETFL, O_RDONLY));
    fl = fcntl(fd, F_GETFL);
    say("F_SETFL cannot change the access mode: %s", (fl & O_ACCMODE) == O_RDWR ? "yes" : "no");
    T(fcntl(fd, 12345));
    T(fcntl(77, F_GETFL));
    T(close(fd));
    fd = T(open("fl.txt", O_WRONLY));
    fl = fcntl(fd, F_GETFL);
    say("access mode O_WRONLY: %s", (fl & O_ACCMODE) == O_WRONLY ? "yes" : "no");
    T(close(fd));
    fd = T(open("fl.txt", O_RDONLY | O_CLOEXEC));
    T(fcntl(fd, F_GETFD));
    T(close(fd));
}

int files_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    open_and_creat();
    read_write_seek();
    vectors();
    dups();
    flags();
    say("done");
    return 0;
}
