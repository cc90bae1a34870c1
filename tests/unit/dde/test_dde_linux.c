// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux's pieces on the host (drivers/dde-linux), driven as a Linux
 * driver drives them: timers and delayed work against a clock the test
 * moves, the work queue's order and requeue rule, sk_buff arithmetic and
 * the Ethernet helpers, DMA mapping with made-up physical addresses
 * (region, window, refusal of heap memory and of addresses beyond the
 * mask, the frag pool and its double-free report), NAPI budgets, and the
 * ring bridge against real <kaal/ring.h> rings with the test as the net
 * server and as a driver's ndo_start_xmit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dde/net.h>
#include <dde/netring.h>

#include "platform_fake.h"

#define MS 1000000ull

/* ---- timers and work ---- */

static int order[16], n_order;

static void timer_a(struct timer_list *t)
{
    (void)t;
    order[n_order++] = 1;
}

static void timer_b(struct timer_list *t)
{
    (void)t;
    order[n_order++] = 2;
}

static void timer_c(struct timer_list *t)
{
    (void)t;
    order[n_order++] = 3;
}

static void test_timers_fire_in_expiry_order_never_early(void **state)
{
    (void)state;
    fake_now_ns = 1000 * MS;
    n_order = 0;
    struct timer_list a, b, c;
    timer_setup(&a, timer_a, 0);
    timer_setup(&b, timer_b, 0);
    timer_setup(&c, timer_c, 0);
    mod_timer(&a, jiffies + 30);
    mod_timer(&b, jiffies + 10);
    mod_timer(&c, jiffies + 20);
    assert_int_equal(dde_next_deadline_ns(), 1010 * MS);
    mod_timer(&c, jiffies + 40); /* moved: now last */
    fake_now_ns += 9 * MS;
    dde_run_pending(4);
    assert_int_equal(n_order, 0); /* 1 ms before the first expiry: nothing */
    fake_now_ns += 100 * MS;
    dde_run_pending(4);
    assert_int_equal(n_order, 3);
    assert_int_equal(order[0], 2);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 3);
    assert_false(timer_pending(&a));
    assert_int_equal(dde_next_deadline_ns(), 0);
}

static void test_deleted_timer_does_not_fire(void **state)
{
    (void)state;
    fake_now_ns = 2000 * MS;
    n_order = 0;
    struct timer_list a;
    timer_setup(&a, timer_a, 0);
    mod_timer(&a, jiffies + 5);
    assert_int_equal(del_timer_sync(&a), 1);
    assert_int_equal(del_timer(&a), 0);
    fake_now_ns += 10 * MS;
    dde_run_pending(4);
    assert_int_equal(n_order, 0);
}

static int work_runs;
static struct delayed_work dwork;
static struct work_struct requeue_work;

static void count_work(struct work_struct *w)
{
    (void)w;
    work_runs++;
}

static void requeue_self(struct work_struct *w)
{
    if (++work_runs < 3)
        schedule_work(w); /* allowed while running: runs again later */
}

static void test_delayed_work_runs_once_after_its_delay(void **state)
{
    (void)state;
    fake_now_ns = 3000 * MS;
    work_runs = 0;
    INIT_DELAYED_WORK(&dwork, count_work);
    assert_true(schedule_delayed_work(&dwork, msecs_to_jiffies(20)));
    assert_false(schedule_delayed_work(&dwork, 1)); /* already pending: no change */
    fake_now_ns += 19 * MS;
    dde_run_pending(4);
    assert_int_equal(work_runs, 0);
    fake_now_ns += 1 * MS;
    dde_run_pending(4);
    assert_int_equal(work_runs, 1);
    dde_run_pending(4);
    assert_int_equal(work_runs, 1);
    /* cancelled before it is due: never runs */
    schedule_delayed_work(&dwork, 5);
    assert_true(cancel_delayed_work_sync(&dwork));
    fake_now_ns += 50 * MS;
    dde_run_pending(4);
    assert_int_equal(work_runs, 1);
}

static void test_work_queued_while_running_runs_again(void **state)
{
    (void)state;
    work_runs = 0;
    INIT_WORK(&requeue_work, requeue_self);
    assert_true(schedule_work(&requeue_work));
    assert_false(schedule_work(&requeue_work)); /* queued once */
    /* one item per round when it requeues itself: the loop is not starved */
    assert_true(dde_run_pending(1));
    assert_int_equal(work_runs, 1);
    assert_false(dde_run_pending(8));
    assert_int_equal(work_runs, 3);
}

