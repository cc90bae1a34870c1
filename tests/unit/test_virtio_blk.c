// SPDX-License-Identifier: BSD-2-Clause
/* The virtio-blk driver's device logic (drivers/virtio-blk/vblk.c) against
 * the virtio device model with a disk behind it (the test's wait callback
 * plays the device: it takes the chain, reads or writes the disk, writes
 * the status byte): read, write, flush, per-request status (IOERR,
 * UNSUPP), requests past the end refused, a device that never answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "virtio-blk/vblk.h"
#include "virtio/model.h"

#define SECTORS 64

struct fixture {
    model_t m;
    kaal_virtio_t dev;
    vblk_t blk;
    uint8_t disk[SECTORS * 512];
    uint8_t status; /* what the device answers */
    bool silent;    /* the device never answers */
    unsigned n_flushes;
    _Alignas(4096) uint8_t dma[16384];
    _Alignas(16) uint8_t buf[4096];
};

static void device(void *ctx)
{
    struct fixture *f = ctx;
    if (f->silent)
        return;
    kaal_virtq_desc_t d[4];
    unsigned n;
    int head = model_take(&f->m, 0, d, 4, &n);
    if (head < 0)
        return;
    const uint8_t *hdr = (const uint8_t *)(uintptr_t)d[0].addr;
    uint32_t type;
    uint64_t sector;
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    uint32_t written = 1;
    if (f->status == VBLK_S_OK && n == 3) {
        uint8_t *data = (uint8_t *)(uintptr_t)d[1].addr;
        if (type == VBLK_T_IN) {
            memcpy(data, f->disk + sector * 512, d[1].len);
            written += d[1].len;
        } else {
            memcpy(f->disk + sector * 512, data, d[1].len);
        }
    }
    if (type == VBLK_T_FLUSH)
        f->n_flushes++;
    *(uint8_t *)(uintptr_t)d[n - 1].addr = f->status;
    model_post_used(&f->m, 0, (uint32_t)head, written);
}

static int setup(void **state)
{
    struct fixture *f = aligned_alloc(4096, (sizeof(struct fixture) + 4095) & ~4095ul);
    memset(f, 0, sizeof(*f));
    model_init(&f->m, KAAL_VIRTIO_F_VERSION_1 | VBLK_F_FLUSH, 1, 128);
    uint64_t cap = SECTORS;
    memcpy(f->m.device_cfg, &cap, 8);
    for (unsigned i = 0; i < sizeof(f->disk); i++)
        f->disk[i] = (uint8_t)(i / 512);
    kaal_virtio_pci_caps_t caps;
    assert_int_equal(kaal_virtio_pci_find_caps(f->m.config, &caps).err, KAAL_OK);
    assert_int_equal(kaal_virtio_init_io(&f->dev, &f->m.io, &caps), KAAL_OK);
    const char *why;
    assert_int_equal(
        vblk_start(&f->blk, &f->dev, f->dma, (uintptr_t)f->dma, sizeof(f->dma), device, f, &why),
        KAAL_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void test_bring_up_reads_the_capacity_and_takes_flush(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->blk.capacity_sectors, SECTORS);
    assert_int_equal(f->m.driver_features, KAAL_VIRTIO_F_VERSION_1 | VBLK_F_FLUSH);
    assert_true(f->m.status & KAAL_VIRTIO_STATUS_DRIVER_OK);
}

static void test_a_read_brings_the_sectors_into_the_buffer(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 5, 2, (uintptr_t)f->buf), KAAL_OK);
    assert_int_equal(f->buf[0], 5);
    assert_int_equal(f->buf[1023], 6);
}

static void test_a_write_then_flush_reaches_the_disk(void **state)
{
    struct fixture *f = *state;
    memset(f->buf, 0xee, 512);
    assert_int_equal(vblk_request(&f->blk, VBLK_T_OUT, 63, 1, (uintptr_t)f->buf), KAAL_OK);
    assert_int_equal(f->disk[63 * 512 + 511], 0xee);
    assert_int_equal(vblk_request(&f->blk, VBLK_T_FLUSH, 0, 0, 0), KAAL_OK);
    assert_int_equal(f->n_flushes, 1);
    for (int i = 0; i < 100; i++) /* many laps of the 16-entry queue */
        assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 0, 1, (uintptr_t)f->buf), KAAL_OK);
}

static void test_requests_past_the_end_never_reach_the_device(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 64, 1, (uintptr_t)f->buf), KAAL_ERANGE);
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 63, 2, (uintptr_t)f->buf), KAAL_ERANGE);
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, UINT64_MAX, 2, 0), KAAL_ERANGE);
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 0, 0, 0), KAAL_ERANGE);
    assert_int_equal(vblk_request(&f->blk, 7, 0, 1, 0), KAAL_EINVAL);
    assert_int_equal(f->blk.n_requests, 0);
}

static void test_each_request_reports_its_own_status(void **state)
{
    struct fixture *f = *state;
    f->status = VBLK_S_IOERR;
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 1, 1, (uintptr_t)f->buf), KAAL_EIO);
    f->status = VBLK_S_UNSUPP;
    assert_int_equal(vblk_request(&f->blk, VBLK_T_FLUSH, 0, 0, 0), KAAL_ENOSYS);
    f->status = VBLK_S_OK;
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 1, 1, (uintptr_t)f->buf), KAAL_OK);
    assert_int_equal(f->blk.n_errors, 2);
}

static void test_a_device_that_never_answers_is_an_error_not_a_hang(void **state)
{
    struct fixture *f = *state;
    f->silent = true;
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 1, 1, (uintptr_t)f->buf), KAAL_EIO);
    f->silent = false;
    assert_int_equal(vblk_request(&f->blk, VBLK_T_IN, 1, 1, (uintptr_t)f->buf), KAAL_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_bring_up_reads_the_capacity_and_takes_flush),
        T(test_a_read_brings_the_sectors_into_the_buffer),
        T(test_a_write_then_flush_reaches_the_disk),
        T(test_requests_past_the_end_never_reach_the_device),
        T(test_each_request_reports_its_own_status),
        T(test_a_device_that_never_answers_is_an_error_not_a_hang),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
