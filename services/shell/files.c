// SPDX-License-Identifier: BSD-2-Clause
/* The shell's file commands: ls, cat, mkdir, rm, rmdir, write, echo > FILE,
 * stat, df, cd, pwd, on the file system behind sh->sys->fs
 * (kaal_shell_fs_ops_t: the VFS server's client in the guest, the VFS
 * library in host tests).
 *
 * Model: each command makes the fs calls a Unix tool would (stat then
 * open/getdents64 for ls, open/read/close for cat, ...) and prints their
 * result; a failing call prints `kaal: CMD: PATH: MESSAGE` with the
 * message of its negative Linux errno and the command returns 1. Every fd
 * a command opens is closed before it returns, whatever happened. Output
 * lines end in "\r\n" (the console is a raw serial line): file contents are
 * printed with each "\n" turned into "\r\n". Buffers are static (the shell
 * runs one command at a time), so no command needs more stack or heap.
 */
#include <kaal/linux_errno.h>
#include <kaal/string.h>

#include "files.h"

#define FILES_BUF_BYTES 1024

/* One byte more than is ever read into it: print_bytes' "%.*s" may look
 * at the byte after the precision (runtime/printf/format.c checks the NUL
 * before the precision), so cat puts a NUL there. */
static char buf[FILES_BUF_BYTES + 1];

const char *kaal_shell_errno_str(int err)
{
    switch (err) {
    case LINUX_EPERM: return "Operation not permitted";
    case LINUX_ENOENT: return "No such file or directory";
    case LINUX_EIO: return "Input/output error";
    case LINUX_EBADF: return "Bad file descriptor";
    case LINUX_ENOMEM: return "Cannot allocate memory";
    case LINUX_EACCES: return "Permission denied";
    case LINUX_EBUSY: return "Device or resource busy";
    case LINUX_EEXIST: return "File exists";
    case LINUX_EXDEV: return "Invalid cross-device link";
    case LINUX_ENOTDIR: return "Not a directory";
    case LINUX_EISDIR: return "Is a directory";
    case LINUX_EINVAL: return "Invalid argument";
    case LINUX_EMFILE: return "Too many open files";
    case LINUX_EFBIG: return "File too large";
    case LINUX_ENOSPC: return "No space left on device";
    case LINUX_EROFS: return "Read-only file system";
    case LINUX_ERANGE: return "Numerical result out of range";
    case LINUX_ENAMETOOLONG: return "File name too long";
    case LINUX_ENOSYS: return "Function not implemented";
    case LINUX_ENOTEMPTY: return "Directory not empty";
    case LINUX_ELOOP: return "Too many levels of symbolic links";
    case LINUX_EOPNOTSUPP: return "Operation not supported";
    case LINUX_ENOTCONN: return "Transport endpoint is not connected";
    default: return "Unknown error";
    }
}

static const kaal_shell_fs_ops_t *fs_of(kaal_shell_t *sh, const char *cmd)
{
    if (sh->sys == NULL || sh->sys->fs == NULL) {
        kaal_shell_printf(sh, "kaal: '%s' is not available on this system\r\n", cmd);
        return NULL;
    }
    return sh->sys->fs;
}

/* Prints `kaal: CMD: PATH: MESSAGE` for a negative errno; returns 1. */
static int fs_failed(kaal_shell_t *sh, const char *cmd, const char *path, int64_t neg_errno)
{
    kaal_shell_printf(sh, "kaal: %s: %s: %s\r\n", cmd, path,
                      kaal_shell_errno_str((int)-neg_errno));
    return 1;
}

/* Prints n bytes of a file, "\n" as "\r\n". */
static void print_bytes(kaal_shell_t *sh, const char *bytes, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (bytes[i] == '\n') {
            kaal_shell_printf(sh, "%.*s\r\n", (int)(i - start), bytes + start);
            start = i + 1;
        }
    }
    if (start < n)
        kaal_shell_printf(sh, "%.*s", (int)(n - start), bytes + start);
}

