// SPDX-License-Identifier: BSD-2-Clause
/*
 * Client side of the VFS server protocol (<kaal/vfs_rpc.h>): each call
 * packs its arguments and bytes into the message registers, seL4_Calls the
 * server and unpacks the reply. A reply label other than 0 is the errno,
 * returned negated. Large reads and writes are split into calls of at most
 * VFS_RPC_MAX_DATA bytes, or of the shared region's size when the caller
 * registered one (kaal_vfs_use_shm). The only state here is that table of
 * regions; fds and cwd live at the server.
 */
#include <stdbool.h>

#include <kaal/component.h>
#include <kaal/string.h>
#include <kaal/vfs_client.h>
#include <kaal/vfs_rpc.h>

#define VFS_CLIENT_MAX_SHM 4

/* Shared regions registered with kaal_vfs_use_shm (single threaded). */
static struct {
    seL4_CPtr ep; /* 0: free */
    char *data;
    size_t size_bytes;
} shm_table[VFS_CLIENT_MAX_SHM];

#define WORDS(n_bytes) (((n_bytes) + sizeof(seL4_Word) - 1) / sizeof(seL4_Word))

/* Reply of one call: result (>= 0) or -errno; n_words = reply length. */
typedef struct {
    int64_t result;
    seL4_Word n_words;
} vfs_call_ret_t;

static char *msg_bytes(unsigned first_mr)
{
    return (char *)&seL4_GetIPCBuffer()->msg[first_mr];
}

static vfs_call_ret_t call(seL4_CPtr ep, enum vfs_rpc_op op, seL4_Word n_words)
{
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(op, 0, 0, n_words));
    seL4_Word label = seL4_MessageInfo_get_label(info);
    vfs_call_ret_t ret = {0, seL4_MessageInfo_get_length(info)};
    if (label == KAAL_RPC_LABEL_SERVER_GONE)
        ret.result = -LINUX_ENOTCONN; /* the server died serving it, as FUSE says */
    else if (label != 0)
        ret.result = -(int64_t)label;
    else if (ret.n_words == 0)
        ret.result = -LINUX_EIO; /* a success reply always carries MR0 */
    else
        ret.result = (int64_t)seL4_GetMR(0);
    return ret;
}

/* Copies the bytes a reply carries from MR1 on, at most n_bytes and no
 * more than the reply holds. */
static void copy_out(vfs_call_ret_t ret, void *dst, size_t n_bytes)
{
    size_t have = ret.n_words > 1 ? (ret.n_words - 1) * sizeof(seL4_Word) : 0;
    memcpy(dst, msg_bytes(1), n_bytes < have ? n_bytes : have);
}

static int shm_slot(seL4_CPtr ep)
{
    for (int i = 0; i < VFS_CLIENT_MAX_SHM; i++)
        if (shm_table[i].ep == ep)
            return i;
    return -1;
}

/* Puts one or two paths after n_args argument words and their lengths in
 * the last one or two argument words: in the message registers when they
 * fit, else in the region shared with the server (lengths flagged
 * VFS_RPC_PATH_IN_SHM). Returns the message length in words, or -errno. */
static int64_t pack_paths(seL4_CPtr ep, unsigned n_args, const char *a, const char *b)
{
    size_t la = strnlen(a, VFS_PATH_MAX), lb = b ? strnlen(b, VFS_PATH_MAX) : 0;
    if (la >= VFS_PATH_MAX || lb >= VFS_PATH_MAX)
        return -LINUX_ENAMETOOLONG;
    seL4_Word flag = 0;
    char *dst = msg_bytes(n_args);
    if (la + lb > VFS_RPC_MAX_PATH_BYTES) {
        int slot = shm_slot(ep);
        if (slot < 0 || la + lb > shm_table[slot].size_bytes)
            return -LINUX_ENAMETOOLONG;
        dst = shm_table[slot].data;
        flag = VFS_RPC_PATH_IN_SHM;
    }
    memcpy(dst, a, la);
    if (b) {
        memcpy(dst + la, b, lb);
        seL4_SetMR(n_args - 2, la | flag);
        seL4_SetMR(n_args - 1, lb | flag);
    } else {
        seL4_SetMR(n_args - 1, la | flag);
    }
    return flag ? n_args : (int64_t)(n_args + WORDS(la + lb));
}

/* One path after n_args words (the last of them its length); MR0.. before
 * it are set by the caller. */
static int64_t path_call(seL4_CPtr ep, enum vfs_rpc_op op, unsigned n_args, const char *path)
{
    int64_t n = pack_paths(ep, n_args, path, NULL);
    return n < 0 ? n : call(ep, op, (seL4_Word)n).result;
}

