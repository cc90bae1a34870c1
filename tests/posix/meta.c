/* SPDX-License-Identifier: BSD-2-Clause */
/* File metadata: stat/fstat/lstat/newfstatat/statx, chmod/fchmod/fchmodat,
 * umask, access/faccessat, utimensat, truncate/ftruncate, with the error
 * paths. Printed are what a correct system fixes (type, permission bits,
 * sizes, link counts, times the program set itself, equality of inode
 * numbers); never inode numbers, devices, block counts or "now". */
#include "common.h"

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

/* struct statx as Linux lays it out (include/uapi/linux/stat.h); declared
 * here because musl's headers do not have it. */
struct statx_ts {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
struct statx_buf {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, pad1;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};
#define STATX_BASIC_STATS_MASK 0x7ffu

static const char *type_of(mode_t m)
{
    return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "symlink"
         : S_ISFIFO(m) ? "fifo" : S_ISCHR(m) ? "chardev" : "other";
}

static void show_stat(const char *label, const struct stat *st)
{
    say("%s: %s mode %04o nlink %ld size %lld", label, type_of(st->st_mode),
        (unsigned)(st->st_mode & 07777), (long)st->st_nlink,
        S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size);
}

static void stats(void)
{
    struct stat a, b, c;
    T(put_file("f", "twelve bytes", 0644));
    T(stat("f", &a));
    show_stat("stat f", &a);
    int fd = T(open("f", O_RDONLY));
    T(fstat(fd, &b));
    YES("fstat and stat: same inode and device", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    T(symlink("f", "l"));
    T(lstat("l", &c));
    show_stat("lstat l", &c);
    YES("lstat of a symlink: its own inode", c.st_ino != a.st_ino);
    T(stat("l", &c));
    YES("stat through the symlink: f's inode", c.st_ino == a.st_ino);
    T(fstatat(AT_FDCWD, "l", &c, AT_SYMLINK_NOFOLLOW));
    show_stat("fstatat l nofollow", &c);
    T(fstatat(fd, "", &c, AT_EMPTY_PATH));
    YES("fstatat AT_EMPTY_PATH: f's inode", c.st_ino == a.st_ino);
    T(fstatat(fd, "", &c, 0));
    T(fstatat(fd, "x", &c, 0));
    T(fstatat(AT_FDCWD, "f", &c, 0x12345));
    T(mkdir("d", 0751));
    T(stat("d", &c));
    show_stat("stat d", &c);
    T(stat("missing", &c));
    T(stat("f/x", &c));
    T(stat("", &c));
    T(fstat(99, &c));
    T(syscall(SYS_fstat, fd, BAD_PTR));
    T(syscall(SYS_stat, "f", BAD_PTR));
    T(syscall(SYS_stat, BAD_PTR, &c));
    T(syscall(SYS_lstat, "l", BAD_PTR));
    T(syscall(SYS_newfstatat, AT_FDCWD, "f", BAD_PTR, 0));
    T(close(fd));
    YES("uid and gid are the process's", a.st_uid == geteuid() && a.st_gid == getegid());

    struct statx_buf sx;
    memset(&sx, 0xff, sizeof sx);
    T(syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS_MASK, &sx));
    YES("statx: basic stats all present", (sx.stx_mask & STATX_BASIC_STATS_MASK) ==
                                              STATX_BASIC_STATS_MASK);
    say("statx f: mode %06o nlink %u size %llu", sx.stx_mode, sx.stx_nlink,
        (unsigned long long)sx.stx_size);
    YES("statx: same inode as stat", sx.stx_ino == (uint64_t)a.st_ino);
    YES("statx: same mtime as stat", sx.stx_mtime.tv_sec == (int64_t)a.st_mtime);
    T(syscall(SYS_statx, AT_FDCWD, "l", 0x100 /* AT_SYMLINK_NOFOLLOW */,
              STATX_BASIC_STATS_MASK, &sx));
    say("statx l nofollow: mode %06o size %llu", sx.stx_mode, (unsigned long long)sx.stx_size);
    T(syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX_BASIC_STATS_MASK, &sx));
    T(syscall(SYS_statx, AT_FDCWD, "f", 0, 0x80000000u /* STATX__RESERVED */, &sx));
    T(syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS_MASK, BAD_PTR));
    T(syscall(SYS_statx, AT_FDCWD, "f", 0x6000 /* SYNC_TYPE both */, 0x7ff, &sx));
}

