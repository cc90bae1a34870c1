// SPDX-License-Identifier: BSD-2-Clause
/* The virtio-net driver's device logic (drivers/virtio-net/vnet.c) against
 * the virtio device model (tests/unit/virtio/model.c) and real netdev rings
 * (runtime/ring), the test playing the net server: frames arrive as bare
 * frames (header in its own descriptor), frames sent reach the device
 * behind a zeroed header, buffers travel without a copy, the link message,
 * and what a hostile device or server does: short used lengths, index
 * jumps, free descriptors that name no buffer, tx lengths that are not a
 * frame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/netdev.h>

#include "virtio-net/vnet.h"
#include "virtio/model.h"

#define DEPTH 128
#define BUF KAAL_NETDEV_BUFFER_BYTES
#define DATA (DEPTH * BUF)

struct fixture {
    model_t m;
    kaal_virtio_t dev;
    vnet_t net;
    kaal_ring_receiver_t server_rx; /* the net server's ends */
    kaal_ring_sender_t server_tx;
    unsigned wakes[2];
    _Alignas(4096) uint8_t dma[65536];
    _Alignas(64) uint8_t rx_queues[8192];
    _Alignas(64) uint8_t tx_queues[8192];
    _Alignas(4096) uint8_t rx_data[DATA];
    _Alignas(4096) uint8_t tx_data[DATA];
};

static void wake(void *ctx, unsigned peer)
{
    struct fixture *f = ctx;
    f->wakes[peer]++;
}

static vnet_mem_t mem_of(struct fixture *f)
{
    return (vnet_mem_t){.dma = f->dma,
                        .dma_paddr = (uintptr_t)f->dma,
                        .dma_bytes = sizeof(f->dma),
                        .rx_queues = f->rx_queues,
                        .rx_data = f->rx_data,
                        .rx_data_bytes = DATA,
                        .rx_data_paddr = (uintptr_t)f->rx_data,
                        .tx_queues = f->tx_queues,
                        .tx_data = f->tx_data,
                        .tx_data_bytes = DATA,
                        .tx_data_paddr = (uintptr_t)f->tx_data,
                        .buffer_bytes = BUF};
}

