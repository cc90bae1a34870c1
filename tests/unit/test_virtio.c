// SPDX-License-Identifier: BSD-2-Clause
/* The virtio 1.x PCI transport and split virtqueues (runtime/virtio/)
 * against the device model (tests/unit/virtio/model.c) on the same
 * memory: the capability walk (and a table of broken capability lists),
 * bring-up and feature negotiation, device status errors, queues set up,
 * frames in and out through chained descriptors, and a device that lies:
 * used ids out of range or not in flight, lengths larger than the buffer,
 * a used index that jumps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/virtio.h>

#include "virtio/model.h"

#define F_MAC (1ull << 5)
#define F_STATUS (1ull << 16)
#define QSIZE 8

struct fixture {
    model_t m;
    kaal_virtio_t dev;
    kaal_virtq_t q;
    _Alignas(64) uint8_t ring_mem[4096];
    uint8_t hdr[QSIZE][12];
    uint8_t buf[QSIZE][2048];
};

static kaal_virtio_pci_caps_t caps_of(const model_t *m)
{
    kaal_virtio_pci_caps_t caps;
    kaal_virtio_caps_ret_t r = kaal_virtio_pci_find_caps(m->config, &caps);
    assert_int_equal(r.err, KAAL_OK);
    return caps;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    model_init(&f->m, KAAL_VIRTIO_F_VERSION_1 | F_MAC | F_STATUS, 2, 256);
    kaal_virtio_pci_caps_t caps = caps_of(&f->m);
    assert_int_equal(kaal_virtio_init_io(&f->dev, &f->m.io, &caps), KAAL_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* Full bring-up with queue 0 of QSIZE descriptors. */
static void bring_up(struct fixture *f)
{
    assert_int_equal(kaal_virtio_reset(&f->dev), KAAL_OK);
    kaal_virtio_add_status(&f->dev, KAAL_VIRTIO_STATUS_ACKNOWLEDGE | KAAL_VIRTIO_STATUS_DRIVER);
    assert_int_equal(kaal_virtio_negotiate(&f->dev, F_MAC, 0), KAAL_OK);
    assert_int_equal(kaal_virtq_init(&f->q, 0, QSIZE, f->ring_mem, (uintptr_t)f->ring_mem),
                     KAAL_OK);
    assert_int_equal(kaal_virtq_setup(&f->dev, &f->q), KAAL_OK);
    assert_int_equal(kaal_virtio_driver_ok(&f->dev), KAAL_OK);
}

/* An rx-style chain: header then buffer, both device-written. */
static kaal_error_t post_rx(struct fixture *f, unsigned i)
{
    kaal_virtq_buf_t b[2] = {{(uintptr_t)f->hdr[i], sizeof(f->hdr[i]), true},
                             {(uintptr_t)f->buf[i], sizeof(f->buf[i]), true}};
    return kaal_virtq_add(&f->q, b, 2, 100 + i);
}

/* ---- capabilities -------------------------------------------------------- */

static void test_qemu_capability_layout_gives_the_four_windows(void **state)
{
    struct fixture *f = *state;
    kaal_virtio_pci_caps_t c = caps_of(&f->m);
    assert_true(c.common.present && c.notify.present && c.isr.present && c.device.present);
    assert_int_equal(c.common.bar, 4);
    assert_int_equal(c.isr.offset, 0x1000);
    assert_int_equal(c.device.offset, 0x2000);
    assert_int_equal(c.notify.offset, 0x3000);
    assert_int_equal(c.notify_off_multiplier, 4);
}

typedef struct {
    const char *what;
    void (*mutate)(uint8_t *c);
    kaal_error_t err;
} bad_caps_t;

static void no_cap_list(uint8_t *c)
{
    c[0x06] = 0;
}
static void only_msix(uint8_t *c)
{
    c[0x99] = 0;
}
static void loops(uint8_t *c)
{
    c[0x41] = 0x98;
}
static void into_header(uint8_t *c)
{
    c[0x34] = 0x10;
}
static void at_the_end(uint8_t *c)
{
    c[0x41] = 0xfc, c[0xfc] = 0x09;
}
static void short_len(uint8_t *c)
{
    c[0x52] = 8;
}
static void len_past_end(uint8_t *c)
{
    c[0x34] = 0xf0, c[0xf0] = 0x09, c[0xf2] = 32;
}
static void short_notify(uint8_t *c)
{
    c[0x72] = 16;
}
static void bad_bar_common(uint8_t *c)
{
    c[0x44] = 7;
}
static void no_isr(uint8_t *c)
{
    c[0x53] = 0x20;
}

