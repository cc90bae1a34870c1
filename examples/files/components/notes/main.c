// SPDX-License-Identifier: BSD-2-Clause
/* notes: tutorial 6. Every file operation is a call to the VFS server on
 * the "vfs" end (<kaal/vfs_client.h>): the same operations and Linux
 * errno values as open(2), write(2), getdents64(2), so a failure is a
 * negative errno, never a crash. */
#include <kaal/linux_errno.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/vfs_client.h>

#include "notes_caps.h"

static void show(const char *path)
{
    char buf[128];
    int fd = kaal_vfs_open(KAAL_CAP_VFS, path, VFS_O_RDONLY, 0);
    if (fd < 0) {
        printf("notes: open %s: error %d\n", path, fd);
        return;
    }
    int64_t n = kaal_vfs_read(KAAL_CAP_VFS, fd, buf, sizeof(buf) - 1);
    kaal_vfs_close(KAAL_CAP_VFS, fd);
    buf[n > 0 ? n : 0] = 0;
    printf("notes: %s holds %ld bytes: %s", path, (long)n, buf);
}

int main(void)
{
    kaal_vfs_reset(KAAL_CAP_VFS); /* a restarted component starts with no open files */
    show("/etc/motd");

    int r = kaal_vfs_mkdir(KAAL_CAP_VFS, "/notes", 0755);
    int fd = kaal_vfs_open(KAAL_CAP_VFS, "/notes/today", VFS_O_CREAT | VFS_O_WRONLY, 0644);
    const char *text = "write a driver\nread the seL4 manual\n";
    int64_t n = kaal_vfs_write(KAAL_CAP_VFS, fd, text, strlen(text));
    kaal_vfs_close(KAAL_CAP_VFS, fd);
    printf("notes: mkdir %d, wrote %ld bytes to /notes/today\n", r, (long)n);
    show("/notes/today");

    char dents[512];
    int dir = kaal_vfs_open(KAAL_CAP_VFS, "/etc", VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
    int64_t len = kaal_vfs_getdents64(KAAL_CAP_VFS, dir, dents, sizeof(dents));
    kaal_vfs_close(KAAL_CAP_VFS, dir);
    printf("notes: /etc has");
    for (int64_t off = 0; off < len;) {
        const struct vfs_dirent64 *d = (const void *)(dents + off);
        if (d->d_name[0] != '.')
            printf(" %s", d->d_name);
        off += d->d_reclen;
    }
    printf("\n");

    struct vfs_stat st;
    r = kaal_vfs_stat(KAAL_CAP_VFS, "/notes/tomorrow", &st);
    printf("notes: stat /notes/tomorrow: %s\n", r == -LINUX_ENOENT ? "ENOENT" : "unexpected");
    return 0;
}
