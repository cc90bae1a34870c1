// SPDX-License-Identifier: BSD-2-Clause
/*
 * blkprobe: a client of a <kaal/blk.h> disk driver (drivers/virtio-blk)
 * through the VFS's client library (<kaal/blk_client.h>). It reads the
 * driver's INFO and sector 0, writes a pattern to sector 1, flushes, reads
 * it back and compares, asks for a sector past the end (refused), then
 * measures sequential throughput: the whole disk (at most 64 MiB) written
 * and read back in 512 KiB calls, checked, printed as
 * `blkprobe: bench: seq_write N MiB/s` (kaal_time_ns, the TSC).
 */
#include <kaal/blk_client.h>
#include <kaal/component.h>
#include <kaal/error.h>
#include <kaal/heap.h>
#include <kaal/linux_errno.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/timer.h>

#include "blkprobe_caps.h"

#define BENCH_CALL_BYTES (512u * 1024)
#define BENCH_MAX_BYTES (64ull << 20)

static kaal_blk_client_t client;

static void notify(void *ctx)
{
    (void)ctx;
    seL4_Signal(KAAL_CAP_REQ);
}

static void wait(void *ctx)
{
    (void)ctx;
    seL4_Wait(KAAL_CAP_EVENTS, NULL);
}

static const char *what(int r)
{
    switch (r) {
    case 0: return "success";
    case -LINUX_EIO: return "I/O error";
    case -LINUX_EROFS: return "read-only";
    case -LINUX_EINVAL: return "invalid";
    case -LINUX_EOPNOTSUPP: return "unsupported";
    default: return "error";
    }
}

static kaal_error_t info(kaal_blk_info_t *in)
{
    seL4_MessageInfo_t r = seL4_Call(KAAL_CAP_BLK, seL4_MessageInfo_new(KAAL_BLK_RPC_INFO, 0, 0, 0));
    kaal_error_t err = (kaal_error_t)seL4_MessageInfo_get_label(r);
    if (err)
        return err;
    uint64_t w[KAAL_BLK_INFO_WORDS];
    for (unsigned i = 0; i < KAAL_BLK_INFO_WORDS; i++)
        w[i] = seL4_GetMR(i);
    *in = kaal_blk_info_unpack(w);
    return KAAL_OK;
}

static unsigned long mib_per_s(uint64_t bytes, uint64_t ns)
{
    return ns ? (unsigned long)(bytes * 1000000000ull / ns >> 20) : 0;
}

/* Writes then reads the first `bytes` of the disk in big calls. */
static void bench(uint64_t bytes)
{
    uint8_t *buf = malloc(BENCH_CALL_BYTES);
    if (!buf)
        return;
    uint64_t per = BENCH_CALL_BYTES / KAAL_BLK_SECTOR_BYTES, n_calls = bytes / BENCH_CALL_BYTES;
    int r = 0;
    uint64_t t0 = kaal_time_ns();
    for (uint64_t i = 0; i < n_calls && r == 0; i++) {
        memset(buf, (int)(i + 1), BENCH_CALL_BYTES);
        r = kaal_blk_client_transfer(&client, KAAL_BLK_OP_WRITE, 2048 + i * per, per, buf);
    }
    if (r == 0)
        r = kaal_blk_client_transfer(&client, KAAL_BLK_OP_FLUSH, 0, 0, NULL);
    uint64_t t1 = kaal_time_ns();
    bool same = true;
    for (uint64_t i = 0; i < n_calls && r == 0; i++) {
        r = kaal_blk_client_transfer(&client, KAAL_BLK_OP_READ, 2048 + i * per, per, buf);
        same = same && buf[0] == (uint8_t)(i + 1) && buf[BENCH_CALL_BYTES - 1] == (uint8_t)(i + 1);
    }
    uint64_t t2 = kaal_time_ns();
    if (r || !same) {
        printf("blkprobe: bench failed: %s%s\n", what(r), same ? "" : ", data differs");
        return;
    }
    printf("blkprobe: %lu MiB written and read back in %lu KiB calls, %lu requests\n",
           (unsigned long)(bytes >> 20), (unsigned long)(BENCH_CALL_BYTES >> 10),
           (unsigned long)client.n_requests);
    printf("blkprobe: bench: seq_write %lu MiB/s\n", mib_per_s(bytes, t1 - t0));
    printf("blkprobe: bench: seq_read %lu MiB/s\n", mib_per_s(bytes, t2 - t1));
    free(buf);
}

int main(void)
{
    kaal_blk_info_t in;
    kaal_error_t err = info(&in);
    if (err) {
        printf("blkprobe: INFO failed: %s\n", kaal_strerror(err));
        return 1;
    }
    printf("blkprobe: disk of %lu sectors, block %u bytes%s\n", (unsigned long)in.capacity_sectors,
           (unsigned)in.block_bytes, (in.flags & KAAL_BLK_INFO_READ_ONLY) ? ", read-only" : "");
    kaal_blk_client_config_t cfg = {
        .req_queues = (void *)KAAL_RING_REQ_QUEUE_VADDR,
        .req_data = (void *)KAAL_RING_REQ_DATA_VADDR,
        .req_data_bytes = KAAL_RING_REQ_DATA_SIZE_BYTES,
        .n_records = KAAL_RING_REQ_QUEUE_DEPTH,
        .data = (void *)KAAL_RING_DATA_DATA_VADDR,
        .data_bytes = KAAL_RING_DATA_DATA_SIZE_BYTES,
        .info = in,
        .notify = notify,
        .wait = wait,
    };
    const char *why;
    if (kaal_blk_client_init(&client, &cfg, &why)) {
        printf("blkprobe: %s\n", why);
        return 1;
    }
    static uint8_t sec[3][512];
    int r = kaal_blk_client_transfer(&client, KAAL_BLK_OP_READ, 0, 1, sec[0]);
    char first[33] = {0};
    memcpy(first, sec[0], 32);
    for (int i = 0; i < 32; i++)
        if (first[i] < ' ' || first[i] > '~')
            first[i] = '.';
    printf("blkprobe: read sector 0: %s: \"%s\"\n", what(r), first);
    for (unsigned i = 0; i < 512; i++)
        sec[1][i] = (uint8_t)(i * 7 + 1);
    memcpy(sec[1], "written by blkprobe", 19);
    r = kaal_blk_client_transfer(&client, KAAL_BLK_OP_WRITE, 1, 1, sec[1]);
    printf("blkprobe: write sector 1: %s\n", what(r));
    r = kaal_blk_client_transfer(&client, KAAL_BLK_OP_FLUSH, 0, 0, NULL);
    printf("blkprobe: flush: %s\n", what(r));
    r = kaal_blk_client_transfer(&client, KAAL_BLK_OP_READ, 1, 1, sec[2]);
    printf("blkprobe: read back sector 1: %s, %s\n", what(r),
           memcmp(sec[1], sec[2], 512) == 0 ? "matches" : "DIFFERS");
    r = kaal_blk_client_transfer(&client, KAAL_BLK_OP_READ, in.capacity_sectors, 1, sec[2]);
    printf("blkprobe: read past the end: %s\n", what(r));
    if (in.flags & KAAL_BLK_INFO_READ_ONLY)
        return 0;
    uint64_t bytes = (in.capacity_sectors - 2048) * KAAL_BLK_SECTOR_BYTES;
    bytes = (bytes > BENCH_MAX_BYTES ? BENCH_MAX_BYTES : bytes) / BENCH_CALL_BYTES * BENCH_CALL_BYTES;
    if (in.capacity_sectors > 2048 && bytes)
        bench(bytes);
    return 0;
}
