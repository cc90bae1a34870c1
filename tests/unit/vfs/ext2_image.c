// SPDX-License-Identifier: BSD-2-Clause
/* Image files as block devices and e2fsprogs as the oracle (see ext2_image.h). */
#define _GNU_SOURCE
#include "ext2_image.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SECTOR 512u

static int file_read(void *ctx, uint64_t sector, uint32_t n, void *buf)
{
    int fd = (int)(intptr_t)ctx;
    ssize_t want = (ssize_t)n * SECTOR;
    return pread(fd, buf, (size_t)want, (off_t)(sector * SECTOR)) == want ? 0 : -EIO;
}

static int file_write(void *ctx, uint64_t sector, uint32_t n, const void *buf)
{
    int fd = (int)(intptr_t)ctx;
    ssize_t want = (ssize_t)n * SECTOR;
    return pwrite(fd, buf, (size_t)want, (off_t)(sector * SECTOR)) == want ? 0 : -EIO;
}

static int file_flush(void *ctx)
{
    return fdatasync((int)(intptr_t)ctx) == 0 ? 0 : -EIO;
}

/* Order between writes matters only across a power cut, which these tests
 * do not make (test_bcache_powercut.c does, on a recording device); the
 * host keeps pwrite order for every reader, so a barrier needs no fdatasync. */
static int file_barrier(void *ctx)
{
    (void)ctx;
    return 0;
}

bool ext2_image_open(const char *path, bool read_only, vfs_blockdev_t *dev)
{
    int fd = open(path, read_only ? O_RDONLY : O_RDWR);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    *dev = (vfs_blockdev_t){
        .ctx = (void *)(intptr_t)fd,
        .sector_bytes = SECTOR,
        .n_sectors = (uint64_t)st.st_size / SECTOR,
        .read_only = read_only,
        .read = file_read,
        .write = file_write,
        .flush = file_flush,
        .barrier = file_barrier,
    };
    return true;
}

void ext2_image_close(vfs_blockdev_t *dev)
{
    close((int)(intptr_t)dev->ctx);
}

void ext2_image_path(char *buf, size_t n, const char *name)
{
    char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (k <= 0) {
        snprintf(buf, n, "/tmp/%s", name);
        return;
    }
    exe[k] = 0;
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/ext2-images", dirname(exe));
    mkdir(dir, 0755);
    snprintf(buf, n, "%s/%d-%s", dir, (int)getpid(), name);
}

int ext2_image_run(char *out, size_t n, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    char full[8300];
    snprintf(full, sizeof(full), "PATH=/usr/sbin:/sbin:$PATH; (%s) 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    size_t used = 0;
    char scratch[4096];
    for (;;) {
        char *dst = out && used + 1 < n ? out + used : scratch;
        size_t room = out && used + 1 < n ? n - used - 1 : sizeof(scratch);
        size_t got = fread(dst, 1, room, p);
        if (got == 0)
            break;
        if (dst != scratch)
            used += got;
    }
    if (out && n)
        out[used] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int ext2_image_mkfs(const char *path, const char *options, unsigned size_kib)
{
    char out[4096];
    unlink(path);
    int st = ext2_image_run(out, sizeof(out), "mke2fs -q -F -t ext2 %s '%s' %uk", options, path,
                            size_kib);
    if (st != 0)
        fprintf(stderr, "mke2fs %s failed (%d): %s\n", options, st, out);
    return st;
}

int ext2_image_fsck(const char *path, char *out, size_t n)
{
    int st = ext2_image_run(out, n, "e2fsck -fn '%s'", path);
    if (st == 0 && out && strstr(out, "? no"))
        return 100;
    return st;
}