static void test_broken_capability_lists_are_refused_with_a_reason(void **state)
{
    struct fixture *f = *state;
    static const bad_caps_t table[] = {
        {"no capability list", no_cap_list, KAAL_ENOENT},
        {"legacy device: MSI-X only", only_msix, KAAL_ENOENT},
        {"list loops", loops, KAAL_EFORMAT},
        {"pointer into the header", into_header, KAAL_EFORMAT},
        {"virtio cap in the last 4 bytes", at_the_end, KAAL_EFORMAT},
        {"cap_len below 16", short_len, KAAL_EFORMAT},
        {"cap_len past config space", len_past_end, KAAL_EFORMAT},
        {"notify cap without multiplier", short_notify, KAAL_EFORMAT},
        {"common cfg in BAR 7 (skipped)", bad_bar_common, KAAL_EFORMAT},
        {"no ISR window", no_isr, KAAL_EFORMAT},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        uint8_t c[256];
        memcpy(c, f->m.config, sizeof(c));
        table[i].mutate(c);
        kaal_virtio_pci_caps_t caps;
        kaal_virtio_caps_ret_t r = kaal_virtio_pci_find_caps(c, &caps);
        if (r.err != table[i].err)
            fail_msg("%s: got %d, want %d", table[i].what, r.err, table[i].err);
        assert_non_null(r.why);
    }
}

static void test_windows_outside_their_bar_or_in_an_unmapped_bar_are_refused(void **state)
{
    struct fixture *f = *state;
    kaal_virtio_pci_caps_t caps = caps_of(&f->m);
    static uint8_t bar4[0x4000];
    volatile void *vaddr[6] = {[4] = bar4};
    uint64_t size[6] = {[4] = sizeof(bar4)};
    kaal_virtio_mmio_t mmio;
    kaal_virtio_t dev;
    assert_int_equal(kaal_virtio_init_mmio(&dev, &mmio, &caps, vaddr, size), KAAL_OK);
    assert_ptr_equal(mmio.base[KAAL_VIRTIO_REGION_NOTIFY], bar4 + 0x3000);
    size[4] = 0x3800;
    assert_int_equal(kaal_virtio_init_mmio(&dev, &mmio, &caps, vaddr, size), KAAL_ERANGE);
    vaddr[4] = NULL;
    assert_int_equal(kaal_virtio_init_mmio(&dev, &mmio, &caps, vaddr, size), KAAL_ENOENT);
    assert_non_null(dev.why);
}

/* ---- status and features -------------------------------------------------- */

static void test_bring_up_negotiates_the_wanted_subset_and_reaches_driver_ok(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    assert_int_equal(f->dev.features, KAAL_VIRTIO_F_VERSION_1 | F_MAC);
    assert_int_equal(f->m.driver_features, KAAL_VIRTIO_F_VERSION_1 | F_MAC);
    assert_int_equal(f->m.status, KAAL_VIRTIO_STATUS_ACKNOWLEDGE | KAAL_VIRTIO_STATUS_DRIVER |
                                      KAAL_VIRTIO_STATUS_FEATURES_OK |
                                      KAAL_VIRTIO_STATUS_DRIVER_OK);
    assert_true(f->m.q[0].enabled);
    assert_int_equal(f->m.q[0].size, QSIZE);
    assert_int_equal(f->m.q[0].desc, (uintptr_t)f->ring_mem);
    assert_int_equal(f->m.q[0].used, f->q.used_paddr);
}

static void test_a_device_without_version_1_is_refused_and_marked_failed(void **state)
{
    struct fixture *f = *state;
    f->m.features = F_MAC;
    assert_int_equal(kaal_virtio_reset(&f->dev), KAAL_OK);
    assert_int_equal(kaal_virtio_negotiate(&f->dev, F_MAC, 0), KAAL_ENOSYS);
    assert_string_equal(f->dev.why, "the device does not offer VIRTIO_F_VERSION_1 (legacy only)");
    assert_true(f->m.status & KAAL_VIRTIO_STATUS_FAILED);
}

