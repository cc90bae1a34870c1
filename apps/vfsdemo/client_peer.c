// SPDX-License-Identifier: BSD-2-Clause
/*
 * Second client of the VFS server test system (vfs.toml): holds two open
 * files and leaves /peer-ready behind, so the main test client can check
 * that fd tables are per client (its own first open still gets fd 0) and
 * that it sees the file this client wrote. It waits until the test client
 * has unlinked /peer, then exits with both fds still open: init tells the
 * server (KAAL_RPC_LABEL_CLIENT_GONE), which closes them, and the test
 * client sees the unlinked file's page come free.
 */
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/vfs_client.h>

#include "vfs_peer_caps.h"

int main(void)
{
    kaal_vfs_reset(KAAL_CAP_VFS);
    int a = kaal_vfs_open(KAAL_CAP_VFS, "/peer", VFS_O_CREAT | VFS_O_WRONLY, 0644);
    int b = kaal_vfs_open(KAAL_CAP_VFS, "/peer", VFS_O_RDONLY, 0);
    int64_t n = kaal_vfs_write(KAAL_CAP_VFS, a, "from the peer", 13);
    int ready = kaal_vfs_mkdir(KAAL_CAP_VFS, "/peer-ready", 0755);
    printf("vfs-peer: holding fds %d and %d, wrote %ld bytes, ready %d\n", a, b, (long)n, ready);
    struct vfs_stat st;
    for (int polls = 0; kaal_vfs_stat(KAAL_CAP_VFS, "/peer", &st) == 0 && polls < 100000; polls++)
        seL4_Yield(); /* the test client runs at this priority too */
    /* No line here: the test client, at this priority, may be printing. */
    return a == 0 && b == 1 && n == 13 && ready == 0 ? 0 : 1;
}
