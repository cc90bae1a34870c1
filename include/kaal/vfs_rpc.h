/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The VFS server's RPC protocol (services/vfs-server/, client in
 * runtime/vfsclient/ and <kaal/vfs_client.h>).
 *
 * Transport: endpoint RPC. The client seL4_Calls its badged endpoint; the
 * server tells clients apart by the badge and keeps one vfs_proc_t (fd
 * table, cwd, umask) per badge, created at the client's first call.
 *
 * Request: message label = one VFS_RPC_* operation; MR0.. = the integer
 * arguments listed below, in that order; then, for operations that take
 * bytes (paths, write data), those bytes packed little-endian into the
 * following message registers, starting at the MR given as "bytes @MRn".
 * The message length counts every word used.
 *
 * Reply: label 0 = success, MR0 = the result (fd, byte count, offset, 0),
 * and for operations that return bytes (read data, stat records, dirents,
 * cwd) those bytes from MR1 on. Label != 0 = failure: the label is the
 * Linux errno as a positive number (labels are unsigned), and the client
 * library returns it negated, so callers see the usual -LINUX_E* values.
 * A request the server cannot decode (unknown label, lengths that do not
 * fit the message) is answered with EINVAL (ENOSYS for an unknown label).
 *
 * Sizes: at most VFS_RPC_MAX_DATA bytes of data per read/write/getdents
 * call and VFS_RPC_MAX_PATH_BYTES path bytes per request (paths are sent
 * without their NUL; two paths of a rename or link are sent back to back
 * and share that budget). The client library splits large
 * reads and writes into several calls. Longer paths (up to PATH_MAX) go
 * in the shared region when the client has one (VFS_RPC_PATH_IN_SHM),
 * else they give ENAMETOOLONG in the client.
 * Flags, modes, whence and records are the Linux x86_64 values
 * and layouts of <kaal/vfs.h>.
 *
 * Data paths: by default every byte travels in message registers (copied
 * into the IPC buffer, through the kernel, out of it), 936 bytes a call.
 * A client that shares a memory region with the server moves data with
 * READ_SHM / WRITE_SHM instead: the server copies straight between the
 * file and the region, up to the region's size per call. The region is the
 * data region of a system.toml ring channel (its queues are unused): the
 * client is the producer, the server's consumer end is named
 * "shm<badge>" for the client whose rpc channel has that badge (badges 1
 * to VFS_RPC_MAX_SHM_CLIENTS), at the fixed address the server was built
 * with (services/vfs-server/README.md). The client library is told about
 * its side with kaal_vfs_use_shm(). A client without a region gets
 * EOPNOTSUPP from the _SHM operations.
 */
#pragma once

#include <sel4/sel4.h>

/* Every request has at most three argument words before its bytes, so 117
 * words of bytes always fit: that is the most data one read, write or
 * getdents call moves, and the most path bytes one request carries (all of
 * its paths together, sent without their NULs). */
#define VFS_RPC_MAX_ARGS 3
#define VFS_RPC_MAX_DATA ((seL4_MsgMaxLength - VFS_RPC_MAX_ARGS) * sizeof(seL4_Word)) /* 936 */
#define VFS_RPC_MAX_PATH_BYTES VFS_RPC_MAX_DATA
#define VFS_RPC_MAX_SHM_CLIENTS 4
/* Set in every path length of a request whose paths are at the start of
 * the shared region instead of in the message (paths up to PATH_MAX). */
#define VFS_RPC_PATH_IN_SHM (1ull << 63)

/* Operation labels (request). "-> x" is the result in MR0 of the reply. */
enum vfs_rpc_op {
    VFS_RPC_OPEN = 1,   /* flags, mode, path_len, bytes @MR3: path -> fd */
    VFS_RPC_CLOSE,      /* fd -> 0 */
    VFS_RPC_READ,       /* fd, count -> n, bytes @MR1 */
    VFS_RPC_WRITE,      /* fd, count, bytes @MR2 -> n */
    VFS_RPC_PREAD,      /* fd, count, offset -> n, bytes @MR1 */
    VFS_RPC_PWRITE,     /* fd, count, offset, bytes @MR3 -> n */
    VFS_RPC_LSEEK,      /* fd, offset, whence -> new offset */
    VFS_RPC_FSTAT,      /* fd -> 0, struct vfs_stat @MR1 */
    VFS_RPC_STAT,       /* at_flags, path_len, bytes @MR2 -> 0, struct vfs_stat @MR1 */
    VFS_RPC_MKDIR,      /* mode, path_len, bytes @MR2 -> 0 */
    VFS_RPC_UNLINK,     /* at_flags (AT_REMOVEDIR = rmdir), path_len, bytes @MR2 -> 0 */
    VFS_RPC_RENAME,     /* flags, old_len, new_len, bytes @MR3: old path then new path -> 0 */
    VFS_RPC_GETDENTS64, /* fd, count -> n, struct vfs_dirent64 records @MR1 */
    VFS_RPC_STATFS,     /* path_len, bytes @MR1 -> 0, struct vfs_statfs @MR1 */
    VFS_RPC_FSTATFS,    /* fd -> 0, struct vfs_statfs @MR1 */
    VFS_RPC_FTRUNCATE,  /* fd, length -> 0 */
    VFS_RPC_TRUNCATE,   /* length, path_len, bytes @MR2 -> 0 */
    VFS_RPC_DUP,        /* fd -> new fd */
    VFS_RPC_DUP2,       /* oldfd, newfd -> newfd */
    VFS_RPC_CHDIR,      /* path_len, bytes @MR1 -> 0 */
    VFS_RPC_GETCWD,     /* (none) -> length + 1, path with its NUL @MR1 */
    VFS_RPC_SYMLINK,    /* target_len, link_len, bytes @MR2: target then link path -> 0 */
    VFS_RPC_READLINK,   /* path_len, bytes @MR1 -> n, target bytes @MR1 (no NUL) */
    VFS_RPC_LINK,       /* old_len, new_len, bytes @MR2: old path then new path -> 0 */
    VFS_RPC_CHMOD,      /* mode, path_len, bytes @MR2 -> 0 */
    VFS_RPC_RESET,      /* (none) -> 0: closes every fd of this client, cwd back to "/" */
    /* fd, count, shm_offset, file_offset (-1: at and moving the fd's
     * position) -> n; the data is in the shared region at shm_offset. */
    VFS_RPC_READ_SHM,
    VFS_RPC_WRITE_SHM,
    VFS_RPC_N_OPS
};
