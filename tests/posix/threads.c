/* SPDX-License-Identifier: BSD-2-Clause */
/* Threads and futexes: pthread_create (clone with the thread flags and
 * CLONE_SETTLS), a contended mutex, a condition variable with a timeout,
 * pthread_join (the CLONE_CHILD_CLEARTID word written 0 and woken at thread
 * exit), thread ids, thread-local storage, fork from a threaded process,
 * and futex(2) itself with its error paths. */
#include "common.h"

#include <pthread.h>
#include <time.h>

/* linux/futex.h (musl-gcc has no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;
static __thread int tls_value = 7;
static pid_t main_pid;

static void *worker(void *arg)
{
    long n = (long)arg;
    tls_value = (int)n; /* its own copy: the main thread's stays 7 */
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        if (i % 100 == 0)
            sched_yield();
    }
    int same_pid = getpid() == main_pid;
    int own_tid = syscall(SYS_gettid) != main_pid;
    return (void *)(long)(n * 100 + same_pid * 10 + own_tid + (tls_value == n ? 0 : 1000));
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ready)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    return (void *)42;
}

static long futex(int *addr, int op, int val, const struct timespec *ts)
{
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

int threads_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    main_pid = getpid();
    pthread_t t[4];
    for (long n = 0; n < 4; n++)
        T(pthread_create(&t[n], NULL, worker, (void *)n));
    for (int n = 0; n < 4; n++) {
        void *ret = NULL;
        T(pthread_join(t[n], &ret));
        say("thread %d returned %ld", n, (long)ret);
    }
    say("counter = %ld", counter);
    say("main tls_value = %d", tls_value);

    pthread_t w;
    T(pthread_create(&w, NULL, waiter, NULL));
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    void *ret = NULL;
    T(pthread_join(w, &ret));
    say("waiter returned %ld", (long)ret);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 20 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&lock);
    int r = pthread_cond_timedwait(&cond, &lock, &deadline);
    pthread_mutex_unlock(&lock);
    say("pthread_cond_timedwait = %s", errno_name(r));

    /* fork in a threaded process: the child has the calling thread only. */
    T(pthread_create(&w, NULL, waiter, NULL)); /* ready is set: it ends soon */
    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_lock(&lock);
        counter = -1;
        pthread_mutex_unlock(&lock);
        _exit(counter == -1 ? 3 : 4);
    }
    wait_report("forked child", pid);
    T(pthread_join(w, NULL));
    say("counter after the child = %ld", counter);

    int word = 5;
    struct timespec short_wait = {0, 10 * 1000 * 1000};
    T(futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL));
    T(futex(&word, FUTEX_WAIT_PRIVATE, 5, &short_wait));
    T(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL));
    T(futex((int *)64, FUTEX_WAIT, 0, NULL)); /* aligned, mapped nowhere */
    T(futex((int *)((char *)&word + 1), FUTEX_WAKE, 1, NULL));
    struct timespec bad_ts = {0, 1000000000};
    T(futex(&word, FUTEX_WAIT, 5, &bad_ts));
    say("done");
    return 0;
}