static void test_msleep_waits_on_the_clock(void **state)
{
    (void)state;
    fake_now_ns = 5000 * MS;
    unsigned long j = jiffies;
    msleep(25);
    assert_int_equal(jiffies - j, 25);
    assert_true(time_after(jiffies, j + 24));
    assert_false(time_after(jiffies, j + 25));
}

/* ---- sk_buff ---- */

static void test_skb_head_and_tail_room_follow_put_push_pull(void **state)
{
    (void)state;
    struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
    assert_non_null(skb);
    skb_reserve(skb, 16);
    assert_int_equal(skb_headroom(skb), 16);
    assert_int_equal(skb_tailroom(skb), 112);
    memset(skb_put(skb, 100), 0xab, 100);
    assert_int_equal(skb->len, 100);
    assert_int_equal(skb_tailroom(skb), 12);
    skb_push(skb, 14);
    assert_int_equal(skb->len, 114);
    assert_int_equal(skb_headroom(skb), 2);
    assert_non_null(skb_pull(skb, 14));
    assert_null(skb_pull(skb, 1000)); /* more than there is: refused */
    skb_trim(skb, 60);
    assert_int_equal(skb->len, 60);
    assert_ptr_equal(skb_tail_pointer(skb), skb->data + 60);
    kfree_skb(skb);
}

static void test_eth_type_trans_pulls_the_header_and_pad_fills_zeros(void **state)
{
    (void)state;
    struct net_device *dev = alloc_etherdev(0);
    struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
    u8 frame[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0, 1, 2, 3, 0x08, 0x06};
    skb_put_data(skb, frame, sizeof(frame));
    assert_int_equal(eth_skb_pad(skb), 0);
    assert_int_equal(skb->len, ETH_ZLEN);
    for (int i = 42; i < ETH_ZLEN; i++)
        assert_int_equal(skb->data[i], 0);
    __be16 proto = eth_type_trans(skb, dev);
    assert_int_equal(ntohs(proto), ETH_P_ARP);
    assert_int_equal(skb->len, ETH_ZLEN - ETH_HLEN);
    assert_ptr_equal(skb_mac_header(skb) + ETH_HLEN, skb->data);
    kfree_skb(skb);
    free_netdev(dev);
}

static void test_csum_tcpudp_magic_matches_a_known_header(void **state)
{
    (void)state;
    /* 10.0.2.15 -> 10.0.2.2, TCP, length 20, partial sum 0: the folded
     * pseudo-header sum is 0x182b (RFC 793 3.1), so the complement is 0xe7d4. */
    __be32 s = htonl(0x0a00020f), d = htonl(0x0a000202);
    assert_int_equal(ntohs(csum_tcpudp_magic(s, d, 20, IPPROTO_TCP, 0)), 0xe7d4);
}

/* ---- DMA ---- */

#define REGION_BYTES (2u << 20)
#define REGION_PADDR 0x10000000ull
#define WINDOW_PADDR 0x20000000ull

static void *region;

static int dma_setup(void **state)
{
    (void)state;
    region = aligned_alloc(4096, REGION_BYTES);
    return region && dde_dma_init(region, REGION_PADDR, REGION_BYTES) == 0 ? 0 : -1;
}

static int dma_teardown(void **state)
{
    (void)state;
    dde_dma_reset();
    free(region);
    return 0;
}

static void test_coherent_buffers_are_page_aligned_with_their_physical_address(void **state)
{
    (void)state;
    struct device dev = {.coherent_dma_mask = DMA_BIT_MASK(32)};
    dma_addr_t h1, h2;
    u8 *a = dma_alloc_coherent(&dev, 4096, &h1, GFP_KERNEL);
    u8 *b = dma_alloc_coherent(&dev, 100, &h2, GFP_KERNEL);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(h1 % 4096, 0);
    assert_int_equal(h2 % 4096, 0);
    assert_int_equal(h1, REGION_PADDR + (uint64_t)(a - (u8 *)region));
    assert_int_equal(h2, REGION_PADDR + (uint64_t)(b - (u8 *)region));
    assert_int_equal(b[99], 0); /* zeroed */
    dma_free_coherent(&dev, 4096, a, h1);
    dma_free_coherent(&dev, 100, b, h2);
    fake_console_clear();
    dma_free_coherent(&dev, 100, b, h2); /* twice: reported, no crash */
    assert_true(fake_console_has("not a live coherent buffer"));
}