static int setup(void **state)
{
    struct fixture *f = aligned_alloc(4096, (sizeof(struct fixture) + 4095) & ~4095ul);
    memset(f, 0, sizeof(*f));
    model_init(&f->m, KAAL_VIRTIO_F_VERSION_1 | VNET_F_MAC | VNET_F_STATUS | VNET_F_MRG_RXBUF, 2,
               256);
    memcpy(f->m.device_cfg, "\x52\x54\x00\x12\x34\x56\x01\x00", 8);
    assert_int_equal(kaal_ring_channel_init(f->rx_queues, sizeof(f->rx_queues), DEPTH, DEPTH, BUF),
                     KAAL_OK);
    assert_int_equal(kaal_ring_channel_init(f->tx_queues, sizeof(f->tx_queues), DEPTH, DEPTH, BUF),
                     KAAL_OK);
    assert_int_equal(kaal_ring_receiver_attach(&f->server_rx, f->rx_queues, f->rx_data, DATA),
                     KAAL_OK);
    assert_int_equal(kaal_ring_sender_attach(&f->server_tx, f->tx_queues, f->tx_data, DATA),
                     KAAL_OK);
    kaal_virtio_pci_caps_t caps;
    assert_int_equal(kaal_virtio_pci_find_caps(f->m.config, &caps).err, KAAL_OK);
    assert_int_equal(kaal_virtio_init_io(&f->dev, &f->m.io, &caps), KAAL_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void start(struct fixture *f)
{
    const char *why = "unset";
    vnet_mem_t mem = mem_of(f);
    assert_int_equal(vnet_start(&f->net, &f->dev, &mem, wake, f, &why), KAAL_OK);
    assert_null(why);
}

/* A frame with the 12-byte header in front, as the device writes it. */
static int deliver(struct fixture *f, uint8_t fill, uint32_t frame_bytes)
{
    static uint8_t wire[12 + BUF];
    memset(wire, 0, 12);
    memset(wire + 12, fill, frame_bytes);
    int n = model_fill(&f->m, VNET_RX_QUEUE, wire, 12 + frame_bytes);
    vnet_interrupt(&f->net);
    return n;
}

static void test_bring_up_negotiates_mac_and_status_but_not_mergeable_buffers(void **state)
{
    struct fixture *f = *state;
    start(f);
    assert_int_equal(f->m.driver_features, KAAL_VIRTIO_F_VERSION_1 | VNET_F_MAC | VNET_F_STATUS);
    assert_memory_equal(f->net.mac, "\x52\x54\x00\x12\x34\x56", 6);
    assert_true(f->net.link_up);
    assert_true(f->m.status & KAAL_VIRTIO_STATUS_DRIVER_OK);
    /* Every buffer but the spare is with the device, two descriptors each. */
    assert_int_equal(f->m.q[0].n_notified, 1);
    assert_int_equal(kaal_virtq_free_count(&f->net.rxq), 256 - 2 * (DEPTH - 1));
}

static void test_a_received_frame_reaches_the_server_bare_and_in_place(void **state)
{
    struct fixture *f = *state;
    start(f);
    assert_int_equal(deliver(f, 0xab, 60), 72);
    kaal_ring_desc_t d;
    uint8_t *frame = kaal_ring_receiver_recv(&f->server_rx, &d);
    assert_non_null(frame);
    assert_int_equal(d.length_bytes, 60);
    assert_int_equal(d.offset % BUF, 0);
    assert_int_equal(frame[0], 0xab); /* no header in front of the frame */
    assert_int_equal(frame[59], 0xab);
    assert_ptr_equal(frame, f->rx_data + d.offset); /* the device wrote it there */
    assert_int_equal(f->net.n_rx, 1);
    assert_null(kaal_ring_receiver_recv(&f->server_rx, &d));
}

static void test_a_sleeping_server_is_woken_once_for_a_burst(void **state)
{
    struct fixture *f = *state;
    start(f);
    assert_true(kaal_ring_consumer_arm(&f->server_rx.active));
    for (int i = 0; i < 5; i++)
        model_fill(&f->m, VNET_RX_QUEUE, "\0\0\0\0\0\0\0\0\0\0\0\0eeeeeeeeeeeeeeee", 28);
    vnet_interrupt(&f->net);
    assert_int_equal(f->wakes[VNET_PEER_RX], 1);
    assert_int_equal(kaal_ring_consumer_available(&f->server_rx.active), 5);
}

static void test_released_buffers_go_back_to_the_device(void **state)
{
    struct fixture *f = *state;
    start(f);
    for (int round = 0; round < 3 * DEPTH; round++) { /* every buffer, three times */
        assert_int_equal(deliver(f, (uint8_t)round, 100), 112);
        kaal_ring_desc_t d;
        assert_non_null(kaal_ring_receiver_recv(&f->server_rx, &d));
        assert_int_equal(kaal_ring_receiver_release(&f->server_rx, &d), KAAL_OK);
        vnet_poll(&f->net);
    }
    assert_int_equal(f->net.n_rx, 3 * DEPTH);
    assert_int_equal(kaal_virtq_free_count(&f->net.rxq), 256 - 2 * (DEPTH - 1));
}

static void test_a_frame_sent_reaches_the_device_behind_a_zero_header(void **state)
{
    struct fixture *f = *state;
    start(f);
    kaal_ring_desc_t d;
    uint8_t *buf = kaal_ring_sender_get_buffer(&f->server_tx, &d);
    memset(buf, 0x5a, 64);
    d.length_bytes = 64;
    d.cookie = 0xbeef;
    assert_int_equal(kaal_ring_sender_send(&f->server_tx, &d), KAAL_OK);
    vnet_poll(&f->net);
    assert_int_equal(f->m.q[1].n_notified, 1);
    uint8_t out[200];
    assert_int_equal(model_drain(&f->m, VNET_TX_QUEUE, out, sizeof(out)), 12 + 64);
    for (int i = 0; i < 12; i++)
        assert_int_equal(out[i], 0);
    assert_int_equal(out[12], 0x5a);
    vnet_interrupt(&f->net);
    /* The buffer came back with its cookie: the server's bookkeeping holds. */
    kaal_ring_desc_t back;
    assert_non_null(kaal_ring_sender_get_buffer(&f->server_tx, &back));
    while (back.cookie != 0xbeef && kaal_ring_sender_get_buffer(&f->server_tx, &back) != NULL)
        ;
    assert_int_equal(back.cookie, 0xbeef);
    assert_int_equal(back.offset, d.offset);
}

static void test_tx_lengths_that_are_not_a_frame_are_returned_unsent(void **state)
{
    struct fixture *f = *state;
    start(f);
    uint32_t bad[] = {0, 13, BUF + 1};
    for (unsigned i = 0; i < 3; i++) {
        kaal_ring_desc_t d;
        assert_non_null(kaal_ring_sender_get_buffer(&f->server_tx, &d));
        d.length_bytes = bad[i];
        kaal_ring_sender_send(&f->server_tx, &d);
    }
    vnet_poll(&f->net);
    assert_int_equal(f->net.n_tx_bad, 3);
    assert_int_equal(f->net.n_tx, 0);
    assert_int_equal(model_drain(&f->m, VNET_TX_QUEUE, NULL, 0), -1);
}

static void test_a_used_length_shorter_than_a_header_and_frame_is_not_delivered(void **state)
{
    struct fixture *f = *state;
    start(f);
    assert_int_equal(deliver(f, 1, 2), 14); /* header + 2 bytes */
    kaal_ring_desc_t d;
    assert_null(kaal_ring_receiver_recv(&f->server_rx, &d));
    assert_int_equal(f->net.n_rx_bad, 1);
    /* The buffer went back to the device: the next frame still arrives. */
    assert_int_equal(kaal_virtq_free_count(&f->net.rxq), 256 - 2 * (DEPTH - 1));
    assert_int_equal(deliver(f, 2, 60), 72);
    assert_non_null(kaal_ring_receiver_recv(&f->server_rx, &d));
}

static void test_a_used_index_jump_stops_the_data_path_without_crashing(void **state)
{
    struct fixture *f = *state;
    start(f);
    model_set_used_idx(&f->m, VNET_RX_QUEUE, 1000);
    vnet_interrupt(&f->net);
    assert_true(f->net.broken);
    kaal_ring_desc_t d;
    assert_null(kaal_ring_receiver_recv(&f->server_rx, &d));
    vnet_interrupt(&f->net); /* and stays stopped */
    assert_true(f->net.broken);
}

static void test_device_needs_reset_stops_the_data_path(void **state)
{
    struct fixture *f = *state;
    start(f);
    f->m.status |= KAAL_VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    vnet_interrupt(&f->net);
    assert_true(f->net.broken);
}

static void test_a_link_change_sends_one_link_buffer_even_with_every_buffer_posted(void **state)
{
    struct fixture *f = *state;
    start(f);
    f->m.device_cfg[VNET_CFG_STATUS] = 0;
    f->m.isr |= KAAL_VIRTIO_ISR_CONFIG;
    vnet_interrupt(&f->net);
    assert_false(f->net.link_up);
    kaal_ring_desc_t d;
    assert_non_null(kaal_ring_receiver_recv(&f->server_rx, &d));
    assert_int_equal(d.flags, KAAL_NETDEV_RX_LINK);
    assert_int_equal(d.length_bytes, 0);
    assert_null(kaal_ring_receiver_recv(&f->server_rx, &d));
    vnet_interrupt(&f->net); /* no change: no second message */
    assert_null(kaal_ring_receiver_recv(&f->server_rx, &d));
}

static void test_free_descriptors_naming_no_buffer_are_dropped(void **state)
{
    struct fixture *f = *state;
    start(f);
    /* The server releases garbage: unaligned, past the region. */
    kaal_ring_desc_t bad[2] = {{.offset = 100, .length_bytes = BUF},
                               {.offset = DATA - BUF / 2, .length_bytes = BUF / 2}};
    for (int i = 0; i < 2; i++)
        kaal_ring_receiver_release(&f->server_rx, &bad[i]);
    vnet_poll(&f->net);
    assert_int_equal(f->net.n_free_bad, 2);
    assert_int_equal(kaal_virtq_free_count(&f->net.rxq), 256 - 2 * (DEPTH - 1));
}

static void test_a_device_without_version_1_is_refused_with_a_reason(void **state)
{
    struct fixture *f = *state;
    f->m.features = VNET_F_MAC;
    const char *why = NULL;
    vnet_mem_t mem = mem_of(f);
    assert_int_equal(vnet_start(&f->net, &f->dev, &mem, wake, f, &why), KAAL_ENOSYS);
    assert_string_equal(why, "the device does not offer VIRTIO_F_VERSION_1 (legacy only)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_bring_up_negotiates_mac_and_status_but_not_mergeable_buffers),
        T(test_a_received_frame_reaches_the_server_bare_and_in_place),
        T(test_a_sleeping_server_is_woken_once_for_a_burst),
        T(test_released_buffers_go_back_to_the_device),
        T(test_a_frame_sent_reaches_the_device_behind_a_zero_header),
        T(test_tx_lengths_that_are_not_a_frame_are_returned_unsent),
        T(test_a_used_length_shorter_than_a_header_and_frame_is_not_delivered),
        T(test_a_used_index_jump_stops_the_data_path_without_crashing),
        T(test_device_needs_reset_stops_the_data_path),
        T(test_a_link_change_sends_one_link_buffer_even_with_every_buffer_posted),
        T(test_free_descriptors_naming_no_buffer_are_dropped),
        T(test_a_device_without_version_1_is_refused_with_a_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
