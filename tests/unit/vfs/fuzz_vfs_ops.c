// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer target: the input is a sequence of VFS operations (4 bytes
 * each: kind and three operand selectors) on a ramfs root with a small,
 * size-limited ramfs mounted at /m and a devfs at /dev; some inputs also
 * make allocations fail after a budget. After every operation the tree is
 * walked and checked: a directory's nlink is 2 + its subdirectories and its
 * size 40 + 20 per entry; a file's nlink equals the names it has in the
 * tree (names across mounts do not mix); every file reads back exactly
 * st_size bytes. At the end everything is closed and unmounted and not one
 * byte may stay allocated. Any broken invariant traps. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/vfs.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

static size_t g_live;
static long g_budget = -1;

static void *f_alloc(void *ctx, size_t n)
{
    (void)ctx;
    if (g_budget == 0)
        return NULL;
    if (g_budget > 0)
        g_budget--;
    g_live += n;
    return malloc(n);
}

static void f_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    g_live -= n;
    free(p);
}

static const char *const paths[] = {
    "a", "b",        "a/b",      "a/c",    "b/a",   "m/a", "m/b",   "m/a/b",
    "l", "a/l",      "m/l",      "a/../b", "/a/b/", "./a", "a/b/c", "..",
    ".", "dev/null", "dev/zero", "m",      "b/",    "c",   "m/c",   "l/x",
};
#define N_PATHS (sizeof(paths) / sizeof(paths[0]))

static const char *const targets[] = {"a", "b", "a/b", "l", "/a", "m/a", "../a", "c/", "/m"};
#define N_TARGETS (sizeof(targets) / sizeof(targets[0]))

typedef struct {
    uint64_t dev, ino;
    uint32_t nlink;
    uint32_t names;
} seen_t;

static seen_t g_seen[256];
static int g_n_seen;

static seen_t *seen(uint64_t dev, uint64_t ino)
{
    for (int i = 0; i < g_n_seen; i++)
        if (g_seen[i].dev == dev && g_seen[i].ino == ino)
            return &g_seen[i];
    CHECK(g_n_seen < 256);
    g_seen[g_n_seen] = (seen_t){dev, ino, 0, 0};
    return &g_seen[g_n_seen++];
}

static uint8_t g_io[80000];
static uint8_t g_scratch[1 << 16];