static void test_map_single_translates_region_and_window_and_refuses_heap(void **state)
{
    (void)state;
    struct device dev = {0};
    u64 mask = DMA_BIT_MASK(32);
    dev.dma_mask = &mask;
    u8 *win = aligned_alloc(4096, 8192);
    assert_int_equal(dde_dma_add_window(win, WINDOW_PADDR, 8192), 0);
    u8 *frag = netdev_alloc_frag(2048);
    assert_non_null(frag);
    dma_addr_t pa = dma_map_single(&dev, frag + 10, 100, DMA_FROM_DEVICE);
    assert_false(dma_mapping_error(&dev, pa));
    assert_int_equal(pa, REGION_PADDR + (uint64_t)(frag + 10 - (u8 *)region));
    pa = dma_map_single(&dev, win + 4096 + 2, 1500, DMA_TO_DEVICE);
    assert_int_equal(pa, WINDOW_PADDR + 4096 + 2);
    /* the window's last byte is inside, one more is not */
    assert_false(dma_mapping_error(&dev, dma_map_single(&dev, win + 8191, 1, DMA_TO_DEVICE)));
    assert_true(dma_mapping_error(&dev, dma_map_single(&dev, win + 8191, 2, DMA_TO_DEVICE)));
    u8 *heap = malloc(64);
    fake_console_clear();
    assert_true(dma_mapping_error(&dev, dma_map_single(&dev, heap, 64, DMA_TO_DEVICE)));
    assert_true(fake_console_has("not DMA memory"));
    free(heap);
    skb_free_frag(frag);
    free(win);
}

static void test_mapping_beyond_the_dma_mask_fails(void **state)
{
    (void)state;
    dde_dma_reset();
    free(region);
    region = aligned_alloc(4096, REGION_BYTES);
    assert_int_equal(dde_dma_init(region, 0xffff0000ull, REGION_BYTES), 0); /* crosses 4 GiB */
    struct device dev = {0};
    u64 mask = DMA_BIT_MASK(32);
    dev.dma_mask = &mask;
    assert_false(dma_mapping_error(&dev, dma_map_single(&dev, region, 4096, DMA_TO_DEVICE)));
    u8 *high = (u8 *)region + 0x20000; /* paddr 0x1_0001_0000 */
    assert_true(dma_mapping_error(&dev, dma_map_single(&dev, high, 16, DMA_TO_DEVICE)));
    mask = DMA_BIT_MASK(64);
    assert_false(dma_mapping_error(&dev, dma_map_single(&dev, high, 16, DMA_TO_DEVICE)));
}

static void test_frags_and_pages_come_back_to_the_pool_once(void **state)
{
    (void)state;
    void *f = netdev_alloc_frag(3000);
    assert_non_null(f);
    unsigned free_after_one = dde_dma_free_frags();
    struct page *pg = alloc_page(GFP_ATOMIC | __GFP_ZERO);
    assert_non_null(pg);
    assert_int_equal(page_to_phys(pg) % PAGE_SIZE, 0);
    assert_int_equal(((u8 *)page_address(pg))[4095], 0);
    assert_int_equal(dde_dma_free_frags(), free_after_one - 1);
    get_page(pg);
    put_page(pg);
    assert_int_equal(dde_dma_free_frags(), free_after_one - 1); /* still referenced */
    put_page(pg);
    assert_int_equal(dde_dma_free_frags(), free_after_one);
    skb_free_frag((u8 *)f + 100); /* any pointer into the frag */
    assert_int_equal(dde_dma_free_frags(), free_after_one + 1);
    fake_console_clear();
    skb_free_frag(f);
    assert_true(fake_console_has("not a live frag"));
    assert_null(netdev_alloc_frag(8192)); /* larger than a slot */
}

