// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX server figures, timed with clock_gettime(CLOCK_MONOTONIC) (the
 * server's kaal_time_ns: the TSC at the rate the kernel measured), the
 * median of 11 runs each, one line per figure:
 *   posixbench: getppid N ns       (1000 calls a run: one syscall round trip)
 *   posixbench: fork_exit_wait N ns (10 a run)
 *   posixbench: fork_exec_wait N ns (busybox true, 5 a run)
 * tests/bench/bench_posix.py turns them into `make bench` lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000000000ul + (unsigned long)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

static void fork_once(int do_exec)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (do_exec)
            execl("/bin/true", "true", (char *)NULL);
        _exit(0);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
        printf("posixbench: fork failed\n");
        exit(1);
    }
}

static void report(const char *name, unsigned long (*run)(void))
{
    unsigned long runs[11];
    for (int r = 0; r < 11; r++)
        runs[r] = run();
    qsort(runs, 11, sizeof(runs[0]), cmp);
    printf("posixbench: %s %lu ns\n", name, runs[5]);
}

static unsigned long run_getppid(void)
{
    unsigned long t0 = now_ns();
    for (int i = 0; i < 1000; i++)
        getppid();
    return (now_ns() - t0) / 1000;
}

static unsigned long run_fork(void)
{
    unsigned long t0 = now_ns();
    for (int i = 0; i < 10; i++)
        fork_once(0);
    return (now_ns() - t0) / 10;
}

static unsigned long run_fork_exec(void)
{
    unsigned long t0 = now_ns();
    for (int i = 0; i < 5; i++)
        fork_once(1);
    return (now_ns() - t0) / 5;
}

int main(void)
{
    report("getppid", run_getppid);
    report("fork_exit_wait", run_fork);
    report("fork_exec_wait", run_fork_exec);
    return 0;
}
