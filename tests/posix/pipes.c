/* SPDX-License-Identifier: BSD-2-Clause */
/* Pipes: pipe/pipe2, end-of-file, PIPE_BUF atomicity with several
 * writers, the 64 KiB capacity seen through O_NONBLOCK (EAGAIN), EPIPE
 * with SIGPIPE ignored, caught and by default (the writer dies of it),
 * and the error paths (EFAULT, EINVAL, EBADF). */
#include "common.h"

#include <limits.h>

static void basics(void)
{
    int p[2];
    char buf[16];
    T(pipe(p));
    say("pipe fds: %d %d", p[0], p[1]);
    T(write(p[1], "hello", 5));
    T(read(p[0], buf, 2));
    T(read(p[0], buf, sizeof buf));
    T(write(p[0], "x", 1));
    T(read(p[1], buf, 1));
    T(close(p[1]));
    T(read(p[0], buf, sizeof buf));
    T(close(p[0]));
    T(syscall(SYS_pipe, BAD_PTR));
    T(syscall(SYS_pipe2, p, 0x4242));
    T(pipe2(p, O_CLOEXEC | O_NONBLOCK));
    T(fcntl(p[0], F_GETFD));
    say("O_NONBLOCK on both ends: %s",
        (fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK) ? "yes" : "no");
    T(read(p[0], buf, 1));
    T(close(p[0]));
    T(close(p[1]));
}

static void capacity(void)
{
    int p[2];
    static char chunk[4096];
    long total = 0;
    T(pipe2(p, O_NONBLOCK));
    for (;;) {
        ssize_t n = write(p[1], chunk, sizeof chunk);
        if (n < 0) {
            say("filling: write failed %s after %ld bytes", errno_name(errno), total);
            break;
        }
        total += n;
        if (total > 1 << 20)
            break;
    }
    T(fcntl(p[1], F_GETPIPE_SZ));
    T(write(p[1], "x", 1));
    T(read(p[0], chunk, sizeof chunk));
    /* A write of PIPE_BUF bytes or less goes whole or not at all. */
    T(write(p[1], chunk, PIPE_BUF));
    T(write(p[1], chunk, 1));
    T(close(p[0]));
    T(close(p[1]));
}

/* Four writers each write 64 records of PIPE_BUF bytes filled with their
 * letter; the reader must see each record whole. */
static void atomicity(void)
{
    int p[2];
    enum { WRITERS = 4, RECORDS = 64 };
    static char rec[PIPE_BUF];
    T(pipe(p));
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            close(p[0]);
            memset(rec, 'a' + w, sizeof rec);
            for (int i = 0; i < RECORDS; i++)
                if (write(p[1], rec, sizeof rec) != (ssize_t)sizeof rec)
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    int counts[WRITERS] = {0}, torn = 0;
    size_t have = 0;
    for (;;) {
        ssize_t n = read(p[0], rec + have, sizeof rec - have);
        if (n <= 0)
            break;
        have += (size_t)n;
        if (have < sizeof rec)
            continue;
        have = 0;
        int w = rec[0] - 'a';
        for (size_t i = 1; i < sizeof rec; i++)
            if (rec[i] != rec[0])
                w = -1;
        if (w < 0 || w >= WRITERS)
            torn++;
        else
            counts[w]++;
    }
    say("records: %d %d %d %d, torn: %d, left over bytes: %zu", counts[0], counts[1], counts[2],
        counts[3], torn, have);
    for (int w = 0; w < WRITERS; w++)
        wait_report("writer", pids[w]);
    T(close(p[0]));
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

static void broken(void)
{
    int p[2];
    T(pipe(p));
    T(close(p[0]));
    signal(SIGPIPE, SIG_IGN);
    T(write(p[1], "x", 1));
    signal(SIGPIPE, on_sigpipe);
    T(write(p[1], "x", 1));
    say("SIGPIPE handler ran: %d", (int)sigpipes);
    signal(SIGPIPE, SIG_DFL);
    pid_t pid = fork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    wait_report("writer to a pipe without readers", pid);
    T(close(p[1]));

    /* The last reader closing while the writer is blocked. */
    T(pipe(p));
    pid = fork();
    if (pid == 0) {
        static char big[1 << 17];
        close(p[0]);
        signal(SIGPIPE, SIG_IGN);
        ssize_t n = write(p[1], big, sizeof big);
        /* Partial write (what fit) or EPIPE: exit with which. */
        _exit(n < 0 ? (errno == EPIPE ? 2 : 3) : n == (ssize_t)sizeof big ? 4 : 5);
    }
    close(p[1]);
    char buf[4096];
    long got = 0;
    while (got < 4096) {
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n <= 0)
            break;
        got += n;
    }
    T(close(p[0]));
    wait_report("blocked writer after the reader closed (5: partial write)", pid);

    /* Readers see end of file only when every write end is closed. */
    T(pipe(p));
    int d = T(dup(p[1]));
    T(close(p[1]));
    T(fcntl(p[0], F_SETFL, O_NONBLOCK));
    T(read(p[0], buf, 1));
    T(close(d));
    T(read(p[0], buf, 1));
    T(close(p[0]));
}

int pipes_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    basics();
    capacity();
    atomicity();
    broken();
    say("done");
    return 0;
}