static void walk(vfs_proc_t *p, const char *dir, int depth)
{
    int fd = vfs_open(p, dir, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
    CHECK(fd >= 0);
    struct vfs_stat dst;
    CHECK(vfs_fstat(p, fd, &dst) == 0);
    uint8_t buf[2048];
    int64_t got;
    int n_entries = 0, n_subdirs = 0;
    char child[512];
    while ((got = vfs_getdents64(p, fd, buf, sizeof(buf))) > 0) {
        for (int64_t off = 0; off < got;) {
            struct vfs_dirent64 *d = (struct vfs_dirent64 *)(buf + off);
            CHECK(d->d_reclen % 8 == 0 && d->d_reclen > 0);
            off += d->d_reclen;
            if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
                continue;
            n_entries++;
            snprintf(child, sizeof(child), "%s/%s", strcmp(dir, "/") ? dir : "", d->d_name);
            struct vfs_stat st;
            CHECK(vfs_lstat(p, child, &st) == 0);
            if (VFS_S_ISDIR(st.mode)) {
                n_subdirs++; /* a mount point is a directory of this fs too */
                CHECK(depth < 64);
                walk(p, child, depth + 1);
                continue;
            }
            CHECK(st.ino == d->d_ino);
            seen_t *s = seen(st.dev, st.ino);
            s->nlink = st.nlink;
            s->names++;
            if (VFS_S_ISREG(st.mode)) {
                int f = vfs_open(p, child, VFS_O_RDONLY, 0);
                CHECK(f >= 0);
                int64_t total = 0, n;
                while ((n = vfs_read(p, f, g_scratch, sizeof(g_scratch))) > 0)
                    total += n;
                CHECK(n == 0 && total == st.size);
                CHECK(vfs_close(p, f) == 0);
            }
        }
    }
    CHECK(got == 0);
    CHECK(vfs_close(p, fd) == 0);
    if (dst.dev != 0 && strcmp(dir, "/dev") != 0) {
        /* Mount roots carry the entries of their own fs only. */
        CHECK(dst.nlink == (uint32_t)(2 + n_subdirs) || dst.nlink == 0);
        CHECK(dst.size == 40 + 20 * n_entries);
    }
}

static void check_tree(vfs_proc_t *p)
{
    g_n_seen = 0;
    walk(p, "/", 0);
    for (int i = 0; i < g_n_seen; i++)
        CHECK(g_seen[i].nlink == g_seen[i].names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4 * 120) /* 120 operations: long enough, and keeps 20000 runs quick */
        size = 4 * 120;
    g_live = 0;
    g_budget = -1;
    vfs_config_t cfg = {{f_alloc, f_free, NULL}, NULL, NULL};
    vfs_t *vfs = vfs_create(&cfg);
    CHECK(vfs);
    CHECK(vfs_mount(vfs, NULL, "/", ramfs_create(vfs, NULL)) == 0);
    vfs_proc_t *p = vfs_proc_create(vfs, 0, 0, 022, 32);
    vfs_proc_t *insp = vfs_proc_create(vfs, 0, 0, 022, 32);
    CHECK(vfs_mkdir(p, "/m", 0755) == 0 && vfs_mkdir(p, "/dev", 0755) == 0);
    ramfs_options_t small = {.limit_bytes = 8 * 4096, .max_inodes = 12};
    CHECK(vfs_mount(vfs, p, "/m", ramfs_create(vfs, &small)) == 0);
    CHECK(vfs_mount(vfs, p, "/dev", devfs_create(vfs, NULL)) == 0);
    vfs_proc_t *child = NULL;
    memset(g_io, 0x5a, sizeof(g_io));

    for (size_t i = 0; i + 4 <= size; i += 4) {
        uint8_t kind = data[i] % 24, a = data[i + 1], b = data[i + 2], c = data[i + 3];
        const char *pa = paths[a % N_PATHS], *pb = paths[b % N_PATHS];
        int fd = c % 12;
        int64_t off = (int64_t)(b % 16) * 3000;
        switch (kind) {
        case 0:
            vfs_open(p, pa,
                     (c & 3) | ((c & 4) ? VFS_O_CREAT : 0) | ((c & 8) ? VFS_O_TRUNC : 0) |
                         ((c & 16) ? VFS_O_APPEND : 0) | ((c & 32) ? VFS_O_EXCL : 0) |
                         ((c & 64) ? VFS_O_CLOEXEC : 0),
                     0644);
            break;
        case 1: vfs_close(p, fd); break;
        case 2: vfs_write(p, fd, g_io, (size_t)a * 97); break;
        case 3: vfs_pwrite(p, fd, g_io, (size_t)a * 61, off); break;
        case 4: vfs_read(p, fd, g_io, (size_t)a * 50); break;
        case 5: vfs_lseek(p, fd, off - 1000, a % 5); break;
        case 6: vfs_mkdir(p, pa, 0755); break;
        case 7: vfs_rmdir(p, pa); break;
        case 8: vfs_unlink(p, pa); break;
        case 9: vfs_rename(p, pa, pb); break;
        case 10: vfs_link(p, pa, pb); break;
        case 11: vfs_symlink(p, targets[c % N_TARGETS], pa); break;
        case 12: vfs_ftruncate(p, fd, off); break;
        case 13: vfs_truncate(p, pa, off); break;
        case 14: vfs_dup2(p, fd, b % 12); break;
        case 15: vfs_chdir(p, pa); break;
        case 16:
            if (child) {
                vfs_proc_destroy(child);
                child = NULL;
            } else {
                child = vfs_proc_fork(p);
                if (child && (c & 1))
                    vfs_proc_exec(child);
            }
            break;
        case 17: {
            uint8_t buf[600];
            vfs_getdents64(p, fd, buf, 100 + (size_t)a * 2);
            break;
        }
        case 18: vfs_umount(vfs, p, pa); break;
        case 19: g_budget = (c & 1) ? a % 8 : -1; break;
        case 20: vfs_fcntl(p, fd, VFS_F_DUPFD, b % 20); break;
        case 21: {
            char buf[64];
            vfs_readlink(p, pa, buf, sizeof(buf));
            vfs_getcwd(p, buf, sizeof(buf));
            break;
        }
        case 22: vfs_renameat2(p, VFS_AT_FDCWD, pa, VFS_AT_FDCWD, pb, VFS_RENAME_NOREPLACE); break;
        default: {
            struct vfs_stat st;
            vfs_stat(p, pa, &st);
            break;
        }
        }
        long saved = g_budget;
        g_budget = -1;
        check_tree(insp);
        g_budget = saved;
    }
    g_budget = -1;
    if (child)
        vfs_proc_destroy(child);
    vfs_proc_destroy(p);
    vfs_proc_destroy(insp);
    vfs_proc_t *q = vfs_proc_create(vfs, 0, 0, 0, 4);
    vfs_umount(vfs, q, "/dev");
    vfs_umount(vfs, q, "/m");
    vfs_proc_destroy(q);
    CHECK(vfs_destroy(vfs) == 0);
    CHECK(g_live == 0);
    return 0;
}