static void test_a_missing_required_feature_is_refused(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(kaal_virtio_negotiate(&f->dev, 0, 1ull << 15), KAAL_ENOSYS);
    assert_true(f->m.status & KAAL_VIRTIO_STATUS_FAILED);
}

static void test_features_ok_cleared_by_the_device_is_an_error(void **state)
{
    struct fixture *f = *state;
    f->m.refuse_features = true;
    assert_int_equal(kaal_virtio_negotiate(&f->dev, F_MAC, 0), KAAL_EIO);
    assert_string_equal(f->dev.why, "the device did not accept the features (FEATURES_OK cleared)");
}

static void test_a_device_stuck_in_reset_is_an_error_not_a_hang(void **state)
{
    struct fixture *f = *state;
    f->m.stuck_in_reset = true;
    assert_int_equal(kaal_virtio_reset(&f->dev), KAAL_EIO);
}

static void test_device_needs_reset_is_reported(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    assert_int_equal(kaal_virtio_check(&f->dev), KAAL_OK);
    f->m.status |= KAAL_VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    assert_int_equal(kaal_virtio_check(&f->dev), KAAL_EIO);
    assert_string_equal(f->dev.why, "the device needs a reset (DEVICE_NEEDS_RESET)");
}

static void test_device_config_is_read_bounded_and_isr_clears_on_read(void **state)
{
    struct fixture *f = *state;
    memcpy(f->m.device_cfg, "\x52\x54\x00\x12\x34\x56\x01\x00", 8);
    uint8_t mac[6];
    kaal_virtio_config_bytes(&f->dev, 0, mac, 6);
    assert_memory_equal(mac, "\x52\x54\x00\x12\x34\x56", 6);
    assert_int_equal(kaal_virtio_config_read(&f->dev, 6, 2), 1);
    assert_int_equal(kaal_virtio_config_read(&f->dev, 0x1000, 4), 0); /* past the window */
    f->m.isr = KAAL_VIRTIO_ISR_CONFIG;
    assert_int_equal(kaal_virtio_isr(&f->dev), KAAL_VIRTIO_ISR_CONFIG);
    assert_int_equal(kaal_virtio_isr(&f->dev), 0);
}

/* ---- queues ------------------------------------------------------------- */

static void test_queue_setup_refuses_missing_queues_and_oversized_rings(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(kaal_virtq_init(&f->q, 2, QSIZE, f->ring_mem, (uintptr_t)f->ring_mem),
                     KAAL_OK);
    assert_int_equal(kaal_virtq_setup(&f->dev, &f->q), KAAL_ENOENT);
    f->m.q[0].max_size = 4;
    f->m.q[0].size = 4;
    assert_int_equal(kaal_virtq_init(&f->q, 0, QSIZE, f->ring_mem, (uintptr_t)f->ring_mem),
                     KAAL_OK);
    assert_int_equal(kaal_virtq_setup(&f->dev, &f->q), KAAL_ERANGE);
    assert_int_equal(kaal_virtq_init(&f->q, 0, 6, f->ring_mem, 0), KAAL_EINVAL);
    assert_int_equal(kaal_virtq_init(&f->q, 0, 512, f->ring_mem, 0), KAAL_EINVAL);
    assert_true(kaal_virtq_bytes(256) <= 8192);
}

static void test_frames_received_come_back_with_their_token_and_length(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    for (unsigned i = 0; i < QSIZE / 2; i++)
        assert_int_equal(post_rx(f, i), KAAL_OK);
    assert_true(kaal_virtq_publish(&f->q));
    kaal_virtq_notify(&f->dev, &f->q);
    assert_int_equal(f->m.q[0].n_notified, 1);
    assert_int_equal(kaal_virtq_get_used(&f->q).err, KAAL_EAGAIN);
    uint8_t frame[12 + 60];
    memset(frame, 0, 12);
    memset(frame + 12, 0xab, 60);
    assert_int_equal(model_fill(&f->m, 0, frame, sizeof(frame)), sizeof(frame));
    kaal_virtq_used_ret_t r = kaal_virtq_get_used(&f->q);
    assert_int_equal(r.err, KAAL_OK);
    assert_int_equal(r.token, 100);
    assert_int_equal(r.len, sizeof(frame));
    assert_int_equal(f->buf[0][59], 0xab);
    assert_int_equal(kaal_virtq_free_count(&f->q), QSIZE - 6);
}

