/* SPDX-License-Identifier: BSD-2-Clause */
/* What every differential test program shares: one output line per
 * observation, errno printed by name (the libcs' strerror texts differ),
 * and nothing that differs between two correct runs (no pids, addresses,
 * times, inode numbers: relations instead). Children never print; they
 * report through exit statuses or pipes and the parent prints, so the
 * output order never depends on scheduling. Built with musl-gcc and with
 * glibc, both -static (tests/posix/module.mk). */
#ifndef POSIX_TEST_COMMON_H
#define POSIX_TEST_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "programs.h"

/* A pointer no process has mapped: the kernel (server) must answer EFAULT.
 * Calls passing it go through syscall(2), so no libc wrapper touches it. */
#define BAD_PTR ((void *)1)

static inline const char *errno_name(int e)
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        {0, "0"}, {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"},
        {EINTR, "EINTR"}, {EIO, "EIO"}, {ENXIO, "ENXIO"}, {E2BIG, "E2BIG"},
        {ENOEXEC, "ENOEXEC"}, {EBADF, "EBADF"}, {ECHILD, "ECHILD"},
        {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},
        {EFAULT, "EFAULT"}, {EBUSY, "EBUSY"}, {EEXIST, "EEXIST"},
        {EXDEV, "EXDEV"}, {ENODEV, "ENODEV"}, {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"}, {EINVAL, "EINVAL"}, {ENFILE, "ENFILE"},
        {EMFILE, "EMFILE"}, {ENOTTY, "ENOTTY"}, {EFBIG, "EFBIG"},
        {ENOSPC, "ENOSPC"}, {ESPIPE, "ESPIPE"}, {EROFS, "EROFS"},
        {EMLINK, "EMLINK"}, {EPIPE, "EPIPE"}, {EDOM, "EDOM"},
        {ERANGE, "ERANGE"}, {ENAMETOOLONG, "ENAMETOOLONG"}, {ENOSYS, "ENOSYS"},
        {ENOTEMPTY, "ENOTEMPTY"}, {ELOOP, "ELOOP"}, {EOVERFLOW, "EOVERFLOW"},
        {ENOTSUP, "ENOTSUP"}, {ETIMEDOUT, "ETIMEDOUT"},
    };
    static char other[32];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].e == e)
            return names[i].name;
    snprintf(other, sizeof other, "errno%d", e);
    return other;
}

static inline void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* "label = value" for a call that succeeded, "label = -1 ENAME" otherwise;
 * value is deterministic (fd numbers, byte counts, 0). */
static inline void report(const char *label, long ret, int err)
{
    if (ret < 0)
        say("%s = %ld %s", label, ret, errno_name(err));
    else
        say("%s = %ld", label, ret);
}

/* The same, but a success prints "ok" (for results that are not
 * deterministic: pids, addresses, times). */
static inline void report_ok(const char *label, long ret, int err)
{
    if (ret < 0)
        say("%s = %ld %s", label, ret, errno_name(err));
    else
        say("%s = ok", label);
}

/* The label is the call's source text: the output reads like the program. */
#define T(expr)                                                                                    \
    ({                                                                                             \
        errno = 0;                                                                                 \
        long t_ret_ = (long)(expr);                                                                \
        report(#expr, t_ret_, errno);                                                              \
        t_ret_;                                                                                    \
    })
#define TOK(expr)                                                                                  \
    ({                                                                                             \
        errno = 0;                                                                                 \
        long t_ret_ = (long)(expr);                                                                \
        report_ok(#expr, t_ret_, errno);                                                           \
        t_ret_;                                                                                    \
    })
/* A yes/no relation. */
#define YES(label, cond) say("%s: %s", (label), (cond) ? "yes" : "no")

/* How a waited-for child ended, in words that do not depend on the pid. */
static inline const char *status_text(int status)
{
    static char buf[64];
    if (WIFEXITED(status))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(status));
    else if (WIFSTOPPED(status))
        snprintf(buf, sizeof buf, "stopped by signal %d", WSTOPSIG(status));
    else if (WIFCONTINUED(status))
        snprintf(buf, sizeof buf, "continued");
    else
        snprintf(buf, sizeof buf, "status 0x%x", (unsigned)status);
    return buf;
}

/* Waits for pid and prints "label: <how it ended>". */
static inline void wait_report(const char *label, pid_t pid)
{
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (got != pid)
        say("%s: waitpid failed %s", label, errno_name(errno));
    else
        say("%s: %s", label, status_text(status));
}

/* Writes a whole file; returns 0 or -1. */
static inline int put_file(const char *path, const char *text, mode_t mode)
{
    FILE *f;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return -1;
    f = fdopen(fd, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f) == 0 ? 0 : -1;
}

/* Runs fn in a forked child whose stdout is a pipe to the parent; the
 * parent prints the child's lines prefixed with "label: " once the child
 * closed its end, then how the child ended. So the output order is fixed
 * however the two are scheduled. */
static inline void in_child(const char *label, void (*fn)(void))
{
    int p[2];
    char buf[4096], line[4096];
    size_t len = 0;
    if (pipe(p) < 0) {
        say("%s: pipe failed %s", label, errno_name(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        say("%s: fork failed %s", label, errno_name(errno));
        return;
    }
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 1);
        close(p[1]);
        fn();
        fflush(stdout);
        _exit(0);
    }
    close(p[1]);
    for (;;) {
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n' || len == sizeof line - 1) {
                line[len] = 0;
                say("%s: %s", label, line);
                len = 0;
            } else {
                line[len++] = buf[i];
            }
        }
    }
    if (len) {
        line[len] = 0;
        say("%s: %s (no newline)", label, line);
    }
    close(p[0]);
    wait_report(label, pid);
}

static inline void start(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
}

#endif
