/* SPDX-License-Identifier: BSD-2-Clause */
/* Pre-filling the VFS server's root ramfs from its `rootfs` boot file. */
#pragma once

#include <kaal/vfs.h>

/* The boot file system.toml names "rootfs" for this component ([[component.file]]). */
#define VFS_SERVER_ROOTFS_FILE "rootfs"

/* Unpacks the rootfs boot file (a newc cpio archive), if the system gives
 * one, into / as setup (uid 0) sees it, and says on the console what
 * happened. Never fails the server: on a damaged archive / keeps what was
 * unpacked before the damage. */
void vfs_server_prefill_root(vfs_proc_t *setup);
