// SPDX-License-Identifier: BSD-2-Clause
/* Benchmark: sequential write then read of 256 MiB in 64 KiB blocks through
 * the KaaL VFS into ramfs, next to the same workload through the host
 * kernel into tmpfs (/dev/shm when it is tmpfs, else $TMPDIR or /tmp).
 * Then the path walk: stat of an eight-component path through a symlink
 * and "..", the same on both sides, in ns per call.
 * Best of three runs each; prints `bench:` lines in MiB/s, ns and the ratios. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kaal/vfs.h>

#define TOTAL_BYTES (256ull << 20)
#define BLOCK_BYTES (64u << 10)
#define RUNS 3
#define STAT_CALLS 200000
/* Relative to the tree's top: an eight-component path through the symlink
 * l (-> a/b/c) and "..". */
static const char *const stat_dirs[] = {"a", "a/b", "a/b/c", "a/b/c/d", "a/b/c/d/e", "a/b/c/d/e/f"};
#define STAT_PATH "l/d/e/../e/f/file"

static uint8_t g_block[BLOCK_BYTES];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *b_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void b_free(void *ctx, void *p, size_t n)
{
    (void)ctx, (void)n;
    free(p);
}

static double mib_per_s(double seconds)
{
    return (double)(TOTAL_BYTES >> 20) / seconds;
}

static int kaal_run(double *write_mibs, double *read_mibs)
{
    vfs_config_t cfg = {{b_alloc, b_free, NULL}, NULL, NULL};
    vfs_t *vfs = vfs_create(&cfg);
    if (!vfs || vfs_mount(vfs, NULL, "/", ramfs_create(vfs, NULL)) != 0)
        return -1;
    vfs_proc_t *p = vfs_proc_create(vfs, 0, 0, 022, 16);
    int fd = vfs_open(p, "/bench", VFS_O_CREAT | VFS_O_RDWR, 0644);
    double t0 = now_s();
    for (uint64_t done = 0; done < TOTAL_BYTES; done += BLOCK_BYTES)
        if (vfs_write(p, fd, g_block, BLOCK_BYTES) != BLOCK_BYTES)
            return -1;
    double t1 = now_s();
    vfs_lseek(p, fd, 0, VFS_SEEK_SET);
    uint64_t sum = 0;
    for (uint64_t done = 0; done < TOTAL_BYTES; done += BLOCK_BYTES) {
        if (vfs_read(p, fd, g_block, BLOCK_BYTES) != BLOCK_BYTES)
            return -1;
        sum += g_block[done % BLOCK_BYTES];
    }
    double t2 = now_s();
    vfs_close(p, fd);
    vfs_unlink(p, "/bench");
    vfs_proc_destroy(p);
    vfs_destroy(vfs);
    *write_mibs = mib_per_s(t1 - t0);
    *read_mibs = mib_per_s(t2 - t1);
    return sum == (uint64_t)-1 ? -1 : 0;
}

static int host_run(const char *dir, double *write_mibs, double *read_mibs)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/kaal-vfs-bench-%d", dir, (int)getpid());
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    double t0 = now_s();
    for (uint64_t done = 0; done < TOTAL_BYTES; done += BLOCK_BYTES)
        if (write(fd, g_block, BLOCK_BYTES) != (ssize_t)BLOCK_BYTES)
            return -1;
    double t1 = now_s();
    lseek(fd, 0, SEEK_SET);
    uint64_t sum = 0;
    for (uint64_t done = 0; done < TOTAL_BYTES; done += BLOCK_BYTES) {
        if (read(fd, g_block, BLOCK_BYTES) != (ssize_t)BLOCK_BYTES)
            return -1;
        sum += g_block[done % BLOCK_BYTES];
    }
    double t2 = now_s();
    close(fd);
    unlink(path);
    *write_mibs = mib_per_s(t1 - t0);
    *read_mibs = mib_per_s(t2 - t1);
    return sum == (uint64_t)-1 ? -1 : 0;
}