static void test_frames_sent_reach_the_device_in_order(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    for (unsigned i = 0; i < 3; i++) {
        memset(f->buf[i], 'a' + (int)i, 64);
        kaal_virtq_buf_t b[2] = {{(uintptr_t)f->hdr[i], 12, false},
                                 {(uintptr_t)f->buf[i], 64, false}};
        assert_int_equal(kaal_virtq_add(&f->q, b, 2, i), KAAL_OK);
    }
    kaal_virtq_publish(&f->q);
    for (unsigned i = 0; i < 3; i++) {
        uint8_t out[128];
        assert_int_equal(model_drain(&f->m, 0, out, sizeof(out)), 76);
        assert_int_equal(out[12], 'a' + (int)i);
    }
    assert_int_equal(model_drain(&f->m, 0, NULL, 0), -1);
    for (unsigned i = 0; i < 3; i++) {
        kaal_virtq_used_ret_t r = kaal_virtq_get_used(&f->q);
        assert_int_equal(r.err, KAAL_OK);
        assert_int_equal(r.token, i);
    }
    assert_int_equal(kaal_virtq_free_count(&f->q), QSIZE);
}

static void test_a_full_ring_says_eagain_and_used_entries_free_it(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    for (unsigned i = 0; i < QSIZE / 2; i++)
        assert_int_equal(post_rx(f, i), KAAL_OK);
    assert_int_equal(post_rx(f, 5), KAAL_EAGAIN);
    kaal_virtq_publish(&f->q);
    for (unsigned round = 0; round < 3 * QSIZE; round++) { /* many laps of the ring */
        assert_int_equal(model_fill(&f->m, 0, "x", 1), 1);
        kaal_virtq_used_ret_t r = kaal_virtq_get_used(&f->q);
        assert_int_equal(r.err, KAAL_OK);
        assert_int_equal(post_rx(f, (unsigned)(r.token - 100)), KAAL_OK);
        kaal_virtq_publish(&f->q);
    }
    assert_int_equal(kaal_virtq_free_count(&f->q), 0);
}

static void test_a_readable_buffer_after_a_writable_one_is_refused(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    kaal_virtq_buf_t b[2] = {{1, 1, true}, {2, 1, false}};
    assert_int_equal(kaal_virtq_add(&f->q, b, 2, 0), KAAL_EINVAL);
    assert_int_equal(kaal_virtq_add(&f->q, b, 0, 0), KAAL_EINVAL);
}

static void test_the_device_can_ask_for_no_notifications(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    assert_int_equal(post_rx(f, 0), KAAL_OK);
    f->q.used->flags = KAAL_VIRTQ_USED_F_NO_NOTIFY;
    assert_false(kaal_virtq_publish(&f->q));
}

/* ---- a hostile device ----------------------------------------------------- */

static void test_used_ids_out_of_range_or_not_in_flight_are_dropped(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    assert_int_equal(post_rx(f, 0), KAAL_OK);
    kaal_virtq_publish(&f->q);
    model_post_used(&f->m, 0, QSIZE, 10);      /* out of range */
    model_post_used(&f->m, 0, 0xffffffffu, 0); /* far out */
    model_post_used(&f->m, 0, 1, 10);          /* second descriptor of the chain, not a head */
    model_post_used(&f->m, 0, 5, 10);          /* never posted */
    for (int i = 0; i < 4; i++)
        assert_int_equal(kaal_virtq_get_used(&f->q).err, KAAL_EFORMAT);
    assert_int_equal(f->q.n_bad_id, 4);
    assert_int_equal(kaal_virtq_free_count(&f->q), QSIZE - 2);
    /* The real completion still works, and a repeat of it is dropped. */
    model_post_used(&f->m, 0, 0, 42);
    model_post_used(&f->m, 0, 0, 42);
    kaal_virtq_used_ret_t r = kaal_virtq_get_used(&f->q);
    assert_int_equal(r.err, KAAL_OK);
    assert_int_equal(r.token, 100);
    assert_int_equal(kaal_virtq_get_used(&f->q).err, KAAL_EFORMAT);
    assert_int_equal(kaal_virtq_free_count(&f->q), QSIZE);
}