static void test_build_skb_over_a_frag_frees_the_frag(void **state)
{
    (void)state;
    unsigned before;
    u8 *f = netdev_alloc_frag(2500);
    before = dde_dma_free_frags();
    struct sk_buff *skb = napi_build_skb(f, 2500);
    assert_non_null(skb);
    skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
    skb_put(skb, 1514);
    kfree_skb(skb);
    assert_int_equal(dde_dma_free_frags(), before + 1);
}

/* ---- NAPI ---- */

static int napi_todo, napi_polls;

static int fake_poll(struct napi_struct *napi, int budget)
{
    napi_polls++;
    int done = napi_todo < budget ? napi_todo : budget;
    napi_todo -= done;
    if (done < budget)
        napi_complete_done(napi, done);
    return done;
}

static void test_napi_polls_with_budget_until_the_work_is_done(void **state)
{
    (void)state;
    struct napi_struct napi;
    struct net_device *dev = alloc_etherdev(0);
    netif_napi_add(dev, &napi, fake_poll);
    napi_polls = 0;
    napi_todo = 150;
    assert_false(napi_schedule_prep(&napi)); /* not enabled yet */
    napi_enable(&napi);
    assert_true(napi_schedule_prep(&napi));
    assert_false(napi_schedule_prep(&napi)); /* already scheduled */
    __napi_schedule(&napi);
    assert_true(dde_napi_run(1)); /* 64 of 150: still scheduled */
    assert_int_equal(napi_todo, 150 - NAPI_POLL_WEIGHT);
    assert_false(dde_napi_run(8));
    assert_int_equal(napi_todo, 0);
    assert_int_equal(napi_polls, 3); /* 64 + 64 + 22 */
    napi_disable(&napi);
    assert_false(napi_schedule_prep(&napi));
    free_netdev(dev);
}

/* ---- the ring bridge ---- */

#define DEPTH 8
#define BUF KAAL_NETDEV_BUFFER_BYTES

static struct {
    void *rx_q, *tx_q;
    u8 *rx_data, *tx_data;
    struct net_device *dev;
    dde_netring_t nr;
    struct sk_buff *sent[DEPTH];
    int n_sent;
    dma_addr_t sent_pa[DEPTH];
    unsigned signals;
    bool busy;
} rb;

static netdev_tx_t fake_xmit(struct sk_buff *skb, struct net_device *dev)
{
    if (rb.busy)
        return NETDEV_TX_BUSY;
    u64 mask = DMA_BIT_MASK(32);
    struct device d = {.dma_mask = &mask};
    if (eth_skb_pad(skb))
        return NETDEV_TX_OK;
    rb.sent_pa[rb.n_sent] = dma_map_single(&d, skb->data, skb->len, DMA_TO_DEVICE);
    rb.sent[rb.n_sent++] = skb;
    (void)dev;
    return NETDEV_TX_OK;
}

static int fake_open(struct net_device *dev)
{
    netif_carrier_off(dev);
    netif_start_queue(dev);
    return 0;
}

static const struct net_device_ops fake_ops = {.ndo_open = fake_open,
                                               .ndo_start_xmit = fake_xmit};

static void count_signal(void *ctx, unsigned peer)
{
    (void)ctx, (void)peer;
    rb.signals++;
}

static int ring_setup(void **state)
{
    (void)state;
    memset(&rb, 0, sizeof(rb));
    size_t qb = kaal_ring_channel_bytes(DEPTH);
    rb.rx_q = aligned_alloc(4096, ALIGN(qb, (size_t)4096));
    rb.tx_q = aligned_alloc(4096, ALIGN(qb, (size_t)4096));
    rb.rx_data = aligned_alloc(4096, DEPTH * BUF);
    rb.tx_data = aligned_alloc(4096, DEPTH * BUF);
    if (kaal_ring_channel_init(rb.rx_q, qb, DEPTH, DEPTH, BUF) ||
        kaal_ring_channel_init(rb.tx_q, qb, DEPTH, DEPTH, BUF))
        return -1;
    region = aligned_alloc(4096, REGION_BYTES);
    if (dde_dma_init(region, REGION_PADDR, REGION_BYTES) ||
        dde_dma_add_window(rb.tx_data, WINDOW_PADDR, DEPTH * BUF))
        return -1;
    dde_netring_mem_t mem = {rb.rx_q, rb.rx_data, DEPTH * BUF, rb.tx_q, rb.tx_data, DEPTH * BUF,
                             BUF};
    if (dde_netring_attach(&rb.nr, &mem, count_signal, NULL))
        return -1;
    rb.dev = alloc_etherdev(0);
    rb.dev->netdev_ops = &fake_ops;
    u8 mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    eth_hw_addr_set(rb.dev, mac);
    if (register_netdev(rb.dev))
        return -1;
    dde_netring_bind(&rb.nr, rb.dev);
    return dde_netdev_open(rb.dev);
}

