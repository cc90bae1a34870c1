// SPDX-License-Identifier: BSD-2-Clause
/*
 * Client component of the VFS server test system (vfs.toml): drives the
 * server through <kaal/vfs_client.h> and prints one line per check
 * ("vfs-client: ok - ..." or "vfs-client: FAIL - ...: got X, want Y"),
 * then "vfs-client: N passed, N failed"; exits with 1 if anything failed.
 * tests/system/test_vfs_server.py boots the system and reads those lines.
 */
#include <stdbool.h>

#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/vfs_client.h>
#include <kaal/vfs_rpc.h>

#include "vfs_client_test_caps.h"

#define EP KAAL_CAP_VFS
#define BIG_BYTES 10000 /* more than ten messages' worth */
#define MANY_FILES 40   /* enough entries to need several getdents calls */

static int n_passed, n_failed;
#define HUGE_BYTES (100u * 1024u) /* more than the 64 KiB shared region */
static char big[BIG_BYTES], back[BIG_BYTES];
static char huge[HUGE_BYTES], huge_back[HUGE_BYTES];

static void check_eq(const char *what, int64_t got, int64_t want)
{
    if (got == want) {
        n_passed++;
        printf("vfs-client: ok - %s\n", what);
    } else {
        n_failed++;
        printf("vfs-client: FAIL - %s: got %ld, want %ld\n", what, (long)got, (long)want);
    }
}

static void check_true(const char *what, bool ok)
{
    check_eq(what, ok, 1);
}

static void check_files_and_data(void)
{
    check_eq("mkdir /a", kaal_vfs_mkdir(EP, "/a", 0755), 0);
    check_eq("mkdir /a/sub", kaal_vfs_mkdir(EP, "/a/sub", 0700), 0);

    int fd = kaal_vfs_open(EP, "/a/hello", VFS_O_CREAT | VFS_O_RDWR | VFS_O_EXCL, 0644);
    check_true("open /a/hello O_CREAT|O_EXCL gives an fd", fd >= 0);
    check_eq("write 11 bytes", kaal_vfs_write(EP, fd, "hello, vfs\n", 11), 11);
    check_eq("lseek to 0", kaal_vfs_lseek(EP, fd, 0, VFS_SEEK_SET), 0);
    char buf[32] = {0};
    check_eq("read returns what was written (count)", kaal_vfs_read(EP, fd, buf, sizeof buf), 11);
    check_eq("read returns what was written (bytes)", memcmp(buf, "hello, vfs\n", 11), 0);
    check_eq("read at end of file gives 0", kaal_vfs_read(EP, fd, buf, sizeof buf), 0);
    check_eq("close", kaal_vfs_close(EP, fd), 0);

    for (int i = 0; i < BIG_BYTES; i++)
        big[i] = (char)(i * 7 + i / 251);
    fd = kaal_vfs_open(EP, "/a/big", VFS_O_CREAT | VFS_O_WRONLY | VFS_O_TRUNC, 0600);
    check_true("open /a/big for writing", fd >= 0);
    check_eq("write 10000 bytes in several calls", kaal_vfs_write(EP, fd, big, BIG_BYTES),
             BIG_BYTES);
    check_eq("read on a write-only fd is EBADF", kaal_vfs_read(EP, fd, back, 1), -LINUX_EBADF);
    check_eq("close /a/big", kaal_vfs_close(EP, fd), 0);

    fd = kaal_vfs_open(EP, "/a/big", VFS_O_RDONLY, 0);
    check_true("reopen /a/big read-only", fd >= 0);
    struct vfs_stat st;
    check_eq("fstat /a/big", kaal_vfs_fstat(EP, fd, &st), 0);
    check_eq("fstat size is 10000", st.size, BIG_BYTES);
    memset(back, 0, sizeof back);
    check_eq("read 10000 bytes back in several calls", kaal_vfs_read(EP, fd, back, BIG_BYTES),
             BIG_BYTES);
    check_eq("the 10000 bytes read match", memcmp(back, big, BIG_BYTES), 0);
    memset(back, 0, sizeof back);
    check_eq("pread 3000 bytes at 5000", kaal_vfs_pread(EP, fd, back, 3000, 5000), 3000);
    check_eq("pread bytes match", memcmp(back, big + 5000, 3000), 0);
    check_eq("pread across end of file is short", kaal_vfs_pread(EP, fd, back, 3000, 9000), 1000);
    check_eq("write on a read-only fd is EBADF", kaal_vfs_write(EP, fd, "x", 1), -LINUX_EBADF);
    check_eq("close", kaal_vfs_close(EP, fd), 0);
    check_eq("close twice is EBADF", kaal_vfs_close(EP, fd), -LINUX_EBADF);

    check_eq("stat /a/big", kaal_vfs_stat(EP, "/a/big", &st), 0);
    check_true("stat: regular file, mode 0600, size 10000",
               VFS_S_ISREG(st.mode) && (st.mode & 07777) == 0600 && st.size == BIG_BYTES);
    check_eq("stat /a", kaal_vfs_stat(EP, "/a", &st), 0);
    check_true("stat /a: directory with 3 links", VFS_S_ISDIR(st.mode) && st.nlink == 3);
    check_eq("truncate /a/big to 100", kaal_vfs_truncate(EP, "/a/big", 100), 0);
    check_eq("stat after truncate", kaal_vfs_stat(EP, "/a/big", &st), 0);
    check_eq("size after truncate is 100", st.size, 100);
}

