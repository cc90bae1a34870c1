// SPDX-License-Identifier: BSD-2-Clause
/*
 * linuxbench: the Linux side of KaaL's benchmark comparisons. It runs as
 * /init of a tiny initramfs under Debian's Linux kernel, in the same QEMU
 * command KaaL boots in, measures the operations KaaL's own figures are
 * compared with, prints one line `linux: <name> <value> <unit>` per figure
 * and stops the machine.
 *
 * Model: every latency figure is a median over many samples; a sample times a
 * batch of operations with both rdtsc (cycles) and CLOCK_MONOTONIC (ns), each
 * clock read around the whole batch, so the per-operation value is the batch
 * time divided by the batch size and the clocks' own cost is amortised.
 * Throughput figures are medians over several rounds of a large transfer.
 * The first batch or round of each figure is a warm-up and is not counted.
 *
 * Invariants: child processes leave with _exit() and never print, so the
 * parent's stdio buffer is never written twice; every figure that cannot be
 * measured prints `linuxbench: FAILED <what>: <reason>` instead, and the run
 * then ends with a non-zero exit status. As pid 1 the program mounts what it
 * needs (tmpfs on /tmp, sysfs on /sys) and finally writes its status byte to
 * QEMU's isa-debug-exit port (0xf4), so QEMU exits with (status << 1) | 1;
 * run as an ordinary process (on the host, for a sanity check) it only
 * measures and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4
#define PAGE_SIZE_BYTES 4096u
#define BLOCK_BYTES (64u * 1024u)
#define MIB (1024.0 * 1024.0)
#define GIB (1024.0 * 1024.0 * 1024.0)

static int n_failures;
static const char *self_path = "/init";
static volatile uint64_t sink; /* keeps results the compiler must not drop */

static void fail(const char *what)
{
    printf("linuxbench: FAILED %s: %s\n", what, strerror(errno));
    n_failures++;
}