/* ns per stat of STAT_PATH in a fresh KaaL ramfs. */
static double kaal_stat_ns(void)
{
    vfs_config_t cfg = {{b_alloc, b_free, NULL}, NULL, NULL};
    vfs_t *vfs = vfs_create(&cfg);
    if (!vfs || vfs_mount(vfs, NULL, "/", ramfs_create(vfs, NULL)) != 0)
        return -1;
    vfs_proc_t *p = vfs_proc_create(vfs, 0, 0, 022, 16);
    for (size_t i = 0; i < sizeof(stat_dirs) / sizeof(stat_dirs[0]); i++)
        vfs_mkdir(p, stat_dirs[i], 0755);
    vfs_close(p, vfs_open(p, "a/b/c/d/e/f/file", VFS_O_CREAT | VFS_O_WRONLY, 0644));
    vfs_symlink(p, "a/b/c", "l");
    struct vfs_stat st;
    double t0 = now_s();
    for (int i = 0; i < STAT_CALLS; i++)
        if (vfs_stat(p, STAT_PATH, &st) != 0)
            return -1;
    double t1 = now_s();
    vfs_proc_destroy(p);
    vfs_destroy(vfs);
    return (t1 - t0) * 1e9 / STAT_CALLS;
}

/* The same in a scratch tree under dir on the host. */
static double host_stat_ns(const char *dir)
{
    char top[512], path[768];
    snprintf(top, sizeof(top), "%s/kaal-vfs-bench-tree-%d", dir, (int)getpid());
    if (mkdir(top, 0755) != 0)
        return -1;
    for (size_t i = 0; i < sizeof(stat_dirs) / sizeof(stat_dirs[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", top, stat_dirs[i]);
        mkdir(path, 0755);
    }
    snprintf(path, sizeof(path), "%s/a/b/c/d/e/f/file", top);
    close(open(path, O_CREAT | O_WRONLY, 0644));
    snprintf(path, sizeof(path), "%s/l", top);
    if (symlink("a/b/c", path) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/" STAT_PATH, top);
    struct stat st;
    double t0 = now_s();
    for (int i = 0; i < STAT_CALLS; i++)
        if (stat(path, &st) != 0)
            return -1;
    double t1 = now_s();
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    if (system(cmd) != 0)
        return -1;
    return (t1 - t0) * 1e9 / STAT_CALLS;
}

int main(void)
{
    for (size_t i = 0; i < sizeof(g_block); i++)
        g_block[i] = (uint8_t)(i * 31 + 7);
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                      : getenv("TMPDIR")            ? getenv("TMPDIR")
                                                    : "/tmp";
    double kw = 0, kr = 0, hw = 0, hr = 0;
    for (int run = 0; run < RUNS; run++) {
        double w, r;
        if (kaal_run(&w, &r) != 0) {
            fprintf(stderr, "kaal ramfs run failed\n");
            return 1;
        }
        kw = w > kw ? w : kw;
        kr = r > kr ? r : kr;
        if (host_run(dir, &w, &r) != 0) {
            fprintf(stderr, "host run in %s failed\n", dir);
            return 1;
        }
        hw = w > hw ? w : hw;
        hr = r > hr ? r : hr;
    }
    printf("bench: vfs_ramfs_seq_write_64k %.0f MiB/s\n", kw);
    printf("bench: host_tmpfs_seq_write_64k %.0f MiB/s\n", hw);
    printf("bench: vfs_ramfs_vs_tmpfs_write %.2f x\n", kw / hw);
    printf("bench: vfs_ramfs_seq_read_64k %.0f MiB/s\n", kr);
    printf("bench: host_tmpfs_seq_read_64k %.0f MiB/s\n", hr);
    printf("bench: vfs_ramfs_vs_tmpfs_read %.2f x\n", kr / hr);
    double ks = 0, hs = 0;
    for (int run = 0; run < RUNS; run++) {
        double k = kaal_stat_ns(), h = host_stat_ns(dir);
        if (k < 0 || h < 0) {
            fprintf(stderr, "stat run failed\n");
            return 1;
        }
        ks = (run == 0 || k < ks) ? k : ks;
        hs = (run == 0 || h < hs) ? h : hs;
    }
    printf("bench: vfs_ramfs_stat_8_components %.0f ns\n", ks);
    printf("bench: host_tmpfs_stat_8_components %.0f ns\n", hs);
    printf("bench: vfs_ramfs_vs_tmpfs_stat %.2f x\n", ks / hs);
    return 0;
}
