// SPDX-License-Identifier: BSD-2-Clause
/* The virtio-blk driver's device logic (drivers/virtio-blk/vblk.c) and the
 * client of its rings (services/vfs/blkclient, <kaal/blk_client.h>) end to
 * end: the client's rings formatted as init formats them, the driver
 * against the virtio device model with a disk behind it. The client's
 * notify runs the driver; its wait plays the device (every available
 * chain, answered in reverse order, so completions come out of order) and
 * then the driver's interrupt. Checks: feature negotiation and INFO, data
 * through the vfs_blockdev_t with several requests in flight, segment
 * limits, flush, discard / write-zeroes, per-request status, a read-only
 * disk, hostile records, a device that stops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/blk_client.h>
#include <kaal/linux_errno.h>

#include "virtio-blk/vblk.h"
#include "virtio/model.h"

#define SECTORS 2048u /* a 1 MiB disk */
#define RECORDS 32u
#define RECORD_BYTES 128u
#define DATA_BYTES (256u * 1024)

struct fixture {
    model_t m;
    kaal_virtio_t dev;
    vblk_t blk;
    kaal_blk_client_t client;
    vfs_blockdev_t bdev;
    uint8_t disk[SECTORS * 512];
    uint8_t status;             /* what the device answers */
    uint64_t fail_sector;       /* ... for requests starting here (UINT64_MAX: all) */
    bool silent, needs_reset;   /* the device stops answering / asks for a reset */
    unsigned n_flushes, n_chains, max_in_flight, max_data_descs, n_zeroed;
    _Alignas(4096) uint8_t dma[16384];
    _Alignas(64) uint8_t req_queues[8192];
    _Alignas(64) uint8_t req_data[RECORDS * RECORD_BYTES];
    _Alignas(4096) uint8_t data[DATA_BYTES];
    uint8_t buf[512 * 1024];
};

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The device: takes every available chain, then answers them last first. */
static void device(struct fixture *f)
{
    if (f->silent)
        return;
    if (f->needs_reset) {
        f->m.status |= KAAL_VIRTIO_STATUS_DEVICE_NEEDS_RESET;
        return;
    }
    int heads[VBLK_QUEUE_SIZE];
    uint32_t written[VBLK_QUEUE_SIZE];
    unsigned n_heads = 0;
    for (;;) {
        kaal_virtq_desc_t d[VBLK_MAX_SEGS + 4];
        unsigned n;
        int head = model_take(&f->m, 0, d, VBLK_MAX_SEGS + 4, &n);
        if (head < 0)
            break;
        f->n_chains++;
        const uint8_t *hdr = (const uint8_t *)(uintptr_t)d[0].addr;
        uint32_t type = (uint32_t)le(hdr, 4);
        uint64_t sector = le(hdr + 8, 8);
        uint8_t st = sector == f->fail_sector || f->fail_sector == UINT64_MAX ? f->status
                                                                               : VBLK_S_OK;
        uint32_t w = 1;
        if (n - 2 > f->max_data_descs && (type == VBLK_T_IN || type == VBLK_T_OUT))
            f->max_data_descs = n - 2;
        uint64_t pos = sector * 512;
        for (unsigned i = 1; st == VBLK_S_OK && i + 1 < n; i++) {
            uint8_t *p = (uint8_t *)(uintptr_t)d[i].addr;
            if (type == VBLK_T_IN) {
                assert_true(pos + d[i].len <= sizeof(f->disk));
                memcpy(p, f->disk + pos, d[i].len);
                w += d[i].len;
            } else if (type == VBLK_T_OUT) {
                assert_true(pos + d[i].len <= sizeof(f->disk));
                memcpy(f->disk + pos, p, d[i].len);
            } else if (type == VBLK_T_DISCARD || type == VBLK_T_WRITE_ZEROES) {
                uint64_t s = le(p, 8), k = le(p + 8, 4);
                assert_true((s + k) * 512 <= sizeof(f->disk));
                memset(f->disk + s * 512, 0, k * 512);
                f->n_zeroed += (unsigned)k;
            }
            pos += d[i].len;
        }
        if (type == VBLK_T_FLUSH)
            f->n_flushes++;
        *(uint8_t *)(uintptr_t)d[n - 1].addr = st;
        heads[n_heads] = head;
        written[n_heads++] = w;
    }
    if (n_heads > f->max_in_flight)
        f->max_in_flight = n_heads;
    while (n_heads--)
        model_post_used(&f->m, 0, (uint32_t)heads[n_heads], written[n_heads]);
}

