// SPDX-License-Identifier: BSD-2-Clause
/*
 * The net server's glue between lwIP and a NIC driver's rings
 * (services/net/ethif.c), with the real rings (runtime/ring) and the host
 * build of lwIP: a received buffer goes to lwIP without a copy and back
 * on the free queue exactly when lwIP frees it; hostile descriptors
 * (short, misaligned, one the stack already holds) are refused without a
 * double release; a frame to send is copied whole into one tx buffer; an
 * ARP request for our address comes back as a reply on the tx ring.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../services/net/ethif.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/prot/ethernet.h"
#include "netif/ethernet.h"

#define DEPTH 8
#define DATA_BYTES (DEPTH * KAAL_NETDEV_BUFFER_BYTES)

static _Alignas(64) uint8_t rx_queues[16384], tx_queues[16384];
static _Alignas(64) uint8_t rx_data[DATA_BYTES], tx_data[DATA_BYTES];
static net_ethif_t eth;
static kaal_ring_sender_t drv_rx;   /* the driver's side of rx */
static kaal_ring_receiver_t drv_tx; /* the driver's side of tx */
static struct pbuf *held;           /* what the input hook kept */
static int n_input, n_link, n_wait, n_sig_rx, n_sig_tx;

static void sig_rx(void *c)
{
    (void)c;
    n_sig_rx++;
}
static void sig_tx(void *c)
{
    (void)c;
    n_sig_tx++;
}
static bool wait_tx(void *c)
{
    (void)c;
    n_wait++;
    return false;
}
static void link_changed(void *c)
{
    (void)c;
    n_link++;
}
static const net_ethif_ops_t ops = {sig_rx, sig_tx, wait_tx, link_changed};

/* Input hook for the glue tests: keeps the pbuf (lwIP has not freed it). */
static err_t keep_input(struct pbuf *p, struct netif *n)
{
    (void)n;
    n_input++;
    held = p;
    return ERR_OK;
}

static int setup(void **state)
{
    (void)state;
    assert_int_equal(kaal_ring_channel_init(rx_queues, sizeof(rx_queues), DEPTH, DEPTH,
                                            KAAL_NETDEV_BUFFER_BYTES),
                     KAAL_OK);
    assert_int_equal(kaal_ring_channel_init(tx_queues, sizeof(tx_queues), DEPTH, DEPTH,
                                            KAAL_NETDEV_BUFFER_BYTES),
                     KAAL_OK);
    assert_int_equal(net_ethif_attach(&eth, rx_queues, rx_data, DATA_BYTES, tx_queues, tx_data,
                                      DATA_BYTES, &ops, NULL),
                     KAAL_OK);
    assert_int_equal(kaal_ring_sender_attach(&drv_rx, rx_queues, rx_data, DATA_BYTES), KAAL_OK);
    assert_int_equal(kaal_ring_receiver_attach(&drv_tx, tx_queues, tx_data, DATA_BYTES), KAAL_OK);
    static const uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    memcpy(eth.mac, mac, 6);
    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 10, 0, 2, 15);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 10, 0, 2, 2);
    assert_non_null(netif_add(&eth.netif, &a, &m, &g, &eth, net_ethif_netif_init, keep_input));
    netif_set_up(&eth.netif);
    netif_set_link_up(&eth.netif);
    /* lwIP announced itself (a gratuitous ARP): the driver sends it */
    kaal_ring_desc_t d;
    while (kaal_ring_receiver_recv(&drv_tx, &d))
        kaal_ring_receiver_release(&drv_tx, &d);
    held = NULL;
    n_input = n_link = n_wait = n_sig_rx = n_sig_tx = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (held)
        pbuf_free(held);
    netif_remove(&eth.netif);
    return 0;
}

/* The driver sends a frame of len bytes in its next free buffer. */
static kaal_ring_desc_t drv_send(const void *frame, uint32_t len, uint16_t flags)
{
    kaal_ring_desc_t d;
    uint8_t *buf = kaal_ring_sender_get_buffer(&drv_rx, &d);
    assert_non_null(buf);
    memcpy(buf, frame, len);
    d.length_bytes = len;
    d.flags = flags;
    assert_int_equal(kaal_ring_sender_send(&drv_rx, &d), KAAL_OK);
    return d;
}

static uint32_t free_buffers(void)
{
    return kaal_ring_consumer_available(&drv_rx.free);
}

static void test_a_frame_reaches_lwip_in_place_and_its_buffer_returns_when_freed(void **state)
{
    (void)state;
    uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    kaal_ring_desc_t d = drv_send(frame, sizeof(frame), 0);
    uint32_t free_before = free_buffers();
    assert_int_equal(net_ethif_poll_rx(&eth, 64), 1);
    assert_int_equal(n_input, 1);
    assert_ptr_equal(held->payload, rx_data + d.offset); /* no copy */
    assert_int_equal(held->tot_len, sizeof(frame));
    assert_int_equal(eth.rx_in_stack, 1);
    assert_int_equal(free_buffers(), free_before); /* still lent */
    /* the driver takes every free buffer and waits for more */
    kaal_ring_desc_t spare;
    while (kaal_ring_sender_get_buffer(&drv_rx, &spare))
        ;
    assert_true(kaal_ring_consumer_arm(&drv_rx.free));
    free_before = 0;
    pbuf_free(held);
    held = NULL;
    assert_int_equal(free_buffers(), free_before + 1);
    assert_int_equal(eth.rx_in_stack, 0);
    net_ethif_kick(&eth);
    assert_int_equal(n_sig_rx, 1);
    net_ethif_kick(&eth); /* nothing new: no second signal */
    assert_int_equal(n_sig_rx, 1);
}

