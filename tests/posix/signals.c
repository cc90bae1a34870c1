/* SPDX-License-Identifier: BSD-2-Clause */
/* Signals: sigaction (SA_SIGINFO, SA_RESETHAND, SA_NODEFER), EINTR and
 * SA_RESTART on a blocking read, sigprocmask and pending signals,
 * sigsuspend, kill (ESRCH, EINVAL, signal 0), SIGCHLD with its siginfo,
 * and the default action of each signal as the exit status of a child.
 * Where a signal must arrive while the program blocks, a child sends it
 * after the parent said (through a pipe) that it is about to block, and
 * then a generous pause: a late signal can only make the run slower. */
#include "common.h"

#include <time.h>

/* A real-time signal by number: SIGRTMIN differs between the libcs (glibc
 * keeps two for itself, musl three). */
#define RT_SIG 40

static volatile sig_atomic_t hits, last_sig, last_code, nested;

static void on_signal(int sig)
{
    hits++;
    last_sig = sig;
}

/* Raises its own signal once from inside the handler. */
static void on_nest(int sig)
{
    hits++;
    if (hits == 1) {
        raise(sig);
        nested = hits;
    }
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_sig = sig;
    last_code = si->si_code;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* A child that waits for a byte on ready[0], sleeps, then sends sig to the
 * parent and, if then_write, writes one byte to data. */
static pid_t signaller(int ready_fd, int sig, int data_fd)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        if (read(ready_fd, &c, 1) != 1)
            _exit(1);
        sleep_ms(200);
        kill(parent, sig);
        if (data_fd >= 0) {
            sleep_ms(200);
            if (write(data_fd, "d", 1) != 1)
                _exit(2);
        }
        _exit(0);
    }
    return pid;
}

static void handlers(void)
{
    struct sigaction sa = {0}, old;
    sa.sa_handler = on_signal;
    T(sigaction(SIGUSR1, &sa, NULL));
    T(raise(SIGUSR1));
    say("handler ran %d time(s), signal SIGUSR1: %s", (int)hits, last_sig == SIGUSR1 ? "yes" : "no");
    T(sigaction(SIGUSR1, NULL, &old));
    YES("sigaction reads back the handler", old.sa_handler == on_signal);
    T(sigaction(SIGKILL, &sa, NULL));
    T(sigaction(SIGSTOP, &sa, NULL));
    T(sigaction(0, &sa, NULL));
    T(sigaction(65, &sa, NULL));
    T(sigaction(SIGKILL, NULL, &old));
    T(syscall(SYS_rt_sigaction, SIGUSR1, BAD_PTR, NULL, 8));
    T(syscall(SYS_rt_sigaction, SIGUSR1, NULL, BAD_PTR, 8));
    T(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4));

    hits = 0;
    sa.sa_flags = SA_RESETHAND;
    T(sigaction(SIGUSR2, &sa, NULL));
    T(raise(SIGUSR2));
    T(sigaction(SIGUSR2, NULL, &old));
    YES("SA_RESETHAND: back to SIG_DFL after one delivery", old.sa_handler == SIG_DFL);

    struct sigaction si = {0};
    si.sa_sigaction = on_info;
    si.sa_flags = SA_SIGINFO;
    T(sigaction(SIGUSR1, &si, NULL));
    T(kill(getpid(), SIGUSR1));
    say("SA_SIGINFO handler: si_code %s", last_code == SI_USER ? "SI_USER"
                                          : last_code == SI_TKILL ? "SI_TKILL" : "other");
    T(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 5}));
    say("after sigqueue: si_code %s", last_code == SI_QUEUE ? "SI_QUEUE" : "other");

    T(kill(getpid(), 0));
    T(kill(getpid(), 12345));
    T(kill(-12345678, SIGUSR1));
    T(kill(2000000000, SIGUSR1));
    signal(SIGUSR1, SIG_IGN);
    T(raise(SIGUSR1));
    say("ignored signal: still alive");
    signal(SIGUSR1, SIG_DFL);
}

static void interrupted_read(int restart)
{
    int ready[2], data[2];
    char c;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGUSR1, &sa, NULL);
    hits = 0;
    T(pipe(ready));
    T(pipe(data));
    pid_t pid = signaller(ready[0], SIGUSR1, restart ? data[1] : -1);
    T(write(ready[1], "r", 1));
    T(read(data[0], &c, 1));
    say("handler ran: %d", (int)hits);
    wait_report("signaller", pid);
    close(ready[0]);
    close(ready[1]);
    close(data[0]);
    close(data[1]);
    signal(SIGUSR1, SIG_DFL);
}