static void test_a_length_larger_than_the_buffer_gives_the_buffer_back_empty(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    assert_int_equal(post_rx(f, 0), KAAL_OK);
    kaal_virtq_publish(&f->q);
    model_post_used(&f->m, 0, 0, 12 + 2048 + 1);
    kaal_virtq_used_ret_t r = kaal_virtq_get_used(&f->q);
    assert_int_equal(r.err, KAAL_EINVAL);
    assert_int_equal(r.token, 100);
    assert_int_equal(r.len, 0);
    assert_int_equal(f->q.n_bad_len, 1);
    assert_int_equal(kaal_virtq_free_count(&f->q), QSIZE);
}

static void test_a_used_index_jump_breaks_the_queue_for_good(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    assert_int_equal(post_rx(f, 0), KAAL_OK);
    kaal_virtq_publish(&f->q);
    model_set_used_idx(&f->m, 0, QSIZE + 1);
    assert_int_equal(kaal_virtq_get_used(&f->q).err, KAAL_EIO);
    model_set_used_idx(&f->m, 0, 0);
    assert_int_equal(kaal_virtq_get_used(&f->q).err, KAAL_EIO);
    assert_true(f->q.broken);
}

static void test_a_device_rewriting_descriptors_cannot_corrupt_the_free_list(void **state)
{
    struct fixture *f = *state;
    bring_up(f);
    for (unsigned i = 0; i < QSIZE / 2; i++)
        assert_int_equal(post_rx(f, i), KAAL_OK);
    kaal_virtq_publish(&f->q);
    for (unsigned i = 0; i < QSIZE; i++)
        f->q.desc[i].next = 0; /* the device scribbles on the table */
    for (unsigned i = 0; i < QSIZE / 2; i++)
        model_post_used(&f->m, 0, 2 * i, 1);
    for (unsigned i = 0; i < QSIZE / 2; i++)
        assert_int_equal(kaal_virtq_get_used(&f->q).err, KAAL_OK);
    assert_int_equal(kaal_virtq_free_count(&f->q), QSIZE);
    /* Every descriptor is handed out exactly once again. */
    unsigned seen = 0;
    for (unsigned i = 0; i < QSIZE / 2; i++) {
        assert_int_equal(post_rx(f, i), KAAL_OK);
        uint16_t head = f->q.avail->ring[(f->q.avail_idx - 1) & (QSIZE - 1)];
        seen |= 1u << head | 1u << f->q.next_free[head];
    }
    assert_int_equal(seen, (1u << QSIZE) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_qemu_capability_layout_gives_the_four_windows),
        T(test_broken_capability_lists_are_refused_with_a_reason),
        T(test_windows_outside_their_bar_or_in_an_unmapped_bar_are_refused),
        T(test_bring_up_negotiates_the_wanted_subset_and_reaches_driver_ok),
        T(test_a_device_without_version_1_is_refused_and_marked_failed),
        T(test_a_missing_required_feature_is_refused),
        T(test_features_ok_cleared_by_the_device_is_an_error),
        T(test_a_device_stuck_in_reset_is_an_error_not_a_hang),
        T(test_device_needs_reset_is_reported),
        T(test_device_config_is_read_bounded_and_isr_clears_on_read),
        T(test_queue_setup_refuses_missing_queues_and_oversized_rings),
        T(test_frames_received_come_back_with_their_token_and_length),
        T(test_frames_sent_reach_the_device_in_order),
        T(test_a_full_ring_says_eagain_and_used_entries_free_it),
        T(test_a_readable_buffer_after_a_writable_one_is_refused),
        T(test_the_device_can_ask_for_no_notifications),
        T(test_used_ids_out_of_range_or_not_in_flight_are_dropped),
        T(test_a_length_larger_than_the_buffer_gives_the_buffer_back_empty),
        T(test_a_used_index_jump_breaks_the_queue_for_good),
        T(test_a_device_rewriting_descriptors_cannot_corrupt_the_free_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