static int ring_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < rb.n_sent; i++)
        kfree_skb(rb.sent[i]);
    dde_netring_detach(&rb.nr);
    unregister_netdev(rb.dev);
    free_netdev(rb.dev);
    dde_dma_reset();
    free(region);
    free(rb.rx_q);
    free(rb.tx_q);
    free(rb.rx_data);
    free(rb.tx_data);
    return 0;
}

/* The server's side: a frame onto tx. */
static void server_send(kaal_ring_sender_t *s, unsigned len, u8 fill)
{
    kaal_ring_desc_t d;
    u8 *p = kaal_ring_sender_get_buffer(s, &d);
    assert_non_null(p);
    memset(p, fill, len);
    d.length_bytes = len;
    assert_int_equal(kaal_ring_sender_send(s, &d), KAAL_OK);
}

static void test_bridge_sends_ring_frames_in_place_and_releases_them_on_free(void **state)
{
    (void)state;
    kaal_ring_sender_t server_tx;
    assert_int_equal(kaal_ring_sender_attach(&server_tx, rb.tx_q, rb.tx_data, DEPTH * BUF),
                     KAAL_OK);
    netif_carrier_on(rb.dev);
    server_send(&server_tx, 42, 0x11);
    server_send(&server_tx, 1514, 0x22);
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.n_sent, 2);
    /* in place: the skb's data is the ring buffer, mapped through the window */
    assert_true(rb.sent[0]->data >= rb.tx_data && rb.sent[0]->data < rb.tx_data + DEPTH * BUF);
    assert_int_equal(rb.sent_pa[0], WINDOW_PADDR + (uint64_t)(rb.sent[0]->data - rb.tx_data));
    assert_int_equal(rb.sent[0]->len, ETH_ZLEN); /* padded in the buffer's room */
    assert_int_equal(rb.sent[1]->len, 1514);
    assert_int_equal(rb.sent[1]->data[1513], 0x22);
    /* the driver's tx completion frees them: the buffers go back */
    unsigned before = kaal_ring_producer_space(&rb.nr.tx.free);
    kfree_skb(rb.sent[0]);
    kfree_skb(rb.sent[1]);
    rb.n_sent = 0;
    assert_int_equal(kaal_ring_producer_space(&rb.nr.tx.free), before - 2);
    /* a descriptor that is no frame goes straight back, not to the driver */
    kaal_ring_desc_t d;
    kaal_ring_sender_get_buffer(&server_tx, &d);
    d.length_bytes = 3;
    kaal_ring_sender_send(&server_tx, &d);
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.n_sent, 0);
    assert_int_equal(rb.nr.n_tx_bad, 1);
}

/* Descriptors a careless or hostile server may put on the rings: none
 * reaches the driver or makes the bridge write outside a buffer. */