static inline uint64_t read_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One figure line; whole numbers past 1000, 4 significant digits below. */
static void print_figure(const char *name, double value, const char *unit)
{
    if (value >= 1000)
        printf("linux: %s %.0f %s\n", name, value, unit);
    else
        printf("linux: %s %.4g %s\n", name, value, unit);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A latency benchmark: run(ctx, batch) performs `batch` operations and
 * returns 0, or -1 with errno set. */
typedef int (*batch_fn)(void *ctx, unsigned batch);

/* Times n_samples batches; prints `linux: NAME <median per op> UNIT` and
 * NAME_cycles and returns the mean per op in ns over all samples (the mean
 * shows what the median hides: rare slow operations), or -1 on failure. */
static double measure_latency(const char *name, batch_fn run, void *ctx, unsigned batch,
                              unsigned n_samples, const char *unit, double ns_per_unit)
{
    double *ns = calloc(n_samples, sizeof *ns);
    double *cycles = calloc(n_samples, sizeof *cycles);
    double sum_ns = 0, mean_ns = -1;
    char cycles_name[64];

    if (!ns || !cycles) {
        fail(name);
        goto out;
    }
    if (run(ctx, batch) != 0) { /* warm-up */
        fail(name);
        goto out;
    }
    for (unsigned i = 0; i < n_samples; i++) {
        uint64_t t0 = now_ns();
        uint64_t c0 = read_tsc();
        int rc = run(ctx, batch);
        uint64_t c1 = read_tsc();
        uint64_t t1 = now_ns();
        if (rc != 0) {
            fail(name);
            goto out;
        }
        ns[i] = (double)(t1 - t0) / batch;
        cycles[i] = (double)(c1 - c0) / batch;
        sum_ns += ns[i];
    }
    mean_ns = sum_ns / n_samples;
    snprintf(cycles_name, sizeof cycles_name, "%s_cycles", name);
    print_figure(name, median(ns, n_samples) / ns_per_unit, unit);
    print_figure(cycles_name, median(cycles, n_samples), "cycles");
out:
    free(ns);
    free(cycles);
    return mean_ns;
}

/* --- getppid: the cheapest real system call --------------------------- */

static int run_getppid(void *ctx, unsigned batch)
{
    (void)ctx;
    for (unsigned i = 0; i < batch; i++)
        sink += (uint64_t)syscall(SYS_getppid);
    return 0;
}

/* --- pipe round trip: 1 byte there and back between two processes ----- */

struct pipe_pair {
    int ping[2]; /* parent writes [1], child reads [0] */
    int pong[2]; /* child writes [1], parent reads [0] */
};

static int run_pipe_rt(void *ctx, unsigned batch)
{
    struct pipe_pair *p = ctx;
    char c = 'x';
    for (unsigned i = 0; i < batch; i++) {
        if (write(p->ping[1], &c, 1) != 1 || read(p->pong[0], &c, 1) != 1)
            return -1;
    }
    return 0;
}

static void bench_pipe_rt(void)
{
    struct pipe_pair p;
    if (pipe(p.ping) || pipe(p.pong)) {
        fail("pipe_rt: pipe");
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        fail("pipe_rt: fork");
        return;
    }
    if (pid == 0) {
        char c;
        close(p.ping[1]);
        close(p.pong[0]);
        while (read(p.ping[0], &c, 1) == 1)
            if (write(p.pong[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(p.ping[0]);
    close(p.pong[1]);
    measure_latency("pipe_rt", run_pipe_rt, &p, 10, 500, "us", 1e3);
    close(p.ping[1]); /* EOF ends the child */
    close(p.pong[0]);
    waitpid(pid, NULL, 0);
}

/* --- futex round trip between two threads of one process -------------- */

/* 0: the main thread's turn, 1: the partner's turn, 2: partner must quit.
 * Written by both threads; each sleeps in FUTEX_WAIT while it is not its turn. */
static _Atomic int futex_turn;

static void futex_wait(int expected)
{
    syscall(SYS_futex, (int *)&futex_turn, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake(void)
{
    syscall(SYS_futex, (int *)&futex_turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_partner(void *arg)
{
    (void)arg;
    for (;;) {
        int v;
        while ((v = atomic_load(&futex_turn)) == 0)
            futex_wait(0);
        if (v == 2)
            return NULL;
        atomic_store(&futex_turn, 0);
        futex_wake();
    }
}

static int run_futex_rt(void *ctx, unsigned batch)
{
    (void)ctx;
    for (unsigned i = 0; i < batch; i++) {
        atomic_store(&futex_turn, 1);
        futex_wake();
        while (atomic_load(&futex_turn) == 1)
            futex_wait(1);
    }
    return 0;
}

static void bench_futex_rt(void)
{
    pthread_t partner;
    atomic_store(&futex_turn, 0);
    errno = pthread_create(&partner, NULL, futex_partner, NULL);
    if (errno) {
        fail("futex_rt: pthread_create");
        return;
    }
    measure_latency("futex_rt", run_futex_rt, NULL, 10, 500, "us", 1e3);
    atomic_store(&futex_turn, 2);
    futex_wake();
    pthread_join(partner, NULL);
}

/* --- fresh page fault: first write to a new anonymous page ------------ */

struct fault_region {
    char *base;
    size_t next_bytes, size_bytes;
};

static int run_page_fault(void *ctx, unsigned batch)
{
    struct fault_region *r = ctx;
    if (r->next_bytes + (size_t)batch * PAGE_SIZE_BYTES > r->size_bytes) {
        errno = ENOMEM;
        return -1;
    }
    for (unsigned i = 0; i < batch; i++, r->next_bytes += PAGE_SIZE_BYTES)
        r->base[r->next_bytes] = 1;
    return 0;
}

static void bench_page_fault(void)
{
    const unsigned batch = 16, n_samples = 1000;
    struct fault_region r = {.size_bytes = (size_t)(n_samples + 1) * batch * PAGE_SIZE_BYTES};
    r.base = mmap(NULL, r.size_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r.base == MAP_FAILED) {
        fail("page_fault: mmap");
        return;
    }
    /* 4 KiB faults, not one transparent huge page per 2 MiB. */
    madvise(r.base, r.size_bytes, MADV_NOHUGEPAGE);
    double mean_ns = measure_latency("page_fault", run_page_fault, &r, batch, n_samples, "us", 1e3);
    /* The mean includes QEMU faulting in never-touched guest RAM on the host. */
    if (mean_ns >= 0)
        print_figure("page_fault_mean", mean_ns / 1e3, "us");
    munmap(r.base, r.size_bytes);
}

/* --- fork + exec + wait ------------------------------------------------ */

static int run_fork_exec(void *ctx, unsigned batch)
{
    (void)ctx;
    for (unsigned i = 0; i < batch; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            char *argv[] = {(char *)self_path, "--exit", NULL};
            execv(self_path, argv);
            _exit(127);
        }
        int status;
        if (waitpid(pid, &status, 0) != pid)
            return -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            errno = ECHILD;
            return -1;
        }
    }
    return 0;
}

/* --- pipe bulk throughput: 64 KiB writes to another process ----------- */

static int write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t k = write(fd, buf, n);
        if (k <= 0)
            return -1;
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

static void bench_pipe_bulk(void)
{
    const size_t round_bytes = 32u << 20;
    const unsigned n_rounds = 7;
    int data[2], ack[2];
    static char buf[BLOCK_BYTES];
    double mibps[7];

    if (pipe(data) || pipe(ack)) {
        fail("pipe_bulk: pipe");
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        fail("pipe_bulk: fork");
        return;
    }
    if (pid == 0) {
        /* Reads everything; one ack byte after each round's last byte. */
        size_t got = 0;
        ssize_t k;
        close(data[1]);
        close(ack[0]);
        while ((k = read(data[0], buf, sizeof buf)) > 0) {
            got += (size_t)k;
            if (got >= round_bytes) {
                got -= round_bytes;
                if (write(ack[1], "a", 1) != 1)
                    _exit(1);
            }
        }
        _exit(0);
    }
    close(data[0]);
    close(ack[1]);
    memset(buf, 0x5a, sizeof buf);
    for (unsigned r = 0; r <= n_rounds; r++) { /* round 0 is the warm-up */
        char c;
        uint64_t t0 = now_ns();
        for (size_t done = 0; done < round_bytes; done += sizeof buf)
            if (write_all(data[1], buf, sizeof buf)) {
                fail("pipe_bulk: write");
                goto out;
            }
        if (read(ack[0], &c, 1) != 1) {
            fail("pipe_bulk: ack");
            goto out;
        }
        if (r > 0)
            mibps[r - 1] = (double)round_bytes / MIB / ((double)(now_ns() - t0) / 1e9);
    }
    print_figure("pipe_bulk", median(mibps, n_rounds), "MiB/s");
out:
    close(data[1]);
    close(ack[0]);
    waitpid(pid, NULL, 0);
}

/* --- memcpy bandwidth -------------------------------------------------- */

/* GiB/s of glibc's memcpy for copies of copy_bytes each, median of n_rounds
 * rounds that copy 64 MiB each, between two 32 MiB buffers. */
static double memcpy_gibps(char *dst, const char *src, size_t copy_bytes)
{
    enum { N_ROUNDS = 9 };
    const size_t round_bytes = 64u << 20, area_bytes = 32u << 20;
    double gibps[N_ROUNDS];

    for (unsigned r = 0; r <= N_ROUNDS; r++) { /* round 0 is the warm-up */
        uint64_t t0 = now_ns();
        for (size_t done = 0; done < round_bytes; done += copy_bytes) {
            size_t off = done % area_bytes;
            memcpy(dst + off, src + off, copy_bytes);
            __asm__ volatile("" : : "r"(dst) : "memory"); /* every copy happens */
        }
        uint64_t t1 = now_ns();
        if (r > 0)
            gibps[r - 1] = (double)round_bytes / GIB / ((double)(t1 - t0) / 1e9);
    }
    return median(gibps, N_ROUNDS);
}

static void bench_memcpy(void)
{
    const size_t area_bytes = 32u << 20;
    char *src = malloc(area_bytes), *dst = malloc(area_bytes);
    if (!src || !dst) {
        fail("memcpy: malloc");
        goto out;
    }
    memset(src, 0x3c, area_bytes);
    memset(dst, 0, area_bytes);
    /* 1 MiB copies stay in the host's caches; one 32 MiB copy does not, and
     * glibc switches to non-temporal stores for it. */
    print_figure("memcpy", memcpy_gibps(dst, src, 1u << 20), "GiB/s");
    print_figure("memcpy_32m", memcpy_gibps(dst, src, area_bytes), "GiB/s");
    sink += (unsigned char)dst[area_bytes - 1];
out:
    free(src);
    free(dst);
}

/* --- tmpfs sequential write and read in 64 KiB blocks ------------------ */

static double tmpfs_pass(const char *path, size_t total_bytes, int writing, char *buf)
{
    int fd = writing ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    uint64_t t0 = now_ns();
    size_t done = 0;
    while (done < total_bytes) {
        ssize_t k = writing ? write(fd, buf, BLOCK_BYTES) : read(fd, buf, BLOCK_BYTES);
        if (k != (ssize_t)BLOCK_BYTES) {
            if (k >= 0)
                errno = writing ? ENOSPC : EIO;
            close(fd);
            return -1;
        }
        done += BLOCK_BYTES;
    }
    if (close(fd) != 0)
        return -1;
    return (double)total_bytes / MIB / ((double)(now_ns() - t0) / 1e9);
}

/* Run 0 writes to guest RAM never touched since QEMU started, which the host
 * must fault in first (reported as _cold); the figure is the median of the
 * later runs, which reuse pages the earlier run freed. */
static void bench_tmpfs(const char *dir)
{
    enum { N_RUNS = 4 };
    static char buf[BLOCK_BYTES];
    char path[256], wname[40], rname[40], cold_name[48];
    double wr[N_RUNS], rd[N_RUNS - 1];
    struct sysinfo si;
    size_t size_mib = 256;

    /* The file lives in RAM: keep 48 MiB spare for everything else. */
    if (sysinfo(&si) == 0 &&
        (double)si.freeram * si.mem_unit < (256.0 + 48.0) * MIB)
        size_mib = 128;
    snprintf(path, sizeof path, "%s/linuxbench.dat", dir);
    snprintf(wname, sizeof wname, "tmpfs_write_%zum", size_mib);
    snprintf(rname, sizeof rname, "tmpfs_read_%zum", size_mib);
    snprintf(cold_name, sizeof cold_name, "%s_cold", wname);
    memset(buf, 0xa5, sizeof buf);
    for (int i = 0; i < N_RUNS; i++) {
        unlink(path); /* each run allocates its pages afresh */
        if ((wr[i] = tmpfs_pass(path, size_mib << 20, 1, buf)) < 0) {
            fail(wname);
            unlink(path);
            return;
        }
    }
    for (int i = 0; i < N_RUNS - 1; i++)
        if ((rd[i] = tmpfs_pass(path, size_mib << 20, 0, buf)) < 0) {
            fail(rname);
            unlink(path);
            return;
        }
    unlink(path);
    print_figure(wname, median(wr + 1, N_RUNS - 1), "MiB/s");
    print_figure(cold_name, wr[0], "MiB/s");
    print_figure(rname, median(rd, N_RUNS - 1), "MiB/s");
}

/* --- pid 1 duties -------------------------------------------------------- */

static void mount_fs(const char *type, const char *dir, const char *options)
{
    mkdir(dir, 0755);
    if (mount(type, dir, type, 0, options) != 0)
        fail(dir);
}

static void print_clocksource(void)
{
    char name[64] = "";
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    if (f && fgets(name, sizeof name, f))
        printf("linuxbench: clocksource %s", name);
    if (f)
        fclose(f);
}

static _Noreturn void power_off(int status)
{
    fflush(stdout);
    if (getpid() != 1)
        exit(status);
    sync();
    if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
        outb((unsigned char)status, DEBUG_EXIT_PORT);
    reboot(RB_POWER_OFF); /* no debug-exit device: plain power-off */
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    const char *tmp_dir = "/tmp";
    struct timespec up;

    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        _exit(0); /* the exec'ed child of fork_exec_wait */
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("linuxbench: start\n");
    self_path = getpid() == 1 ? argv[0] : "/proc/self/exe";
    if (argc > 2 && strcmp(argv[1], "--tmpdir") == 0)
        tmp_dir = argv[2];
    if (getpid() == 1) {
        clock_gettime(CLOCK_BOOTTIME, &up);
        print_figure("kernel_boot_to_init", (double)up.tv_sec + up.tv_nsec / 1e9, "s");
        mount_fs("sysfs", "/sys", NULL);
        mount_fs("tmpfs", "/tmp", "size=400m");
    }

    measure_latency("getppid", run_getppid, NULL, 100, 1000, "ns", 1);
    bench_pipe_rt();
    bench_futex_rt();
    bench_page_fault();
    measure_latency("fork_exec_wait", run_fork_exec, NULL, 1, 40, "ms", 1e6);
    bench_pipe_bulk();
    bench_memcpy();
    bench_tmpfs(tmp_dir);

    if (getpid() == 1)
        print_clocksource();
    printf("linuxbench: done, %d failed\n", n_failures);
    power_off(n_failures ? 2 : 0);
}
