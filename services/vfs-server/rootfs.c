// SPDX-License-Identifier: BSD-2-Clause
/*
 * The VFS server's root file system contents at start: the boot file named
 * "rootfs" ([[component.file]] in system.toml), a newc cpio archive that
 * init maps read-only into the server, unpacked into the root ramfs with
 * vfs_cpio_unpack() before /dev is mounted (so an archive's dev/ entries
 * land in the ramfs directory devfs then covers).
 *
 * Policy: a broken archive is reported and the server keeps serving, with
 * the entries unpacked before the damage (Linux's initramfs also keeps what
 * it unpacked). One console line says what happened in every case.
 */
#include "rootfs.h"

#include <kaal/component.h>
#include <kaal/stdio.h>
#include <kaal/vfs_cpio.h>

void vfs_server_prefill_root(vfs_proc_t *setup)
{
    const kaal_component_file_t *f = kaal_component_file(VFS_SERVER_ROOTFS_FILE);
    if (!f) {
        printf("vfs: no %s boot file: / starts empty\n", VFS_SERVER_ROOTFS_FILE);
        return;
    }
    vfs_cpio_result_t res;
    int r = vfs_cpio_unpack(setup, f->data, f->size_bytes, &res);
    if (r == 0) {
        printf("vfs: %s: unpacked %u entries (%u device nodes skipped) from %lu bytes\n",
               VFS_SERVER_ROOTFS_FILE, res.n_entries, res.n_skipped, (unsigned long)f->size_bytes);
    } else if (res.error) {
        printf("vfs: %s: cannot make /%s (errno %d); / keeps the %u entries before it\n",
               VFS_SERVER_ROOTFS_FILE, res.name, -res.error, res.n_entries);
    } else {
        printf("vfs: %s: damaged archive at byte %lu: %s; / keeps the %u entries before it\n",
               VFS_SERVER_ROOTFS_FILE, (unsigned long)res.offset, kaal_cpio_strerror(res.status),
               res.n_entries);
    }
}