static void client_notify(void *ctx)
{
    struct fixture *f = ctx;
    vblk_poll(&f->blk);
}

static void client_wait(void *ctx)
{
    struct fixture *f = ctx;
    device(f);
    vblk_interrupt(&f->blk);
}

static void driver_signal(void *ctx)
{
    (void)ctx; /* the client never sleeps for real here: its wait runs the device */
}

static const uint8_t *device_cfg_le32(struct fixture *f, unsigned off, uint32_t v)
{
    memcpy(f->m.device_cfg + off, &v, 4);
    return f->m.device_cfg;
}

/* A fixture whose device offers `features` with the limits given. */
static struct fixture *make(uint64_t features, uint32_t blk_size, uint32_t size_max,
                            uint32_t seg_max)
{
    struct fixture *f = aligned_alloc(4096, (sizeof(struct fixture) + 4095) & ~4095ul);
    memset(f, 0, sizeof(*f));
    f->fail_sector = UINT64_MAX - 1;
    model_init(&f->m, KAAL_VIRTIO_F_VERSION_1 | features, 1, 128);
    uint64_t cap = SECTORS;
    memcpy(f->m.device_cfg, &cap, 8);
    device_cfg_le32(f, VBLK_CFG_SIZE_MAX, size_max);
    device_cfg_le32(f, VBLK_CFG_SEG_MAX, seg_max);
    device_cfg_le32(f, VBLK_CFG_BLK_SIZE, blk_size);
    device_cfg_le32(f, VBLK_CFG_MAX_DISCARD_SECTORS, 256);
    device_cfg_le32(f, VBLK_CFG_MAX_WRITE_ZEROES_SECTORS, 512);
    for (unsigned i = 0; i < sizeof(f->disk); i++)
        f->disk[i] = (uint8_t)(i / 512 + i % 7);
    kaal_virtio_pci_caps_t caps;
    assert_int_equal(kaal_virtio_pci_find_caps(f->m.config, &caps).err, KAAL_OK);
    assert_int_equal(kaal_virtio_init_io(&f->dev, &f->m.io, &caps), KAAL_OK);
    /* As init formats a ring channel: every record on the free queue. */
    assert_int_equal(kaal_ring_channel_init(f->req_queues, sizeof(f->req_queues), RECORDS, RECORDS,
                                            RECORD_BYTES),
                     KAAL_OK);
    vblk_mem_t mem = {
        .dma = f->dma,
        .dma_paddr = (uintptr_t)f->dma,
        .dma_bytes = sizeof(f->dma),
        .req_queues = f->req_queues,
        .req_data = f->req_data,
        .req_data_bytes = sizeof(f->req_data),
        .data = f->data,
        .data_paddr = (uintptr_t)f->data,
        .data_bytes = sizeof(f->data),
    };
    const char *why;
    kaal_error_t err = vblk_start(&f->blk, &f->dev, &mem, driver_signal, f, &why);
    if (err)
        fail_msg("vblk_start: %s", why);
    kaal_blk_client_config_t cc = {
        .req_queues = f->req_queues,
        .req_data = f->req_data,
        .req_data_bytes = sizeof(f->req_data),
        .n_records = RECORDS,
        .data = f->data,
        .data_bytes = sizeof(f->data),
        .info = f->blk.info,
        .notify = client_notify,
        .wait = client_wait,
        .ctx = f,
    };
    err = kaal_blk_client_init(&f->client, &cc, &why);
    if (err)
        fail_msg("kaal_blk_client_init: %s", why);
    f->bdev = kaal_blk_client_dev(&f->client);
    return f;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void test_bring_up_negotiates_the_features_and_reports_the_limits(void **state)
{
    struct fixture *f = *state = make(VBLK_F_FLUSH | VBLK_F_BLK_SIZE | VBLK_F_DISCARD, 512, 0, 0);
    assert_int_equal(f->m.driver_features,
                     KAAL_VIRTIO_F_VERSION_1 | VBLK_F_FLUSH | VBLK_F_BLK_SIZE | VBLK_F_DISCARD);
    assert_true(f->m.status & KAAL_VIRTIO_STATUS_DRIVER_OK);
    assert_int_equal(f->blk.info.capacity_sectors, SECTORS);
    assert_int_equal(f->blk.info.block_bytes, 512);
    assert_int_equal(f->blk.info.flags, KAAL_BLK_INFO_FLUSH | KAAL_BLK_INFO_DISCARD);
    assert_int_equal(f->blk.info.max_request_bytes, DATA_BYTES);
    assert_int_equal(f->blk.info.max_discard_sectors, 256);
    assert_int_equal(f->bdev.sector_bytes, 512);
    assert_int_equal(f->bdev.n_sectors, SECTORS);
    assert_false(f->bdev.read_only);
}

static void test_a_large_transfer_goes_as_several_requests_in_flight(void **state)
{
    struct fixture *f = *state = make(VBLK_F_FLUSH, 0, 0, 0);
    for (unsigned i = 0; i < 300 * 1024; i++)
        f->buf[i] = (uint8_t)(i * 13 + 5);
    assert_int_equal(f->bdev.write(f->bdev.ctx, 3, 600, f->buf), 0);
    assert_memory_equal(f->disk + 3 * 512, f->buf, 300 * 1024);
    assert_true(f->max_in_flight > 1);
    memset(f->buf, 0, 300 * 1024);
    assert_int_equal(f->bdev.read(f->bdev.ctx, 3, 600, f->buf), 0);
    assert_memory_equal(f->disk + 3 * 512, f->buf, 300 * 1024);
    /* 8 KiB chunks: 38 requests each way, whatever order they were answered in. */
    assert_int_equal(f->n_chains, 2 * 38);
    assert_int_equal(f->client.n_requests, 2 * 38);
    assert_int_equal(f->client.n_stray, 0);
    for (int i = 0; i < 200; i++) /* many laps of the rings and the queue */
        assert_int_equal(f->bdev.read(f->bdev.ctx, (uint64_t)i, 1, f->buf), 0);
    assert_memory_equal(f->buf, f->disk + 199 * 512, 512);
}

static void test_the_device_segment_limits_split_the_data(void **state)
{
    struct fixture *f = *state = make(VBLK_F_SIZE_MAX | VBLK_F_SEG_MAX, 0, 1024, 3);
    assert_int_equal(f->blk.info.max_request_bytes, 3072);
    assert_int_equal(f->client.chunk_bytes, 3072);
    for (unsigned i = 0; i < 64 * 1024; i++)
        f->buf[i] = (uint8_t)(i * 3);
    assert_int_equal(f->bdev.write(f->bdev.ctx, 100, 128, f->buf), 0);
    assert_memory_equal(f->disk + 100 * 512, f->buf, 64 * 1024);
    assert_int_equal(f->max_data_descs, 3);
}

static void test_a_4k_disk_is_a_4k_block_device_and_refuses_partial_blocks(void **state)
{
    struct fixture *f = *state = make(VBLK_F_BLK_SIZE, 4096, 0, 0);
    assert_int_equal(f->blk.info.block_bytes, 4096);
    assert_int_equal(f->bdev.sector_bytes, 4096);
    assert_int_equal(f->bdev.n_sectors, SECTORS / 8);
    assert_int_equal(f->bdev.read(f->bdev.ctx, 2, 1, f->buf), 0);
    assert_memory_equal(f->buf, f->disk + 2 * 4096, 4096);
    unsigned before = f->n_chains;
    assert_int_equal(kaal_blk_client_transfer(&f->client, KAAL_BLK_OP_READ, 1, 8, f->buf),
                     -LINUX_EINVAL);
    assert_int_equal(kaal_blk_client_transfer(&f->client, KAAL_BLK_OP_READ, 8, 4, f->buf),
                     -LINUX_EINVAL);
    assert_int_equal(f->n_chains, before);
}

static void test_flush_reaches_the_device_only_if_it_has_a_cache(void **state)
{
    struct fixture *f = *state = make(VBLK_F_FLUSH, 0, 0, 0);
    assert_int_equal(f->bdev.flush(f->bdev.ctx), 0);
    assert_int_equal(f->n_flushes, 1);
    free(f);
    f = *state = make(0, 0, 0, 0);
    assert_int_equal(f->blk.info.flags & KAAL_BLK_INFO_FLUSH, 0);
    assert_int_equal(f->bdev.flush(f->bdev.ctx), 0);
    assert_int_equal(f->n_flushes, 0);
    assert_int_equal(f->n_chains, 0);
}

static void test_discard_and_write_zeroes_when_offered_else_unsupported(void **state)
{
    struct fixture *f = *state = make(VBLK_F_DISCARD | VBLK_F_WRITE_ZEROES, 0, 0, 0);
    assert_int_equal(f->blk.info.max_discard_sectors, 256);
    assert_int_equal(
        kaal_blk_client_transfer(&f->client, KAAL_BLK_OP_WRITE_ZEROES, 10, 600, NULL), 0);
    for (unsigned i = 10 * 512; i < 610 * 512; i++)
        assert_int_equal(f->disk[i], 0);
    assert_int_not_equal(f->disk[610 * 512 + 1], 0);
    assert_int_equal(f->n_zeroed, 600); /* 256 + 256 + 88 */
    assert_int_equal(kaal_blk_client_transfer(&f->client, KAAL_BLK_OP_DISCARD, 1000, 8, NULL), 0);
    assert_int_equal(kaal_blk_client_transfer(&f->client, KAAL_BLK_OP_DISCARD, SECTORS - 1, 2,
                                              NULL),
                     -LINUX_EIO);
    free(f);
    f = *state = make(VBLK_F_FLUSH, 0, 0, 0);
    assert_int_equal(kaal_blk_client_transfer(&f->client, KAAL_BLK_OP_DISCARD, 1, 8, NULL),
                     -LINUX_EOPNOTSUPP);
    assert_int_equal(
        kaal_blk_client_transfer(&f->client, KAAL_BLK_OP_WRITE_ZEROES, 1, 8, NULL),
        -LINUX_EOPNOTSUPP);
    assert_int_equal(f->n_chains, 0);
}

static void test_each_request_reports_its_own_status(void **state)
{
    struct fixture *f = *state = make(VBLK_F_FLUSH, 0, 0, 0);
    f->fail_sector = 16;
    f->status = VBLK_S_IOERR;
    /* 48 sectors in 16-sector chunks: only the middle request fails. */
    assert_int_equal(f->bdev.write(f->bdev.ctx, 0, 48, f->buf), -LINUX_EIO);
    assert_int_equal(f->n_chains, 3);
    f->status = VBLK_S_UNSUPP;
    assert_int_equal(f->bdev.read(f->bdev.ctx, 16, 1, f->buf), -LINUX_EOPNOTSUPP);
    f->status = 0x77; /* nonsense from the device: an I/O error */
    assert_int_equal(f->bdev.read(f->bdev.ctx, 16, 1, f->buf), -LINUX_EIO);
    assert_int_equal(f->bdev.read(f->bdev.ctx, 17, 1, f->buf), 0);
    assert_int_equal(f->bdev.read(f->bdev.ctx, SECTORS - 1, 2, f->buf), -LINUX_EIO);
    assert_int_equal(f->blk.n_errors, 4);
    assert_int_equal(f->client.n_errors, 4);
}

static void test_a_read_only_disk_refuses_writes_before_the_device(void **state)
{
    struct fixture *f = *state = make(VBLK_F_RO | VBLK_F_FLUSH | VBLK_F_DISCARD, 0, 0, 0);
    assert_true(f->bdev.read_only);
    assert_int_equal(f->bdev.write(f->bdev.ctx, 0, 1, f->buf), -LINUX_EROFS);
    assert_int_equal(kaal_blk_client_transfer(&f->client, KAAL_BLK_OP_DISCARD, 0, 8, NULL),
                     -LINUX_EROFS);
    assert_int_equal(f->n_chains, 0);
    assert_int_equal(f->bdev.read(f->bdev.ctx, 0, 1, f->buf), 0);
    assert_int_equal(f->bdev.flush(f->bdev.ctx), 0);
}

/* A record put straight on the ring (a hostile or broken client); the
 * status the driver released it with. */
static uint16_t raw(struct fixture *f, kaal_blk_req_t r, uint32_t length)
{
    kaal_ring_sender_t *s = &f->client.req;
    kaal_ring_desc_t d = f->client.free[--f->client.n_free];
    memcpy(f->req_data + d.offset, &r, sizeof(r));
    d.length_bytes = length;
    assert_int_equal(kaal_ring_sender_send(s, &d), KAAL_OK);
    vblk_poll(&f->blk);
    kaal_ring_desc_t back;
    assert_non_null(kaal_ring_sender_get_buffer(s, &back));
    assert_int_equal(back.offset, d.offset);
    f->client.free[f->client.n_free++] = back;
    return back.flags;
}

static void test_bad_records_are_refused_with_a_reason_and_never_reach_the_device(void **state)
{
    struct fixture *f = *state = make(VBLK_F_FLUSH, 0, 0, 0);
    kaal_blk_req_t ok = {.op = KAAL_BLK_OP_READ, .n_sectors = 1, .sector = 0, .data_offset = 0};
    kaal_blk_req_t r = ok;
    r.sector = SECTORS;
    assert_int_equal(raw(f, r, sizeof(r)), KAAL_BLK_S_ERANGE);
    r = ok;
    r.sector = UINT64_MAX;
    assert_int_equal(raw(f, r, sizeof(r)), KAAL_BLK_S_ERANGE);
    r = ok;
    r.data_offset = DATA_BYTES - 256;
    assert_int_equal(raw(f, r, sizeof(r)), KAAL_BLK_S_ERANGE);
    r.data_offset = UINT64_MAX - 100;
    assert_int_equal(raw(f, r, sizeof(r)), KAAL_BLK_S_ERANGE);
    r = ok;
    r.n_sectors = 0;
    assert_int_equal(raw(f, r, sizeof(r)), KAAL_BLK_S_EINVAL);
    r = ok;
    r.op = 99;
    assert_int_equal(raw(f, r, sizeof(r)), KAAL_BLK_S_EINVAL);
    r.op = 0;
    assert_int_equal(raw(f, r, sizeof(r)), KAAL_BLK_S_EINVAL);
    assert_int_equal(raw(f, ok, 8), KAAL_BLK_S_EINVAL); /* shorter than a record */
    r = ok;
    r.n_sectors = DATA_BYTES / 512 + 1;
    assert_int_equal(raw(f, r, sizeof(r)), KAAL_BLK_S_ERANGE);
    assert_int_equal(f->n_chains, 0);
    assert_int_equal(f->blk.n_refused, 9);
    assert_int_equal(f->blk.n_busy, 0);
    /* The client still works afterwards. */
    assert_int_equal(f->bdev.read(f->bdev.ctx, 5, 1, f->buf), 0);
    assert_memory_equal(f->buf, f->disk + 5 * 512, 512);
}

static void test_a_device_that_needs_a_reset_fails_every_request_instead_of_hanging(void **state)
{
    struct fixture *f = *state = make(VBLK_F_FLUSH, 0, 0, 0);
    f->needs_reset = true;
    assert_int_equal(f->bdev.read(f->bdev.ctx, 0, 300, f->buf), -LINUX_EIO);
    assert_true(f->blk.broken);
    assert_int_equal(f->blk.n_busy, 0);
    assert_int_equal(f->bdev.write(f->bdev.ctx, 0, 1, f->buf), -LINUX_EIO);
    assert_int_equal(f->client.n_free, RECORDS); /* every record came back */
}

static void test_a_device_breaking_its_used_ring_fails_what_is_in_flight(void **state)
{
    struct fixture *f = *state = make(VBLK_F_FLUSH, 0, 0, 0);
    kaal_blk_req_t r = {.op = KAAL_BLK_OP_READ, .n_sectors = 1};
    kaal_ring_desc_t d = f->client.free[--f->client.n_free];
    memcpy(f->req_data + d.offset, &r, sizeof(r));
    d.length_bytes = sizeof(r);
    assert_int_equal(kaal_ring_sender_send(&f->client.req, &d), KAAL_OK);
    vblk_poll(&f->blk);
    assert_int_equal(f->blk.n_busy, 1);
    model_set_used_idx(&f->m, 0, 1000);
    vblk_interrupt(&f->blk);
    kaal_ring_desc_t back;
    assert_non_null(kaal_ring_sender_get_buffer(&f->client.req, &back));
    assert_int_equal(back.flags, KAAL_BLK_S_IOERR);
    assert_true(f->blk.broken);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_teardown(name, teardown)
        T(test_bring_up_negotiates_the_features_and_reports_the_limits),
        T(test_a_large_transfer_goes_as_several_requests_in_flight),
        T(test_the_device_segment_limits_split_the_data),
        T(test_a_4k_disk_is_a_4k_block_device_and_refuses_partial_blocks),
        T(test_flush_reaches_the_device_only_if_it_has_a_cache),
        T(test_discard_and_write_zeroes_when_offered_else_unsupported),
        T(test_each_request_reports_its_own_status),
        T(test_a_read_only_disk_refuses_writes_before_the_device),
        T(test_bad_records_are_refused_with_a_reason_and_never_reach_the_device),
        T(test_a_device_that_needs_a_reset_fails_every_request_instead_of_hanging),
        T(test_a_device_breaking_its_used_ring_fails_what_is_in_flight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
