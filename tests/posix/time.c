/* SPDX-License-Identifier: BSD-2-Clause */
/* Time: clock_gettime/clock_getres for the clocks Linux has, nanosleep
 * (relative and interrupted, with the remaining time), clock_nanosleep
 * (relative and TIMER_ABSTIME), gettimeofday and time. Only relations are
 * printed (monotonic, at least as long as asked, within a bound of each
 * other), never a time: the two systems' clocks have nothing in common. */
#include "common.h"

#include <sys/time.h>
#include <time.h>

static long long ns_of(struct timespec t)
{
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long now_ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return ns_of(t);
}

static void clocks(void)
{
    static const struct {
        clockid_t id;
        const char *name;
    } ids[] = {
        {CLOCK_REALTIME, "CLOCK_REALTIME"},
        {CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
        {CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID"},
        {CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID"},
        {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
        {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE"},
        {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE"},
        {CLOCK_BOOTTIME, "CLOCK_BOOTTIME"},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        struct timespec t = {-1, -1}, res = {-1, -1};
        int r = clock_gettime(ids[i].id, &t);
        int e = errno;
        int rr = clock_getres(ids[i].id, &res);
        say("%s: gettime %s, tv_nsec in range: %s, getres %s, resolution at most 10 ms: %s",
            ids[i].name, r == 0 ? "ok" : errno_name(e),
            t.tv_nsec >= 0 && t.tv_nsec < 1000000000L ? "yes" : "no", rr == 0 ? "ok" : "failed",
            res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000L ? "yes" : "no");
    }
    struct timespec t;
    T(clock_gettime(12345, &t));
    T(clock_getres(12345, &t));
    T(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD_PTR));
    T(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));

    long long prev = now_ns(CLOCK_MONOTONIC);
    int backwards = 0;
    for (int i = 0; i < 2000; i++) {
        long long n = now_ns(CLOCK_MONOTONIC);
        if (n < prev)
            backwards++;
        prev = n;
    }
    say("CLOCK_MONOTONIC went backwards in 2000 reads: %d times", backwards);
    /* MONOTONIC read first: BOOTTIME (MONOTONIC plus time suspended) read
     * after it is never smaller, however long the guest waits in between
     * (the order of the operands of >= is unspecified, hence two reads). */
    long long mono = now_ns(CLOCK_MONOTONIC);
    long long boot = now_ns(CLOCK_BOOTTIME);
    YES("CLOCK_BOOTTIME is at least CLOCK_MONOTONIC", boot >= mono);

    long long cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned long spin = 0;
    long long until = now_ns(CLOCK_MONOTONIC) + 50000000LL;
    while (now_ns(CLOCK_MONOTONIC) < until)
        spin++;
    YES("CLOCK_PROCESS_CPUTIME_ID advanced while spinning",
        now_ns(CLOCK_PROCESS_CPUTIME_ID) > cpu0);

    struct timeval tv;
    struct timespec rt;
    T(gettimeofday(&tv, NULL));
    clock_gettime(CLOCK_REALTIME, &rt);
    long long tv_ns = (long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
    YES("gettimeofday within 1 s of CLOCK_REALTIME", ns_of(rt) - tv_ns < 1000000000LL &&
                                                        tv_ns - ns_of(rt) < 1000000000LL);
    YES("tv_usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    time_t secs = time(NULL);
    YES("time() within 1 s of CLOCK_REALTIME", secs - rt.tv_sec <= 1 && rt.tv_sec - secs <= 1);
    YES("CLOCK_REALTIME is after 2020", rt.tv_sec > 1577836800);
    T(syscall(SYS_gettimeofday, BAD_PTR, NULL));
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void sleeps(void)
{
    struct timespec req = {0, 30000000}, rem;
    long long t0 = now_ns(CLOCK_MONOTONIC);
    T(nanosleep(&req, NULL));
    YES("nanosleep 30 ms lasted at least 30 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 30000000LL);
    req.tv_nsec = 1000000000L;
    T(nanosleep(&req, NULL));
    req.tv_nsec = -1;
    T(nanosleep(&req, NULL));
    req = (struct timespec){-1, 0};
    T(nanosleep(&req, NULL));
    req = (struct timespec){0, 0};
    T(nanosleep(&req, NULL));
    T(syscall(SYS_nanosleep, BAD_PTR, NULL));

    t0 = now_ns(CLOCK_MONOTONIC);
    req = (struct timespec){0, 20000000};
    T(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL));
    YES("clock_nanosleep 20 ms lasted at least 20 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 20000000LL);
    struct timespec abs_t;
    clock_gettime(CLOCK_MONOTONIC, &abs_t);
    long long target = ns_of(abs_t) + 20000000LL;
    abs_t.tv_sec = target / 1000000000LL;
    abs_t.tv_nsec = target % 1000000000LL;
    T(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_t, NULL));
    YES("TIMER_ABSTIME sleep ended after its target", now_ns(CLOCK_MONOTONIC) >= target);
    abs_t.tv_sec -= 10;
    T(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_t, NULL));
    req = (struct timespec){0, 1000};
    /* clock_nanosleep returns the error number, it does not set errno. */
    say("clock_nanosleep on a bad clock returns %s", errno_name(clock_nanosleep(12345, 0, &req, NULL)));
    say("clock_nanosleep on a CPU clock returns %s",
        errno_name(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)));

    /* Interrupted by SIGALRM: EINTR and a remaining time below the request. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 100000}};
    T(setitimer(ITIMER_REAL, &it, NULL));
    req = (struct timespec){5, 0};
    rem = (struct timespec){-1, -1};
    T(nanosleep(&req, &rem));
    YES("remaining time is set and below the request",
        rem.tv_sec >= 0 && ns_of(rem) < ns_of(req) && ns_of(rem) > 0);
    YES("remaining time is at least 4 s (the alarm came after 0.1 s)", rem.tv_sec >= 4);
    signal(SIGALRM, SIG_DFL);
    T(alarm(0));
}

int time_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    clocks();
    sleeps();
    say("done");
    return 0;
}