static void masks(void)
{
    sigset_t set, old, pending;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    hits = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    T(sigprocmask(SIG_BLOCK, &set, &old));
    YES("SIGUSR1 was not blocked before", !sigismember(&old, SIGUSR1));
    T(raise(SIGUSR1));
    T(raise(SIGUSR1));
    say("handler ran while blocked: %d", (int)hits);
    T(sigpending(&pending));
    YES("SIGUSR1 pending", sigismember(&pending, SIGUSR1));
    T(sigprocmask(SIG_UNBLOCK, &set, NULL));
    say("handler ran after unblocking (a standard signal queues once): %d", (int)hits);
    T(sigpending(&pending));
    YES("nothing pending", !sigismember(&pending, SIGUSR1));

    sigemptyset(&set);
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGSTOP);
    T(sigprocmask(SIG_BLOCK, &set, NULL));
    T(sigprocmask(SIG_BLOCK, NULL, &old));
    YES("SIGKILL and SIGSTOP cannot be blocked",
        !sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP));
    T(sigprocmask(12345, &set, NULL));
    T(syscall(SYS_rt_sigprocmask, SIG_BLOCK, BAD_PTR, NULL, 8));
    T(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, NULL, 3));

    /* Real-time signals queue, and come lowest number first. */
    sigemptyset(&set);
    sigaddset(&set, RT_SIG);
    sigaddset(&set, RT_SIG + 1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(RT_SIG, on_signal);
    signal(RT_SIG + 1, on_signal);
    hits = 0;
    T(raise(RT_SIG + 1));
    T(raise(RT_SIG));
    T(raise(RT_SIG));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    say("real-time deliveries: %d, the last handler to run was for signal 41: %s", (int)hits,
        last_sig == RT_SIG + 1 ? "yes" : "no");
    signal(RT_SIG, SIG_DFL);
    signal(RT_SIG + 1, SIG_DFL);

    /* sigsuspend: wait with the signal unblocked, return EINTR. */
    int ready[2];
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    pipe(ready);
    hits = 0;
    pid_t pid = signaller(ready[0], SIGUSR1, -1);
    T(write(ready[1], "r", 1));
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    T(sigsuspend(&wait_mask));
    say("sigsuspend: handler ran %d", (int)hits);
    sigprocmask(SIG_BLOCK, NULL, &old);
    YES("mask restored after sigsuspend", sigismember(&old, SIGUSR1));
    wait_report("signaller", pid);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    close(ready[0]);
    close(ready[1]);

    /* A handler runs with its signal blocked unless SA_NODEFER. */
    for (int nodefer = 0; nodefer < 2; nodefer++) {
        struct sigaction nest = {0};
        nest.sa_handler = on_nest;
        nest.sa_flags = nodefer ? SA_NODEFER : 0;
        sigaction(SIGUSR1, &nest, NULL);
        hits = 0;
        nested = 0;
        T(raise(SIGUSR1));
        say("%s: deliveries seen inside the handler %d, in all %d",
            nodefer ? "SA_NODEFER" : "default", (int)nested, (int)hits);
    }
    signal(SIGUSR1, SIG_DFL);
}

static volatile sig_atomic_t chld_code, chld_status, chld_pid_ok;
static pid_t chld_expected;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_pid_ok = si->si_pid == chld_expected;
}

static void sigchld(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    T(sigaction(SIGCHLD, &sa, NULL));
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    chld_expected = pid;
    sigset_t none;
    sigemptyset(&none);
    T(sigsuspend(&none));
    say("SIGCHLD: si_code %s si_status %d si_pid is the child: %s",
        chld_code == CLD_EXITED ? "CLD_EXITED" : "other", (int)chld_status,
        chld_pid_ok ? "yes" : "no");
    wait_report("child", pid);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SIGCHLD ignored: children are reaped by the kernel, wait says ECHILD. */
    signal(SIGCHLD, SIG_IGN);
    pid = fork();
    if (pid == 0)
        _exit(0);
    int status;
    T(waitpid(pid, &status, 0));
    signal(SIGCHLD, SIG_DFL);
}

static void default_actions(void)
{
    const struct {
        int sig;
        const char *name;
    } sigs[] = {
        {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},     {SIGQUIT, "SIGQUIT"},
        {SIGILL, "SIGILL"},   {SIGTRAP, "SIGTRAP"},   {SIGABRT, "SIGABRT"},
        {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},     {SIGKILL, "SIGKILL"},
        {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"},   {SIGUSR2, "SIGUSR2"},
        {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},   {SIGTERM, "SIGTERM"},
        {SIGCHLD, "SIGCHLD"}, {SIGURG, "SIGURG"},     {SIGWINCH, "SIGWINCH"},
        {SIGXCPU, "SIGXCPU"}, {SIGSYS, "SIGSYS"},     {RT_SIG, "signal 40 (real-time)"},
        {SIGCONT, "SIGCONT"},
    };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            raise(sigs[i].sig);
            _exit(0);
        }
        wait_report(sigs[i].name, pid);
    }
    /* abort() kills even with SIGABRT caught. */
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGABRT, on_signal);
        abort();
    }
    wait_report("abort() with a handler", pid);
    /* A fault with the signal blocked still kills. */
    pid = fork();
    if (pid == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigprocmask(SIG_BLOCK, &set, NULL);
        int *volatile bad = (int *)8;
        *bad = 1;
        _exit(0);
    }
    wait_report("null write with SIGSEGV blocked", pid);
    pid = fork();
    if (pid == 0) {
        volatile int zero = 0;
        /* cppcheck-suppress zerodiv */
        _exit(10 / zero);
    }
    wait_report("integer division by zero", pid);
    pid = fork();
    if (pid == 0) {
        __asm__ volatile("ud2");
        _exit(0);
    }
    wait_report("ud2", pid);
}

int signals_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    handlers();
    say("-- read interrupted, no SA_RESTART");
    interrupted_read(0);
    say("-- read interrupted, SA_RESTART");
    interrupted_read(1);
    masks();
    sigchld();
    default_actions();
    say("done");
    return 0;
}