static int list_dir(kaal_shell_t *sh, const kaal_shell_fs_ops_t *fs, const char *path)
{
    int fd = fs->open(fs->ctx, path, VFS_O_RDONLY | VFS_O_DIRECTORY, 0);
    if (fd < 0)
        return fs_failed(sh, "ls", path, fd);
    int64_t n;
    while ((n = fs->getdents64(fs->ctx, fd, buf, FILES_BUF_BYTES)) > 0) {
        for (int64_t off = 0; off < n;) {
            const struct vfs_dirent64 *d = (const struct vfs_dirent64 *)(buf + off);
            if (d->d_reclen == 0 || off + d->d_reclen > n)
                break; /* a malformed record: stop rather than loop */
            off += d->d_reclen;
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
                continue;
            kaal_shell_printf(sh, "%s%s\r\n", d->d_name,
                              d->d_type == VFS_DT_DIR   ? "/"
                              : d->d_type == VFS_DT_LNK ? "@"
                                                        : "");
        }
    }
    fs->close(fs->ctx, fd);
    return n < 0 ? fs_failed(sh, "ls", path, n) : 0;
}

int kaal_shell_cmd_ls(kaal_shell_t *sh, int argc, char **argv)
{
    const kaal_shell_fs_ops_t *fs = fs_of(sh, argv[0]);
    if (fs == NULL)
        return 1;
    const char *path = argc > 1 ? argv[1] : ".";
    struct vfs_stat st;
    int r = fs->stat(fs->ctx, path, &st);
    if (r < 0)
        return fs_failed(sh, argv[0], path, r);
    if (!VFS_S_ISDIR(st.mode)) {
        kaal_shell_printf(sh, "%s\r\n", path);
        return 0;
    }
    return list_dir(sh, fs, path);
}

int kaal_shell_cmd_cat(kaal_shell_t *sh, int argc, char **argv)
{
    const kaal_shell_fs_ops_t *fs = fs_of(sh, argv[0]);
    if (fs == NULL)
        return 1;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = fs->open(fs->ctx, argv[i], VFS_O_RDONLY, 0);
        if (fd < 0) {
            status = fs_failed(sh, argv[0], argv[i], fd);
            continue;
        }
        int64_t n;
        while ((n = fs->read(fs->ctx, fd, buf, FILES_BUF_BYTES)) > 0) {
            buf[n] = 0;
            print_bytes(sh, buf, (size_t)n);
        }
        fs->close(fs->ctx, fd);
        if (n < 0)
            status = fs_failed(sh, argv[0], argv[i], n);
    }
    return status;
}

/* Runs op on every path argument; reports each failure. */
static int each_path(kaal_shell_t *sh, int argc, char **argv,
                     int (*op)(const kaal_shell_fs_ops_t *fs, const char *path))
{
    const kaal_shell_fs_ops_t *fs = fs_of(sh, argv[0]);
    if (fs == NULL)
        return 1;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int r = op(fs, argv[i]);
        if (r < 0)
            status = fs_failed(sh, argv[0], argv[i], r);
    }
    return status;
}

static int do_mkdir(const kaal_shell_fs_ops_t *fs, const char *path)
{
    return fs->mkdir(fs->ctx, path, 0755);
}

static int do_unlink(const kaal_shell_fs_ops_t *fs, const char *path)
{
    return fs->unlink(fs->ctx, path);
}

static int do_rmdir(const kaal_shell_fs_ops_t *fs, const char *path)
{
    return fs->rmdir(fs->ctx, path);
}

int kaal_shell_cmd_mkdir(kaal_shell_t *sh, int argc, char **argv)
{
    return each_path(sh, argc, argv, do_mkdir);
}

int kaal_shell_cmd_rm(kaal_shell_t *sh, int argc, char **argv)
{
    return each_path(sh, argc, argv, do_unlink);
}

int kaal_shell_cmd_rmdir(kaal_shell_t *sh, int argc, char **argv)
{
    return each_path(sh, argc, argv, do_rmdir);
}

int kaal_shell_write_words(kaal_shell_t *sh, const char *cmd, const char *path, char **words,
                           int n, bool append)
{
    const kaal_shell_fs_ops_t *fs = fs_of(sh, cmd);
    if (fs == NULL)
        return 1;
    int fd = fs->open(fs->ctx, path,
                      VFS_O_WRONLY | VFS_O_CREAT | (append ? VFS_O_APPEND : VFS_O_TRUNC), 0644);
    if (fd < 0)
        return fs_failed(sh, cmd, path, fd);
    int64_t r = 0;
    for (int i = 0; i < n && r >= 0; i++) {
        if (i > 0)
            r = fs->write(fs->ctx, fd, " ", 1);
        if (r >= 0)
            r = fs->write(fs->ctx, fd, words[i], strlen(words[i]));
    }
    if (r >= 0)
        r = fs->write(fs->ctx, fd, "\n", 1);
    fs->close(fs->ctx, fd);
    return r < 0 ? fs_failed(sh, cmd, path, r) : 0;
}

