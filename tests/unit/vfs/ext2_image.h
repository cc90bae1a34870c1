/* SPDX-License-Identifier: BSD-2-Clause */
/* Host helpers for the ext2 tests: a vfs_blockdev_t over an image file
 * (pread/pwrite, fdatasync as flush, barriers free), and Debian's e2fsprogs run on that file:
 * mke2fs makes the images at test time (in the build directory, next to the
 * test binary), e2fsck -fn and debugfs are the oracle. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <kaal/vfs_ext2.h>

/* Opens path as a device of 512-byte sectors; false if it cannot. */
bool ext2_image_open(const char *path, bool read_only, vfs_blockdev_t *dev);
void ext2_image_close(vfs_blockdev_t *dev);

/* The path of a scratch image called name next to the running binary. */
void ext2_image_path(char *buf, size_t n, const char *name);

/* Runs a shell command line; returns its exit status (-1 if it could not
 * run) and its stdout+stderr in out (NUL-terminated, truncated to n). */
int ext2_image_run(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* mke2fs -t ext2 with options (e.g. "-b 1024") on a new file of size_kib. */
int ext2_image_mkfs(const char *path, const char *options, unsigned size_kib);

/* e2fsck -fn: 0 when clean and nothing at all was asked ("? no"); else the
 * exit status (or 100 when it exited 0 but reported a problem). */
int ext2_image_fsck(const char *path, char *out, size_t n);