static void modes(void)
{
    struct stat st;
    T(put_file("m", "m\n", 0644));
    T(chmod("m", 0600));
    T(stat("m", &st));
    show_stat("after chmod 0600", &st);
    T(chmod("m", 07777));
    T(stat("m", &st));
    show_stat("after chmod 07777", &st);
    T(chmod("missing", 0644));
    T(syscall(SYS_chmod, BAD_PTR, 0644));
    int fd = T(open("m", O_RDONLY));
    T(fchmod(fd, 0444));
    T(fstat(fd, &st));
    show_stat("after fchmod 0444", &st);
    T(close(fd));
    T(fchmod(fd, 0444));
    T(fchmodat(AT_FDCWD, "m", 0640, 0));
    T(stat("m", &st));
    show_stat("after fchmodat 0640", &st);

    T(umask(027));
    T(umask(077));
    T(umask(027));
    T(put_file("u1", "", 0666));
    T(stat("u1", &st));
    show_stat("created 0666 under umask 027", &st);
    T(mkdir("u2", 0777));
    T(stat("u2", &st));
    show_stat("mkdir 0777 under umask 027", &st);
    T(umask(0));
    T(put_file("u3", "", 0666));
    T(stat("u3", &st));
    show_stat("created 0666 under umask 0", &st);
    T(umask(01777));
    T(umask(022));
}

static void accesses(void)
{
    T(put_file("x", "#!/bin/sh\n", 0755));
    T(put_file("nx", "", 0644));
    T(access("x", F_OK));
    T(access("x", X_OK));
    T(access("nx", X_OK));
    T(access("nx", R_OK | W_OK));
    T(access("missing", F_OK));
    T(access("nx/y", F_OK));
    T(access("x", 0x100));
    T(syscall(SYS_access, BAD_PTR, F_OK));
    T(faccessat(AT_FDCWD, "x", X_OK, 0));
    T(faccessat(99, "x", X_OK, 0));
    T(mkdir("dx", 0755));
    T(access("dx", X_OK));
}

static void times(void)
{
    struct stat st;
    T(put_file("t", "t\n", 0644));
    struct timespec ts[2] = {{1000000000, 500}, {1234567890, 123456789}};
    T(utimensat(AT_FDCWD, "t", ts, 0));
    T(stat("t", &st));
    say("atime %lld.%09ld mtime %lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
        (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {42, 0}};
    T(utimensat(AT_FDCWD, "t", omit, 0));
    T(stat("t", &st));
    say("atime %lld.%09ld mtime %lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
        (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec now1;
    clock_gettime(CLOCK_REALTIME, &now1);
    T(utimensat(AT_FDCWD, "t", NULL, 0));
    T(stat("t", &st));
    YES("utimensat NULL sets mtime to about now",
        st.st_mtim.tv_sec >= now1.tv_sec - 1 && st.st_mtim.tv_sec <= now1.tv_sec + 5);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    T(utimensat(AT_FDCWD, "t", bad, 0));
    T(utimensat(AT_FDCWD, "missing", ts, 0));
    T(syscall(SYS_utimensat, AT_FDCWD, "t", BAD_PTR, 0));
    T(syscall(SYS_utimensat, AT_FDCWD, "t", ts, 0x4242));
    T(stat("t", &st));
    time_t before = st.st_mtim.tv_sec;
    T(symlink("t", "tl"));
    T(utimensat(AT_FDCWD, "tl", ts, AT_SYMLINK_NOFOLLOW));
    T(lstat("tl", &st));
    say("symlink mtime %lld", (long long)st.st_mtim.tv_sec);
    T(stat("tl", &st));
    YES("target mtime unchanged", st.st_mtim.tv_sec == before);

    /* A write moves mtime to now, from the past we set. */
    T(utimensat(AT_FDCWD, "t", ts, 0));
    int fd = T(open("t", O_WRONLY));
    T(write(fd, "w", 1));
    T(fstat(fd, &st));
    YES("write updated mtime", st.st_mtim.tv_sec > ts[1].tv_sec);
    T(close(fd));
}

static void truncates(void)
{
    struct stat st;
    char buf[16];
    T(put_file("tr", "0123456789", 0644));
    T(truncate("tr", 4));
    T(stat("tr", &st));
    say("size after truncate 4: %lld", (long long)st.st_size);
    T(truncate("tr", 8));
    int fd = T(open("tr", O_RDWR));
    T(read(fd, buf, sizeof buf));
    say("extension reads as zeros: %s", memcmp(buf, "0123\0\0\0\0", 8) == 0 ? "yes" : "no");
    T(ftruncate(fd, 2));
    T(fstat(fd, &st));
    say("size after ftruncate 2: %lld", (long long)st.st_size);
    T(lseek(fd, 0, SEEK_CUR));
    T(ftruncate(fd, -1));
    T(close(fd));
    T(truncate("tr", -1));
    T(truncate("missing", 0));
    T(mkdir("trd", 0755));
    T(truncate("trd", 0));
    T(syscall(SYS_truncate, BAD_PTR, 0));
    fd = T(open("tr", O_RDONLY));
    T(ftruncate(fd, 0));
    T(close(fd));
    T(ftruncate(fd, 0));
    fd = T(open("trd", O_RDONLY | O_DIRECTORY));
    T(ftruncate(fd, 0));
    T(close(fd));
}

int meta_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    stats();
    modes();
    accesses();
    times();
    truncates();
    say("done");
    return 0;
}