int kaal_shell_cmd_write(kaal_shell_t *sh, int argc, char **argv)
{
    return kaal_shell_write_words(sh, argv[0], argv[1], argv + 2, argc - 2, false);
}

static const char *type_name(vfs_mode_t mode)
{
    switch (mode & VFS_S_IFMT) {
    case VFS_S_IFREG: return "regular file";
    case VFS_S_IFDIR: return "directory";
    case VFS_S_IFLNK: return "symbolic link";
    case VFS_S_IFCHR: return "character device";
    case VFS_S_IFBLK: return "block device";
    case VFS_S_IFIFO: return "fifo";
    case VFS_S_IFSOCK: return "socket";
    default: return "unknown";
    }
}

int kaal_shell_cmd_stat(kaal_shell_t *sh, int argc, char **argv)
{
    const kaal_shell_fs_ops_t *fs = fs_of(sh, argv[0]);
    if (fs == NULL)
        return 1;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        struct vfs_stat st;
        memset(&st, 0, sizeof(st));
        int r = fs->stat(fs->ctx, argv[i], &st);
        if (r < 0) {
            status = fs_failed(sh, argv[0], argv[i], r);
            continue;
        }
        kaal_shell_printf(sh, "  File: %s\r\n", argv[i]);
        kaal_shell_printf(sh, "  Size: %lld  Blocks: %lld  Type: %s\r\n", (long long)st.size,
                          (long long)st.blocks, type_name(st.mode));
        kaal_shell_printf(sh, "  Mode: %04o  Inode: %llu  Links: %u  Uid: %u  Gid: %u\r\n",
                          (unsigned)(st.mode & 07777), (unsigned long long)st.ino,
                          (unsigned)st.nlink, (unsigned)st.uid, (unsigned)st.gid);
    }
    return status;
}

int kaal_shell_cmd_df(kaal_shell_t *sh, int argc, char **argv)
{
    const kaal_shell_fs_ops_t *fs = fs_of(sh, argv[0]);
    if (fs == NULL)
        return 1;
    const char *path = argc > 1 ? argv[1] : "/";
    struct vfs_statfs st;
    memset(&st, 0, sizeof(st));
    int r = fs->statfs(fs->ctx, path, &st);
    if (r < 0)
        return fs_failed(sh, argv[0], path, r);
    uint64_t bsize = st.frsize ? st.frsize : st.bsize;
    unsigned long long total = st.blocks * bsize / 1024, avail = st.bavail * bsize / 1024;
    unsigned long long used = (st.blocks - st.bfree) * bsize / 1024;
    kaal_shell_printf(sh, "%-12s %10s %10s %10s %8s %8s\r\n", "Mounted on", "1K-blocks", "Used",
                      "Available", "Inodes", "IFree");
    kaal_shell_printf(sh, "%-12s %10llu %10llu %10llu %8llu %8llu\r\n", path, total, used, avail,
                      (unsigned long long)st.files, (unsigned long long)st.ffree);
    return 0;
}

int kaal_shell_cmd_cd(kaal_shell_t *sh, int argc, char **argv)
{
    const kaal_shell_fs_ops_t *fs = fs_of(sh, argv[0]);
    if (fs == NULL)
        return 1;
    const char *path = argc > 1 ? argv[1] : "/";
    int r = fs->chdir(fs->ctx, path);
    return r < 0 ? fs_failed(sh, argv[0], path, r) : 0;
}

int kaal_shell_cmd_pwd(kaal_shell_t *sh, int argc, char **argv)
{
    (void)argc;
    const kaal_shell_fs_ops_t *fs = fs_of(sh, argv[0]);
    if (fs == NULL)
        return 1;
    int r = fs->getcwd(fs->ctx, buf, FILES_BUF_BYTES);
    if (r < 0)
        return fs_failed(sh, argv[0], ".", r);
    kaal_shell_printf(sh, "%s\r\n", buf);
    return 0;
}