/* Lists path; returns the number of entries (-errno on error) and whether
 * each of the names in want[] was seen. */
static int list_dir(const char *path, const char *const *want, int n_want, bool *seen)
{
    static char dents[VFS_RPC_MAX_DATA];
    int fd = kaal_vfs_open(EP, path, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
    if (fd < 0)
        return fd;
    int n_entries = 0;
    for (;;) {
        int64_t n = kaal_vfs_getdents64(EP, fd, dents, sizeof dents);
        if (n <= 0) {
            kaal_vfs_close(EP, fd);
            return n < 0 ? (int)n : n_entries;
        }
        for (int64_t off = 0; off < n;) {
            const struct vfs_dirent64 *d = (const struct vfs_dirent64 *)(dents + off);
            for (int i = 0; i < n_want; i++)
                if (strcmp(d->d_name, want[i]) == 0)
                    seen[i] = true;
            n_entries++;
            off += d->d_reclen;
        }
    }
}

static void check_directories(void)
{
    static const char *const names[] = {".", "..", "hello", "big", "sub"};
    bool seen[5] = {0};
    check_eq("getdents64 /a lists 5 entries", list_dir("/a", names, 5, seen), 5);
    check_true("listing has . .. hello big sub",
               seen[0] && seen[1] && seen[2] && seen[3] && seen[4]);

    char path[64];
    int created = 0;
    for (int i = 0; i < MANY_FILES; i++) {
        snprintf(path, sizeof path, "/a/sub/a-rather-long-file-name-number-%02d", i);
        int fd = kaal_vfs_open(EP, path, VFS_O_CREAT | VFS_O_WRONLY, 0644);
        if (fd >= 0 && kaal_vfs_close(EP, fd) == 0)
            created++;
    }
    check_eq("create 40 files in /a/sub", created, MANY_FILES);
    static const char *const last[] = {"a-rather-long-file-name-number-39"};
    bool seen_last = false;
    check_eq("getdents64 over several calls lists 42 entries",
             list_dir("/a/sub", last, 1, &seen_last), MANY_FILES + 2);
    check_true("the last file is listed", seen_last);
    int removed = 0;
    for (int i = 0; i < MANY_FILES; i++) {
        snprintf(path, sizeof path, "/a/sub/a-rather-long-file-name-number-%02d", i);
        removed += kaal_vfs_unlink(EP, path) == 0;
    }
    check_eq("unlink the 40 files", removed, MANY_FILES);

    check_eq("rename /a/hello to /a/greeting", kaal_vfs_rename(EP, "/a/hello", "/a/greeting"), 0);
    struct vfs_stat st;
    check_eq("old name is gone (ENOENT)", kaal_vfs_stat(EP, "/a/hello", &st), -LINUX_ENOENT);
    check_eq("new name exists", kaal_vfs_stat(EP, "/a/greeting", &st), 0);
    check_eq("renamed file keeps its size", st.size, 11);

    check_eq("chdir /a/sub", kaal_vfs_chdir(EP, "/a/sub"), 0);
    char cwd[64];
    check_eq("getcwd length", kaal_vfs_getcwd(EP, cwd, sizeof cwd), 7);
    check_eq("getcwd is /a/sub", strcmp(cwd, "/a/sub"), 0);
    check_eq("symlink relative to cwd", kaal_vfs_symlink(EP, "../greeting", "link"), 0);
    char target[32] = {0};
    check_eq("readlink /a/sub/link", kaal_vfs_readlink(EP, "/a/sub/link", target, sizeof target),
             11);
    check_eq("readlink target", strcmp(target, "../greeting"), 0);
    check_eq("stat through the symlink", kaal_vfs_stat(EP, "link", &st), 0);
    check_true("stat follows the link to the 11-byte file", VFS_S_ISREG(st.mode) && st.size == 11);
    check_eq("lstat sees the link", kaal_vfs_lstat(EP, "link", &st), 0);
    check_true("lstat: symlink", VFS_S_ISLNK(st.mode));
    check_eq("unlink the symlink", kaal_vfs_unlink(EP, "link"), 0);
    check_eq("chdir /", kaal_vfs_chdir(EP, "/"), 0);
}

static void check_errors(void)
{
    struct vfs_stat st;
    check_eq("open a missing file: ENOENT", kaal_vfs_open(EP, "/a/missing", VFS_O_RDONLY, 0),
             -LINUX_ENOENT);
    check_eq("mkdir in a missing directory: ENOENT", kaal_vfs_mkdir(EP, "/nope/x", 0755),
             -LINUX_ENOENT);
    check_eq("mkdir an existing name: EEXIST", kaal_vfs_mkdir(EP, "/a", 0755), -LINUX_EEXIST);
    check_eq("O_CREAT|O_EXCL on an existing file: EEXIST",
             kaal_vfs_open(EP, "/a/greeting", VFS_O_CREAT | VFS_O_EXCL | VFS_O_WRONLY, 0644),
             -LINUX_EEXIST);
    check_eq("a file used as a directory: ENOTDIR",
             kaal_vfs_open(EP, "/a/greeting/x", VFS_O_CREAT | VFS_O_WRONLY, 0644), -LINUX_ENOTDIR);
    check_eq("rmdir a file: ENOTDIR", kaal_vfs_rmdir(EP, "/a/greeting"), -LINUX_ENOTDIR);
    check_eq("open a directory for writing: EISDIR", kaal_vfs_open(EP, "/a", VFS_O_WRONLY, 0),
             -LINUX_EISDIR);
    check_eq("unlink a directory: EISDIR", kaal_vfs_unlink(EP, "/a"), -LINUX_EISDIR);
    check_eq("rmdir a non-empty directory: ENOTEMPTY", kaal_vfs_rmdir(EP, "/a"), -LINUX_ENOTEMPTY);
    check_eq("rename a directory into itself: EINVAL", kaal_vfs_rename(EP, "/a", "/a/sub/a"),
             -LINUX_EINVAL);
    check_eq("close a bad fd: EBADF", kaal_vfs_close(EP, 99), -LINUX_EBADF);
    check_eq("lseek on a bad fd: EBADF", kaal_vfs_lseek(EP, 7, 0, VFS_SEEK_SET), -LINUX_EBADF);

    static char long_path[VFS_RPC_MAX_PATH_BYTES + 2];
    memset(long_path, 'x', sizeof long_path - 1);
    long_path[0] = '/';
    check_eq("a path longer than a message: ENAMETOOLONG", kaal_vfs_stat(EP, long_path, &st),
             -LINUX_ENAMETOOLONG);

    /* Malformed requests straight to the server: it must answer, not fault. */
    seL4_SetMR(0, 0);
    seL4_SetMR(1, 500); /* claims a 500-byte path in a 3-word message */
    seL4_MessageInfo_t r = seL4_Call(EP, seL4_MessageInfo_new(VFS_RPC_MKDIR, 0, 0, 3));
    check_eq("path longer than the message: EINVAL", (int64_t)seL4_MessageInfo_get_label(r),
             LINUX_EINVAL);
    r = seL4_Call(EP, seL4_MessageInfo_new(999, 0, 0, 0));
    check_eq("unknown operation: ENOSYS", (int64_t)seL4_MessageInfo_get_label(r), LINUX_ENOSYS);
    r = seL4_Call(EP, seL4_MessageInfo_new(0, 0, 0, 0));
    check_eq("operation 0: ENOSYS", (int64_t)seL4_MessageInfo_get_label(r), LINUX_ENOSYS);
    r = seL4_Call(EP, seL4_MessageInfo_new(VFS_RPC_N_OPS, 0, 0, 0));
    check_eq("the first label past the last operation: ENOSYS",
             (int64_t)seL4_MessageInfo_get_label(r), LINUX_ENOSYS);
    /* Every operation has a handler: with arguments no call accepts (fd -1,
     * lengths past PATH_MAX, counts past a message) each answers an errno
     * of its own, never ENOSYS. RESET is left out: it would close our fds. */
    int n_served = 0;
    for (seL4_Word op = VFS_RPC_OPEN; op < VFS_RPC_N_OPS; op++) {
        if (op == VFS_RPC_RESET)
            continue;
        for (int i = 0; i < 4; i++)
            seL4_SetMR(i, ~(seL4_Word)0);
        r = seL4_Call(EP, seL4_MessageInfo_new(op, 0, 0, 4));
        if (seL4_MessageInfo_get_label(r) != LINUX_ENOSYS)
            n_served++;
    }
    check_eq("every operation label has a handler", n_served, VFS_RPC_N_OPS - 2);
    seL4_SetMR(0, 3);
    seL4_SetMR(1, 100000);
    r = seL4_Call(EP, seL4_MessageInfo_new(VFS_RPC_READ, 0, 0, 2));
    check_eq("read larger than a message: EINVAL", (int64_t)seL4_MessageInfo_get_label(r),
             LINUX_EINVAL);
}

static void check_devices_and_cleanup(void)
{
    struct vfs_statfs sfs;
    check_eq("statfs /", kaal_vfs_statfs(EP, "/", &sfs), 0);
    check_eq("/ is a tmpfs-like ramfs", (int64_t)sfs.type, VFS_TMPFS_MAGIC);
    check_eq("statfs /dev", kaal_vfs_statfs(EP, "/dev", &sfs), 0);
    check_eq("/dev is devfs", (int64_t)sfs.type, VFS_DEVFS_MAGIC);
    int fd = kaal_vfs_open(EP, "/dev/zero", VFS_O_RDONLY, 0);
    check_true("open /dev/zero", fd >= 0);
    memset(back, 0x55, 2000);
    int zeros = kaal_vfs_read(EP, fd, back, 2000) == 2000;
    for (int i = 0; i < 2000; i++)
        zeros &= back[i] == 0;
    check_true("/dev/zero reads 2000 zero bytes", zeros);
    check_eq("close /dev/zero", kaal_vfs_close(EP, fd), 0);
    fd = kaal_vfs_open(EP, "/dev/null", VFS_O_WRONLY, 0);
    check_eq("write 10000 bytes to /dev/null", kaal_vfs_write(EP, fd, big, BIG_BYTES), BIG_BYTES);
    check_eq("close /dev/null", kaal_vfs_close(EP, fd), 0);

    check_eq("unlink /a/greeting", kaal_vfs_unlink(EP, "/a/greeting"), 0);
    check_eq("unlink /a/big", kaal_vfs_unlink(EP, "/a/big"), 0);
    check_eq("rmdir /a/sub", kaal_vfs_rmdir(EP, "/a/sub"), 0);
    check_eq("rmdir /a", kaal_vfs_rmdir(EP, "/a"), 0);
    struct vfs_stat st;
    check_eq("/a is gone", kaal_vfs_stat(EP, "/a", &st), -LINUX_ENOENT);

    fd = kaal_vfs_open(EP, "/left-open", VFS_O_CREAT | VFS_O_WRONLY, 0644);
    check_true("open a file and leave it open", fd >= 0);
    check_eq("reset closes every fd", kaal_vfs_reset(EP), 0);
    check_eq("the fd is closed after reset", kaal_vfs_close(EP, fd), -LINUX_EBADF);
    check_eq("unlink /left-open", kaal_vfs_unlink(EP, "/left-open"), 0);
}

/* The same data checks through the region shared with the server. */
static void check_shared_region(void)
{
    int fd = kaal_vfs_open(EP, "/shm", VFS_O_CREAT | VFS_O_RDWR, 0644);
    check_true("open /shm", fd >= 0);
    check_eq("register the shared region",
             kaal_vfs_use_shm(EP, (void *)KAAL_RING_VFS_SHM_DATA_VADDR,
                              KAAL_RING_VFS_SHM_DATA_SIZE_BYTES),
             0);
    for (uint32_t i = 0; i < HUGE_BYTES; i++)
        huge[i] = (char)(i ^ (i >> 9));
    check_eq("write 100 KiB through the shared region (2 calls)",
             kaal_vfs_write(EP, fd, huge, HUGE_BYTES), HUGE_BYTES);
    struct vfs_stat st;
    check_eq("fstat after the shared write", kaal_vfs_fstat(EP, fd, &st), 0);
    check_eq("size is 100 KiB", st.size, HUGE_BYTES);
    check_eq("lseek to 0", kaal_vfs_lseek(EP, fd, 0, VFS_SEEK_SET), 0);
    check_eq("read 100 KiB through the shared region", kaal_vfs_read(EP, fd, huge_back, HUGE_BYTES),
             HUGE_BYTES);
    check_eq("the 100 KiB read match", memcmp(huge, huge_back, HUGE_BYTES), 0);
    check_eq("read at end of file gives 0", kaal_vfs_read(EP, fd, huge_back, HUGE_BYTES), 0);
    memset(huge_back, 0, HUGE_BYTES);
    check_eq("pread 70000 bytes at 30000 through the region",
             kaal_vfs_pread(EP, fd, huge_back, 70000, 30000), 70000);
    check_eq("pread bytes match", memcmp(huge + 30000, huge_back, 70000), 0);
    check_eq("pwrite 2000 bytes at 1 MiB makes a hole", kaal_vfs_pwrite(EP, fd, big, 2000, 1 << 20),
             2000);
    check_eq("pread across the hole is short",
             kaal_vfs_pread(EP, fd, huge_back, 5000, (1 << 20) - 1000), 3000);
    check_true("the hole reads as zeros", huge_back[0] == 0 && huge_back[999] == 0 &&
                                              memcmp(huge_back + 1000, big, 2000) == 0);
    check_eq("shared read on a bad fd: EBADF", kaal_vfs_read(EP, 77, huge_back, 5000),
             -LINUX_EBADF);
    /* A buffer inside the region is used in place: the region's first
     * 1000 bytes, outside the buffer, stay as they were. */
    char *region = (char *)KAAL_RING_VFS_SHM_DATA_VADDR;
    memset(region, '#', 1000);
    memcpy(region + 1000, huge + 7, 5000);
    check_eq("pwrite 5000 bytes from a buffer inside the region",
             kaal_vfs_pwrite(EP, fd, region + 1000, 5000, 200000), 5000);
    memset(region + 1000, 0, 5000);
    check_eq("pread them into a buffer inside the region",
             kaal_vfs_pread(EP, fd, region + 1000, 5000, 200000), 5000);
    check_true("in place: the data is there and the region's head untouched",
               memcmp(region + 1000, huge + 7, 5000) == 0 && region[0] == '#' &&
                   region[999] == '#');

    static char deep[VFS_PATH_MAX + 8];
    size_t len = 0;
    deep[len++] = '/';
    while (len < 2000) {
        deep[len++] = '.';
        deep[len++] = '/';
    }
    memcpy(deep + len, "deepdir", 8);
    check_eq("mkdir with a 2007-byte path (through the region)", kaal_vfs_mkdir(EP, deep, 0755), 0);
    check_eq("stat the new directory by its short name", kaal_vfs_stat(EP, "/deepdir", &st), 0);
    check_true("it is a directory", VFS_S_ISDIR(st.mode));
    check_eq("rename from a long path to a short one", kaal_vfs_rename(EP, deep, "/deep2"), 0);
    check_eq("rmdir /deep2", kaal_vfs_rmdir(EP, "/deep2"), 0);
    memset(deep, 'x', VFS_PATH_MAX);
    deep[0] = '/';
    deep[VFS_PATH_MAX] = '\0';
    check_eq("a 4096-byte path: ENAMETOOLONG", kaal_vfs_stat(EP, deep, &st), -LINUX_ENAMETOOLONG);

    /* Bad shared-region requests straight to the server. */
    seL4_SetMR(0, 0755);
    seL4_SetMR(1, VFS_RPC_PATH_IN_SHM | 5000);
    seL4_MessageInfo_t bad = seL4_Call(EP, seL4_MessageInfo_new(VFS_RPC_MKDIR, 0, 0, 2));
    check_eq("server: a path of 5000 bytes in the region: ENAMETOOLONG",
             (int64_t)seL4_MessageInfo_get_label(bad), LINUX_ENAMETOOLONG);
    seL4_SetMR(0, (seL4_Word)fd);
    seL4_SetMR(1, KAAL_RING_VFS_SHM_DATA_SIZE_BYTES);
    seL4_SetMR(2, 1); /* one byte past the region's end */
    seL4_SetMR(3, 0);
    seL4_MessageInfo_t r = seL4_Call(EP, seL4_MessageInfo_new(VFS_RPC_READ_SHM, 0, 0, 4));
    check_eq("shared read past the region: EINVAL", (int64_t)seL4_MessageInfo_get_label(r),
             LINUX_EINVAL);
    check_eq("close", kaal_vfs_close(EP, fd), 0);
    check_eq("unlink /shm", kaal_vfs_unlink(EP, "/shm"), 0);
    check_eq("back to message registers", kaal_vfs_use_shm(EP, NULL, 0), 0);
}

/* The peer client (client_peer.c) holds fds 0 and 1 of its own table. */
static void check_per_client_fd_tables(void)
{
    struct vfs_stat st;
    int polls = 0;
    while (kaal_vfs_stat(EP, "/peer-ready", &st) != 0 && polls++ < 100000)
        seL4_Yield();
    check_eq("the peer client is ready", kaal_vfs_stat(EP, "/peer-ready", &st), 0);
    int fd = kaal_vfs_open(EP, "/peer", VFS_O_RDONLY, 0);
    check_eq("first open gets fd 0 while the peer holds its fds 0 and 1", fd, 0);
    char buf[16] = {0};
    check_eq("read what the peer wrote", kaal_vfs_read(EP, fd, buf, sizeof buf), 13);
    check_eq("the peer's bytes", memcmp(buf, "from the peer", 13), 0);
    check_eq("the peer's fd 1 is not ours: EBADF", kaal_vfs_close(EP, 1), -LINUX_EBADF);
    check_eq("close", kaal_vfs_close(EP, fd), 0);

    /* The peer exits once /peer is unlinked, its two fds still open. */
    struct vfs_statfs before, after;
    check_eq("statfs before the unlink", kaal_vfs_statfs(EP, "/", &before), 0);
    check_eq("unlink /peer", kaal_vfs_unlink(EP, "/peer"), 0);
    check_eq("statfs after the unlink", kaal_vfs_statfs(EP, "/", &after), 0);
    check_eq("the unlinked file keeps its page while the peer holds it open",
             (int64_t)after.bfree, (int64_t)before.bfree);
    check_eq("rmdir /peer-ready", kaal_vfs_rmdir(EP, "/peer-ready"), 0);
    for (polls = 0; after.bfree == before.bfree && polls < 100000; polls++) {
        seL4_Yield();
        kaal_vfs_statfs(EP, "/", &after);
    }
    check_eq("the peer's exit closed its fds: the page is free (client-gone notice)",
             (int64_t)after.bfree, (int64_t)before.bfree + 1);
}

int main(void)
{
    check_eq("reset at start", kaal_vfs_reset(EP), 0);
    check_per_client_fd_tables();
    check_files_and_data();
    check_directories();
    check_errors();
    check_devices_and_cleanup();
    check_shared_region();
    printf("vfs-client: %d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