static void test_bridge_refuses_bad_descriptors_from_the_server(void **state)
{
    (void)state;
    netif_carrier_on(rb.dev);
    kaal_ring_sender_t server_tx;
    kaal_ring_receiver_t server_rx;
    kaal_ring_sender_attach(&server_tx, rb.tx_q, rb.tx_data, DEPTH * BUF);
    kaal_ring_receiver_attach(&server_rx, rb.rx_q, rb.rx_data, DEPTH * BUF);
    static const struct {
        uint64_t offset;
        uint32_t length;
    } bad_tx[] = {
        {0, 0},                          /* empty */
        {0, ETH_HLEN - 1},               /* shorter than an Ethernet header */
        {BUF, BUF + 1},                  /* longer than a buffer */
        {2 * BUF + 3, 100},              /* not at a buffer's start */
        {(uint64_t)DEPTH * BUF, 100},    /* past the data region */
        {UINT64_MAX - 10, 100},          /* the offset wraps */
    };
    uint32_t free_before = kaal_ring_consumer_available(&server_tx.free);
    for (size_t i = 0; i < ARRAY_SIZE(bad_tx); i++) {
        kaal_ring_desc_t d; /* a buffer the server owns, sent with a broken descriptor */
        assert_non_null(kaal_ring_sender_get_buffer(&server_tx, &d));
        d.offset = bad_tx[i].offset;
        d.length_bytes = bad_tx[i].length;
        assert_int_equal(kaal_ring_enqueue(&server_tx.active, &d), KAAL_OK);
    }
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.n_sent, 0); /* the driver saw none */
    /* each came back on the free queue (by the bridge or the ring library) */
    assert_int_equal(kaal_ring_consumer_available(&server_tx.free), free_before);

    /* rx: the server takes every buffer, then offers broken ones */
    kaal_ring_desc_t d;
    dde_netring_poll(&rb.nr); /* open()'s link buffer */
    for (int i = 0; i < DEPTH; i++) {
        struct sk_buff *skb = alloc_skb(64, GFP_ATOMIC);
        memset(skb_put(skb, 60), 0xee, 60);
        netif_receive_skb(skb);
    }
    while (kaal_ring_receiver_recv(&server_rx, &d) != NULL)
        ; /* held, not released */
    memset(rb.rx_data, 0x5a, DEPTH * BUF);
    static const uint64_t bad_free[] = {1, BUF / 2, (uint64_t)DEPTH * BUF, UINT64_MAX - 100};
    for (size_t i = 0; i < ARRAY_SIZE(bad_free); i++) {
        kaal_ring_desc_t f = {.offset = bad_free[i], .length_bytes = BUF};
        kaal_ring_enqueue(&server_rx.free, &f);
    }
    uint64_t dropped = rb.nr.n_rx_dropped;
    struct sk_buff *skb = alloc_skb(64, GFP_ATOMIC);
    memset(skb_put(skb, 60), 0xee, 60);
    netif_receive_skb(skb);
    assert_int_equal(rb.nr.n_rx_dropped, dropped + 1);
    for (size_t i = 0; i < DEPTH * BUF; i++)
        assert_int_equal(rb.rx_data[i], 0x5a); /* nothing written anywhere */
}

static void test_bridge_keeps_frames_in_the_ring_until_the_link_comes_up(void **state)
{
    (void)state;
    kaal_ring_sender_t server_tx;
    kaal_ring_sender_attach(&server_tx, rb.tx_q, rb.tx_data, DEPTH * BUF);
    assert_false(netif_carrier_ok(rb.dev)); /* open() took it down */
    server_send(&server_tx, 60, 0x44);
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.n_sent, 0);
    netif_carrier_on(rb.dev);
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.n_sent, 1);
    assert_int_equal(rb.sent[0]->data[59], 0x44);
}

static void test_bridge_holds_a_busy_frame_until_the_queue_wakes(void **state)
{
    (void)state;
    kaal_ring_sender_t server_tx;
    kaal_ring_sender_attach(&server_tx, rb.tx_q, rb.tx_data, DEPTH * BUF);
    netif_carrier_on(rb.dev);
    rb.busy = true;
    server_send(&server_tx, 100, 0x33);
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.n_sent, 0);
    assert_non_null(rb.nr.held);
    netif_stop_queue(rb.dev);
    rb.busy = false;
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.n_sent, 0); /* stopped: nothing goes */
    netif_wake_queue(rb.dev);
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.n_sent, 1);
    assert_int_equal(rb.sent[0]->data[99], 0x33);
}

