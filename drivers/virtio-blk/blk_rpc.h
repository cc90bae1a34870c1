/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio-blk driver's RPC (end `blk`): one request per call, its data
 * in the `io` region both sides map (offsets into it). The reply's label
 * is a kaal_error_t: KAAL_ERANGE past the end of the disk or outside the
 * region, KAAL_EIO the device failed the request, KAAL_ENOSYS unsupported.
 */
#pragma once

#define VBLK_SECTOR_BYTES 512u

enum {
    VBLK_RPC_INFO = 1,  /* reply mr0 = capacity in sectors */
    VBLK_RPC_READ = 2,  /* mr0 = sector, mr1 = sectors, mr2 = offset in io */
    VBLK_RPC_WRITE = 3, /* the same */
    VBLK_RPC_FLUSH = 4,
};