static void test_hostile_descriptors_are_refused_without_a_double_release(void **state)
{
    (void)state;
    uint8_t frame[60] = {0};
    kaal_ring_desc_t d = drv_send(frame, sizeof(frame), 0);
    assert_int_equal(net_ethif_poll_rx(&eth, 64), 1);
    assert_non_null(held);
    /* the same buffer again while lwIP holds it */
    assert_int_equal(kaal_ring_sender_send(&drv_rx, &d), KAAL_OK);
    /* a buffer not on a buffer boundary, and a runt frame */
    kaal_ring_desc_t odd = {.offset = KAAL_NETDEV_BUFFER_BYTES + 2, .length_bytes = 60};
    assert_int_equal(kaal_ring_sender_send(&drv_rx, &odd), KAAL_OK);
    drv_send(frame, 10, 0);
    uint32_t free_before = free_buffers();
    assert_int_equal(net_ethif_poll_rx(&eth, 64), 3);
    assert_int_equal(n_input, 1);
    assert_int_equal(eth.rx_bad, 3);
    assert_int_equal(free_buffers(), free_before + 1); /* only the runt went back */
    pbuf_free(held);
    held = NULL;
    assert_int_equal(free_buffers(), free_before + 2);
}

static void test_a_link_message_is_released_and_reported(void **state)
{
    (void)state;
    uint32_t free_before = free_buffers();
    drv_send("", 0, KAAL_NETDEV_RX_LINK);
    assert_int_equal(net_ethif_poll_rx(&eth, 64), 1);
    assert_int_equal(n_link, 1);
    assert_int_equal(n_input, 0);
    assert_int_equal(free_buffers(), free_before);
}

static void test_a_pbuf_chain_is_sent_as_one_frame_in_one_buffer(void **state)
{
    (void)state;
    struct pbuf *a = pbuf_alloc(PBUF_RAW, 14, PBUF_RAM);
    struct pbuf *b = pbuf_alloc(PBUF_RAW, 700, PBUF_RAM);
    struct pbuf *c = pbuf_alloc(PBUF_RAW, 800, PBUF_RAM);
    memset(a->payload, 1, 14);
    memset(b->payload, 2, 700);
    memset(c->payload, 3, 800);
    pbuf_cat(a, b);
    pbuf_cat(a, c);
    kaal_ring_consumer_arm(&drv_tx.active);
    assert_int_equal(eth.netif.linkoutput(&eth.netif, a), ERR_OK);
    pbuf_free(a);
    net_ethif_kick(&eth);
    assert_int_equal(n_sig_tx, 1);
    kaal_ring_desc_t d;
    uint8_t *f = kaal_ring_receiver_recv(&drv_tx, &d);
    assert_non_null(f);
    assert_int_equal(d.length_bytes, 1514);
    assert_int_equal(f[0], 1);
    assert_int_equal(f[14], 2);
    assert_int_equal(f[714], 3);
    assert_int_equal(f[1513], 3);
    kaal_ring_receiver_release(&drv_tx, &d);
}

static void test_frames_too_big_or_without_a_free_buffer_are_dropped(void **state)
{
    (void)state;
    struct pbuf *big = pbuf_alloc(PBUF_RAW, KAAL_NETDEV_BUFFER_BYTES + 1, PBUF_RAM);
    assert_int_equal(eth.netif.linkoutput(&eth.netif, big), ERR_BUF);
    pbuf_free(big);
    struct pbuf *p = pbuf_alloc(PBUF_RAW, 60, PBUF_RAM);
    memset(p->payload, 0, 60);
    for (int i = 0; i < DEPTH; i++)
        assert_int_equal(eth.netif.linkoutput(&eth.netif, p), ERR_OK);
    assert_int_equal(eth.netif.linkoutput(&eth.netif, p), ERR_MEM); /* all with the driver */
    assert_int_equal(n_wait, 1);
    assert_int_equal(eth.tx_dropped, 2);
    pbuf_free(p);
    kaal_ring_desc_t d;
    while (kaal_ring_receiver_recv(&drv_tx, &d))
        kaal_ring_receiver_release(&drv_tx, &d);
}

static void test_an_arp_request_for_our_address_is_answered_on_the_tx_ring(void **state)
{
    (void)state;
    eth.netif.input = ethernet_input; /* the real stack this time */
    static const uint8_t req[42] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x08, 0x06,
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02,
        10,   0,    2,    2,    0,    0,    0,    0,    0,    0,    10,   0,    2,    15};
    uint32_t free_before = free_buffers();
    drv_send(req, sizeof(req), 0);
    assert_int_equal(net_ethif_poll_rx(&eth, 64), 1);
    assert_int_equal(free_buffers(), free_before); /* lwIP freed the request's buffer */
    assert_int_equal(eth.rx_in_stack, 0);
    kaal_ring_desc_t d;
    uint8_t *f = kaal_ring_receiver_recv(&drv_tx, &d);
    assert_non_null(f);
    assert_memory_equal(f, req + 6, 6);      /* to the asker */
    assert_memory_equal(f + 6, eth.mac, 6);  /* from us */
    assert_int_equal(f[21], 2);              /* ARP reply */
    assert_memory_equal(f + 22, eth.mac, 6); /* 10.0.2.15 is at our MAC */
    assert_memory_equal(f + 28, req + 38, 4);
    kaal_ring_receiver_release(&drv_tx, &d);
}

int main(void)
{
    lwip_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_a_frame_reaches_lwip_in_place_and_its_buffer_returns_when_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_hostile_descriptors_are_refused_without_a_double_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_link_message_is_released_and_reported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_pbuf_chain_is_sent_as_one_frame_in_one_buffer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_frames_too_big_or_without_a_free_buffer_are_dropped,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_an_arp_request_for_our_address_is_answered_on_the_tx_ring, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