static void test_bridge_copies_received_frames_and_reports_the_link(void **state)
{
    (void)state;
    kaal_ring_receiver_t server_rx;
    assert_int_equal(kaal_ring_receiver_attach(&server_rx, rb.rx_q, rb.rx_data, DEPTH * BUF),
                     KAAL_OK);
    kaal_ring_desc_t d;
    /* open() took the carrier down: one link buffer */
    dde_netring_poll(&rb.nr);
    assert_non_null(kaal_ring_receiver_recv(&server_rx, &d));
    assert_int_equal(d.length_bytes, 0);
    assert_int_equal(d.flags, KAAL_NETDEV_RX_LINK);
    assert_false(dde_netring_link_up(&rb.nr));
    kaal_ring_receiver_release(&server_rx, &d);
    netif_carrier_on(rb.dev);
    assert_true(dde_netring_link_up(&rb.nr));
    /* a frame the driver passes up, as e1000_receive_skb does */
    struct sk_buff *skb = napi_alloc_skb(NULL, 200);
    u8 *p = skb_put(skb, 70);
    for (int i = 0; i < 70; i++)
        p[i] = (u8)i;
    skb->protocol = eth_type_trans(skb, rb.dev);
    struct napi_struct napi = {0};
    rb.signals = 0;
    assert_false(kaal_ring_consumer_arm(&server_rx.active)); /* the link buffer is there */
    napi_gro_receive(&napi, skb);
    dde_netring_poll(&rb.nr);
    assert_non_null(kaal_ring_receiver_recv(&server_rx, &d)); /* link up */
    assert_int_equal(d.flags, KAAL_NETDEV_RX_LINK);
    kaal_ring_receiver_release(&server_rx, &d);
    u8 *got = kaal_ring_receiver_recv(&server_rx, &d);
    assert_non_null(got);
    assert_int_equal(d.length_bytes, 70); /* from the MAC header on */
    for (int i = 0; i < 70; i++)
        assert_int_equal(got[i], i);
    assert_true(kaal_ring_consumer_arm(&server_rx.active)); /* drained: the server waits */
    skb = alloc_skb(64, GFP_ATOMIC);
    memset(skb_put(skb, 60), 0, 60);
    netif_receive_skb(skb);
    dde_netring_poll(&rb.nr);
    assert_int_equal(rb.signals, 1); /* an armed server is woken, once */
}

static void test_bridge_drops_frames_when_the_server_holds_every_buffer(void **state)
{
    (void)state;
    for (int i = 0; i < DEPTH + 2; i++) {
        struct sk_buff *skb = alloc_skb(64, GFP_ATOMIC);
        memset(skb_put(skb, 60), 0, 60);
        netif_receive_skb(skb);
    }
    /* of DEPTH buffers: one carried open()'s link-down message, one stays
     * back for the next link message, the rest hold frames */
    assert_int_equal(rb.nr.n_rx, DEPTH - 2);
    assert_int_equal(rb.nr.n_rx_dropped, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_in_expiry_order_never_early),
        cmocka_unit_test(test_deleted_timer_does_not_fire),
        cmocka_unit_test(test_delayed_work_runs_once_after_its_delay),
        cmocka_unit_test(test_work_queued_while_running_runs_again),
        cmocka_unit_test(test_msleep_waits_on_the_clock),
        cmocka_unit_test(test_skb_head_and_tail_room_follow_put_push_pull),
        cmocka_unit_test(test_eth_type_trans_pulls_the_header_and_pad_fills_zeros),
        cmocka_unit_test(test_csum_tcpudp_magic_matches_a_known_header),
        cmocka_unit_test_setup_teardown(
            test_coherent_buffers_are_page_aligned_with_their_physical_address, dma_setup,
            dma_teardown),
        cmocka_unit_test_setup_teardown(
            test_map_single_translates_region_and_window_and_refuses_heap, dma_setup,
            dma_teardown),
        cmocka_unit_test_setup_teardown(test_mapping_beyond_the_dma_mask_fails, dma_setup,
                                        dma_teardown),
        cmocka_unit_test_setup_teardown(test_frags_and_pages_come_back_to_the_pool_once,
                                        dma_setup, dma_teardown),
        cmocka_unit_test_setup_teardown(test_build_skb_over_a_frag_frees_the_frag, dma_setup,
                                        dma_teardown),
        cmocka_unit_test(test_napi_polls_with_budget_until_the_work_is_done),
        cmocka_unit_test_setup_teardown(
            test_bridge_sends_ring_frames_in_place_and_releases_them_on_free, ring_setup,
            ring_teardown),
        cmocka_unit_test_setup_teardown(test_bridge_refuses_bad_descriptors_from_the_server,
                                        ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(
            test_bridge_keeps_frames_in_the_ring_until_the_link_comes_up, ring_setup,
            ring_teardown),
        cmocka_unit_test_setup_teardown(test_bridge_holds_a_busy_frame_until_the_queue_wakes,
                                        ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(test_bridge_copies_received_frames_and_reports_the_link,
                                        ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(
            test_bridge_drops_frames_when_the_server_holds_every_buffer, ring_setup,
            ring_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
