// SPDX-License-Identifier: BSD-2-Clause
/*
 * blkprobe: the virtio-blk driver's first client. Over the driver's `blk`
 * RPC with data in the shared `io` region (blk_rpc.h) it reads the
 * capacity and sector 0, writes a pattern to sector 1, flushes, reads it
 * back and compares, and asks for a sector past the end (which must be
 * refused), printing each answer.
 */
#include <kaal/component.h>
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

#include "blk_rpc.h"
#include "blkprobe_caps.h"

static uint8_t *const io = (uint8_t *)KAAL_RING_IO_DATA_VADDR;

static kaal_error_t call(uint64_t label, uint64_t sector, uint64_t n, uint64_t offset)
{
    seL4_SetMR(0, sector);
    seL4_SetMR(1, n);
    seL4_SetMR(2, offset);
    seL4_MessageInfo_t r = seL4_Call(KAAL_CAP_BLK, seL4_MessageInfo_new(label, 0, 0, 3));
    return (kaal_error_t)seL4_MessageInfo_get_label(r);
}

int main(void)
{
    kaal_error_t err = call(VBLK_RPC_INFO, 0, 0, 0);
    if (err) {
        printf("blkprobe: INFO failed: %s\n", kaal_strerror(err));
        return 1;
    }
    uint64_t capacity = seL4_GetMR(0);
    printf("blkprobe: disk of %lu sectors\n", (unsigned long)capacity);
    err = call(VBLK_RPC_READ, 0, 1, 0);
    char first[33] = {0};
    memcpy(first, io, 32);
    for (int i = 0; i < 32; i++)
        if (first[i] < ' ' || first[i] > '~')
            first[i] = '.';
    printf("blkprobe: read sector 0: %s: \"%s\"\n", kaal_strerror(err), first);
    for (unsigned i = 0; i < 512; i++)
        io[512 + i] = (uint8_t)(i * 7 + 1);
    memcpy(io + 512, "written by blkprobe", 19);
    err = call(VBLK_RPC_WRITE, 1, 1, 512);
    printf("blkprobe: write sector 1: %s\n", kaal_strerror(err));
    err = call(VBLK_RPC_FLUSH, 0, 0, 0);
    printf("blkprobe: flush: %s\n", kaal_strerror(err));
    memset(io + 1024, 0, 512);
    err = call(VBLK_RPC_READ, 1, 1, 1024);
    printf("blkprobe: read back sector 1: %s, %s\n", kaal_strerror(err),
           memcmp(io + 512, io + 1024, 512) == 0 ? "matches" : "DIFFERS");
    err = call(VBLK_RPC_READ, capacity, 1, 0);
    printf("blkprobe: read past the end: %s\n", kaal_strerror(err));
    return 0;
}