/* Two paths: the last two argument words are their lengths. */
static int64_t two_path_call(seL4_CPtr ep, enum vfs_rpc_op op, unsigned n_args, const char *a,
                             const char *b)
{
    int64_t n = pack_paths(ep, n_args, a, b);
    return n < 0 ? n : call(ep, op, (seL4_Word)n).result;
}

int kaal_vfs_open(seL4_CPtr ep, const char *path, int flags, vfs_mode_t mode)
{
    seL4_SetMR(0, (seL4_Word)flags);
    seL4_SetMR(1, mode);
    return (int)path_call(ep, VFS_RPC_OPEN, 3, path);
}

int kaal_vfs_close(seL4_CPtr ep, int fd)
{
    seL4_SetMR(0, (seL4_Word)fd);
    return (int)call(ep, VFS_RPC_CLOSE, 1).result;
}

int kaal_vfs_use_shm(seL4_CPtr ep, void *data, size_t size_bytes)
{
    int free_slot = -1;
    for (int i = 0; i < VFS_CLIENT_MAX_SHM; i++) {
        if (shm_table[i].ep == ep) {
            free_slot = i;
            break;
        }
        if (!shm_table[i].ep && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return data ? -LINUX_ENOMEM : 0;
    shm_table[free_slot].ep = data && size_bytes ? ep : 0;
    shm_table[free_slot].data = data;
    shm_table[free_slot].size_bytes = size_bytes;
    return 0;
}

/* The region shared with the server behind ep, if any, for a transfer of
 * n_bytes: only worth it above one message. */
static int shm_for(seL4_CPtr ep, size_t n_bytes)
{
    return n_bytes <= VFS_RPC_MAX_DATA ? -1 : shm_slot(ep);
}

/* Bulk transfer through the shared region: chunks of its size, the same
 * short-transfer and error rules as the message-register path. A buffer
 * that lies inside the region is used where it is (one call, no copy on
 * this side: the server copies straight between it and the file). */
static int64_t shm_chunks(int slot, seL4_CPtr ep, int fd, char *buf, size_t n_bytes, int64_t offset,
                          bool write)
{
    char *region = shm_table[slot].data;
    size_t chunk = shm_table[slot].size_bytes;
    uintptr_t at = (uintptr_t)buf - (uintptr_t)region; /* wraps if buf is below */
    bool in_place = at <= chunk && n_bytes <= chunk - at;
    size_t done = 0;
    while (done < n_bytes) {
        size_t want = n_bytes - done < chunk ? n_bytes - done : chunk;
        if (write && !in_place)
            memcpy(region, buf + done, want);
        seL4_SetMR(0, (seL4_Word)fd);
        seL4_SetMR(1, want);
        seL4_SetMR(2, in_place ? (seL4_Word)(at + done) : 0);
        seL4_SetMR(3, offset < 0 ? (seL4_Word)-1 : (seL4_Word)(offset + (int64_t)done));
        vfs_call_ret_t r = call(ep, write ? VFS_RPC_WRITE_SHM : VFS_RPC_READ_SHM, 4);
        if (r.result < 0)
            return done ? (int64_t)done : r.result;
        size_t got = (size_t)r.result < want ? (size_t)r.result : want;
        if (!write && !in_place)
            memcpy(buf + done, region, got);
        done += got;
        if (got < want)
            break;
    }
    return (int64_t)done;
}

/* Reads with READ (offset < 0) or PREAD, chunk by chunk. */
static int64_t read_chunks(seL4_CPtr ep, int fd, void *buf, size_t n_bytes, int64_t offset)
{
    int slot = shm_for(ep, n_bytes);
    if (slot >= 0)
        return shm_chunks(slot, ep, fd, buf, n_bytes, offset, false);
    size_t done = 0;
    while (done < n_bytes) {
        size_t want = n_bytes - done < VFS_RPC_MAX_DATA ? n_bytes - done : VFS_RPC_MAX_DATA;
        seL4_SetMR(0, (seL4_Word)fd);
        seL4_SetMR(1, want);
        seL4_SetMR(2, (seL4_Word)(offset + (int64_t)done));
        vfs_call_ret_t r = call(ep, offset < 0 ? VFS_RPC_READ : VFS_RPC_PREAD, offset < 0 ? 2 : 3);
        if (r.result < 0)
            return done ? (int64_t)done : r.result;
        size_t got = (size_t)r.result < want ? (size_t)r.result : want;
        copy_out(r, (char *)buf + done, got);
        done += got;
        if (got < want)
            break;
    }
    return (int64_t)done;
}

static int64_t write_chunks(seL4_CPtr ep, int fd, const void *buf, size_t n_bytes, int64_t offset)
{
    int slot = shm_for(ep, n_bytes);
    if (slot >= 0)
        return shm_chunks(slot, ep, fd, (char *)buf, n_bytes, offset, true);
    size_t done = 0;
    do {
        size_t want = n_bytes - done < VFS_RPC_MAX_DATA ? n_bytes - done : VFS_RPC_MAX_DATA;
        unsigned n_args = offset < 0 ? 2 : 3;
        seL4_SetMR(0, (seL4_Word)fd);
        seL4_SetMR(1, want);
        seL4_SetMR(2, (seL4_Word)(offset + (int64_t)done));
        memcpy(msg_bytes(n_args), (const char *)buf + done, want);
        vfs_call_ret_t r =
            call(ep, offset < 0 ? VFS_RPC_WRITE : VFS_RPC_PWRITE, n_args + WORDS(want));
        if (r.result < 0)
            return done ? (int64_t)done : r.result;
        done += (size_t)r.result;
        if ((size_t)r.result < want)
            break;
    } while (done < n_bytes);
    return (int64_t)done;
}

int64_t kaal_vfs_read(seL4_CPtr ep, int fd, void *buf, size_t n_bytes)
{
    return read_chunks(ep, fd, buf, n_bytes, -1);
}

int64_t kaal_vfs_write(seL4_CPtr ep, int fd, const void *buf, size_t n_bytes)
{
    return write_chunks(ep, fd, buf, n_bytes, -1);
}

int64_t kaal_vfs_pread(seL4_CPtr ep, int fd, void *buf, size_t n_bytes, int64_t offset)
{
    if (offset < 0)
        return -LINUX_EINVAL;
    return read_chunks(ep, fd, buf, n_bytes, offset);
}

int64_t kaal_vfs_pwrite(seL4_CPtr ep, int fd, const void *buf, size_t n_bytes, int64_t offset)
{
    if (offset < 0)
        return -LINUX_EINVAL;
    return write_chunks(ep, fd, buf, n_bytes, offset);
}

int64_t kaal_vfs_lseek(seL4_CPtr ep, int fd, int64_t offset, int whence)
{
    seL4_SetMR(0, (seL4_Word)fd);
    seL4_SetMR(1, (seL4_Word)offset);
    seL4_SetMR(2, (seL4_Word)whence);
    return call(ep, VFS_RPC_LSEEK, 3).result;
}

int kaal_vfs_fstat(seL4_CPtr ep, int fd, struct vfs_stat *st)
{
    seL4_SetMR(0, (seL4_Word)fd);
    vfs_call_ret_t r = call(ep, VFS_RPC_FSTAT, 1);
    if (r.result == 0)
        copy_out(r, st, sizeof *st);
    return (int)r.result;
}

static int stat_call(seL4_CPtr ep, const char *path, struct vfs_stat *st, int at_flags)
{
    seL4_SetMR(0, (seL4_Word)at_flags);
    int64_t n = pack_paths(ep, 2, path, NULL);
    if (n < 0)
        return (int)n;
    vfs_call_ret_t r = call(ep, VFS_RPC_STAT, (seL4_Word)n);
    if (r.result == 0)
        copy_out(r, st, sizeof *st);
    return (int)r.result;
}

int kaal_vfs_stat(seL4_CPtr ep, const char *path, struct vfs_stat *st)
{
    return stat_call(ep, path, st, 0);
}

int kaal_vfs_lstat(seL4_CPtr ep, const char *path, struct vfs_stat *st)
{
    return stat_call(ep, path, st, VFS_AT_SYMLINK_NOFOLLOW);
}

int kaal_vfs_mkdir(seL4_CPtr ep, const char *path, vfs_mode_t mode)
{
    seL4_SetMR(0, mode);
    return (int)path_call(ep, VFS_RPC_MKDIR, 2, path);
}

int kaal_vfs_unlink(seL4_CPtr ep, const char *path)
{
    seL4_SetMR(0, 0);
    return (int)path_call(ep, VFS_RPC_UNLINK, 2, path);
}

int kaal_vfs_rmdir(seL4_CPtr ep, const char *path)
{
    seL4_SetMR(0, VFS_AT_REMOVEDIR);
    return (int)path_call(ep, VFS_RPC_UNLINK, 2, path);
}

int kaal_vfs_rename(seL4_CPtr ep, const char *oldpath, const char *newpath)
{
    seL4_SetMR(0, 0);
    return (int)two_path_call(ep, VFS_RPC_RENAME, 3, oldpath, newpath);
}

int64_t kaal_vfs_getdents64(seL4_CPtr ep, int fd, void *buf, size_t n_bytes)
{
    seL4_SetMR(0, (seL4_Word)fd);
    seL4_SetMR(1, n_bytes < VFS_RPC_MAX_DATA ? n_bytes : VFS_RPC_MAX_DATA);
    vfs_call_ret_t r = call(ep, VFS_RPC_GETDENTS64, 2);
    if (r.result > 0)
        copy_out(r, buf, (size_t)r.result);
    return r.result;
}

int kaal_vfs_statfs(seL4_CPtr ep, const char *path, struct vfs_statfs *st)
{
    int64_t n = pack_paths(ep, 1, path, NULL);
    if (n < 0)
        return (int)n;
    vfs_call_ret_t r = call(ep, VFS_RPC_STATFS, (seL4_Word)n);
    if (r.result == 0)
        copy_out(r, st, sizeof *st);
    return (int)r.result;
}

int kaal_vfs_fstatfs(seL4_CPtr ep, int fd, struct vfs_statfs *st)
{
    seL4_SetMR(0, (seL4_Word)fd);
    vfs_call_ret_t r = call(ep, VFS_RPC_FSTATFS, 1);
    if (r.result == 0)
        copy_out(r, st, sizeof *st);
    return (int)r.result;
}

int kaal_vfs_ftruncate(seL4_CPtr ep, int fd, int64_t length)
{
    seL4_SetMR(0, (seL4_Word)fd);
    seL4_SetMR(1, (seL4_Word)length);
    return (int)call(ep, VFS_RPC_FTRUNCATE, 2).result;
}

int kaal_vfs_truncate(seL4_CPtr ep, const char *path, int64_t length)
{
    seL4_SetMR(0, (seL4_Word)length);
    return (int)path_call(ep, VFS_RPC_TRUNCATE, 2, path);
}

int kaal_vfs_dup(seL4_CPtr ep, int fd)
{
    seL4_SetMR(0, (seL4_Word)fd);
    return (int)call(ep, VFS_RPC_DUP, 1).result;
}

int kaal_vfs_dup2(seL4_CPtr ep, int oldfd, int newfd)
{
    seL4_SetMR(0, (seL4_Word)oldfd);
    seL4_SetMR(1, (seL4_Word)newfd);
    return (int)call(ep, VFS_RPC_DUP2, 2).result;
}

int kaal_vfs_chdir(seL4_CPtr ep, const char *path)
{
    return (int)path_call(ep, VFS_RPC_CHDIR, 1, path);
}

int kaal_vfs_getcwd(seL4_CPtr ep, char *buf, size_t n_bytes)
{
    vfs_call_ret_t r = call(ep, VFS_RPC_GETCWD, 0);
    if (r.result < 0)
        return (int)r.result;
    if ((size_t)r.result > n_bytes)
        return -LINUX_ERANGE;
    copy_out(r, buf, (size_t)r.result);
    return (int)r.result;
}

int kaal_vfs_symlink(seL4_CPtr ep, const char *target, const char *linkpath)
{
    return (int)two_path_call(ep, VFS_RPC_SYMLINK, 2, target, linkpath);
}

int64_t kaal_vfs_readlink(seL4_CPtr ep, const char *path, char *buf, size_t n_bytes)
{
    int64_t n = pack_paths(ep, 1, path, NULL);
    if (n < 0)
        return n;
    vfs_call_ret_t r = call(ep, VFS_RPC_READLINK, (seL4_Word)n);
    if (r.result < 0)
        return r.result;
    size_t got = (size_t)r.result < n_bytes ? (size_t)r.result : n_bytes;
    copy_out(r, buf, got);
    return (int64_t)got;
}

int kaal_vfs_link(seL4_CPtr ep, const char *oldpath, const char *newpath)
{
    return (int)two_path_call(ep, VFS_RPC_LINK, 2, oldpath, newpath);
}

int kaal_vfs_chmod(seL4_CPtr ep, const char *path, vfs_mode_t mode)
{
    seL4_SetMR(0, mode);
    return (int)path_call(ep, VFS_RPC_CHMOD, 2, path);
}

int kaal_vfs_reset(seL4_CPtr ep)
{
    return (int)call(ep, VFS_RPC_RESET, 0).result;
}
