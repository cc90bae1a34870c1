// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux's network bridge: the one net_device a Linux driver registers,
 * as the <kaal/netdev.h> ends a NIC driver component offers the net server.
 *
 *   tx  the server's frames (tx ring, data region DMA memory) become skbs
 *       that borrow the ring buffer (dde_skb_wrap_room: no copy; the
 *       region is a DMA window, so dma_map_single gives its physical
 *       address) and go to ndo_start_xmit; freeing the skb (the driver's
 *       tx completion) releases the buffer to the server. NETDEV_TX_BUSY
 *       keeps the skb for the next try; netif_stop_queue stops the pump
 *       until netif_wake_queue; without carrier frames wait in the ring
 *       until the link comes up.
 *   rx  a frame the driver passes up is copied into a free rx ring buffer
 *       and sent (one copy: the driver's own rx buffers are its frags,
 *       sized and recycled by the driver); no free buffer: dropped and
 *       counted.
 *   link carrier changes send one KAAL_NETDEV_RX_LINK buffer (length 0);
 *       one free rx buffer is kept back for it (the spare), as
 *       drivers/virtio-net does.
 *
 * Descriptors come from the server: tx ones must name a frame of 14 ..
 * buffer_bytes bytes starting at a buffer boundary, free rx ones a whole
 * buffer; anything else is returned (tx) or dropped (free rx) and counted.
 */
#include <dde/net.h>
#include <dde/netring.h>

#include "dde_internal.h"

static dde_netring_t *active; /* the sink's context */

static bool take_free(dde_netring_t *nr, kaal_ring_desc_t *d)
{
    while (kaal_ring_sender_get_buffer(&nr->rx, d) != NULL) {
        if (d->offset % nr->mem.buffer_bytes == 0 &&
            d->offset + nr->mem.buffer_bytes <= nr->mem.rx_data_bytes)
            return true;
        nr->n_free_bad++;
    }
    return false;
}

static void send_rx(dde_netring_t *nr, kaal_ring_desc_t d)
{
    if (kaal_ring_sender_send(&nr->rx, &d) == KAAL_OK)
        nr->rx_sent = true;
}

static void refill_spare(dde_netring_t *nr)
{
    kaal_ring_desc_t d;
    if (!nr->have_spare && take_free(nr, &d)) {
        nr->spare = d;
        nr->have_spare = true;
    }
    if (nr->link_pending && nr->have_spare) {
        kaal_ring_desc_t link = nr->spare;
        link.length_bytes = 0;
        link.flags = KAAL_NETDEV_RX_LINK;
        nr->have_spare = false;
        nr->link_pending = false;
        nr->n_link++;
        send_rx(nr, link);
        if (take_free(nr, &d)) {
            nr->spare = d;
            nr->have_spare = true;
        }
    }
}

static void sink_rx(void *ctx, const void *frame, unsigned int len)
{
    dde_netring_t *nr = ctx;
    refill_spare(nr);
    kaal_ring_desc_t d;
    if (len < ETH_HLEN || len > nr->mem.buffer_bytes || !take_free(nr, &d)) {
        nr->n_rx_dropped++;
        return;
    }
    memcpy(nr->mem.rx_data + d.offset, frame, len);
    d.length_bytes = len;
    d.flags = 0;
    nr->n_rx++;
    send_rx(nr, d);
}

static void sink_carrier(void *ctx, bool up)
{
    dde_netring_t *nr = ctx;
    nr->link_pending = true;
    nr->tx_woken = up; /* frames held while the link was down may go now */
    const struct net_device *dev = nr->dev ? nr->dev : dde_netdev();
    printk(KERN_INFO "dde: %s: link %s\n", dev ? dev->name : "netdev", up ? "up" : "down");
    refill_spare(nr);
}

static void sink_tx_wake(void *ctx)
{
    dde_netring_t *nr = ctx;
    nr->tx_woken = true;
}

static void release_tx(dde_netring_t *nr, uint64_t offset)
{
    kaal_ring_desc_t d = {.offset = offset, .length_bytes = nr->mem.buffer_bytes};
    if (kaal_ring_receiver_release(&nr->tx, &d) == KAAL_OK)
        nr->tx_released = true;
}

static void tx_done(struct sk_buff *skb)
{
    dde_netring_t *nr = skb->destructor_arg;
    release_tx(nr, (uint64_t)(skb->head - nr->mem.tx_data));
}

int dde_netring_attach(dde_netring_t *nr, const dde_netring_mem_t *mem,
                       void (*signal)(void *ctx, unsigned peer), void *ctx)
{
    memset(nr, 0, sizeof(*nr));
    nr->mem = *mem;
    nr->signal = signal;
    nr->signal_ctx = ctx;
    if (mem->buffer_bytes == 0 ||
        kaal_ring_sender_attach(&nr->rx, mem->rx_queues, mem->rx_data, mem->rx_data_bytes) ||
        kaal_ring_receiver_attach(&nr->tx, mem->tx_queues, mem->tx_data, mem->tx_data_bytes))
        return -EINVAL;
    active = nr;
    dde_netdev_sink_t s = {.rx = sink_rx, .carrier = sink_carrier, .tx_wake = sink_tx_wake,
                           .ctx = nr};
    dde_netdev_set_sink(&s);
    return 0;
}

void dde_netring_bind(dde_netring_t *nr, struct net_device *dev)
{
    nr->dev = dev;
}

bool dde_netring_link_up(const dde_netring_t *nr)
{
    return nr->dev && netif_running(nr->dev) && netif_carrier_ok(nr->dev);
}

static bool tx_ready(const struct net_device *dev)
{
    return netif_running(dev) && netif_carrier_ok(dev);
}

/* Frames from the server to the driver while it takes them. */
static void pump_tx(dde_netring_t *nr)
{
    struct net_device *dev = nr->dev;
    for (;;) {
        /* No link (yet): frames wait in the ring, as in a qdisc, and go
         * when the carrier comes (a link message then tells the server). */
        if (netif_queue_stopped(dev) || !tx_ready(dev))
            return;
        struct sk_buff *skb = nr->held;
        nr->held = NULL;
        if (skb == NULL) {
            kaal_ring_desc_t d;
            void *data = kaal_ring_receiver_recv(&nr->tx, &d);
            if (data == NULL)
                return;
            if (d.offset % nr->mem.buffer_bytes != 0 || d.length_bytes < ETH_HLEN ||
                d.length_bytes > nr->mem.buffer_bytes) {
                nr->n_tx_bad++;
                release_tx(nr, d.offset - d.offset % nr->mem.buffer_bytes);
                continue;
            }
            skb = dde_skb_wrap_room(data, d.length_bytes, nr->mem.buffer_bytes, tx_done, nr);
            if (skb == NULL) {
                nr->n_tx_dropped++;
                release_tx(nr, d.offset);
                continue;
            }
            skb->dev = dev;
            skb->protocol = ((const struct ethhdr *)data)->h_proto;
            skb->ip_summed = CHECKSUM_NONE;
            skb_reset_mac_header(skb);
            skb_set_network_header(skb, ETH_HLEN);
        }
        netdev_tx_t rc = dev->netdev_ops->ndo_start_xmit(skb, dev);
        if (rc == NETDEV_TX_BUSY) {
            nr->held = skb; /* the driver did not take it: again after a wake */
            return;
        }
        nr->n_tx++;
    }
}

void dde_netring_poll(dde_netring_t *nr)
{
    if (nr->dev == NULL)
        return;
    for (int round = 0; round < 64; round++) {
        nr->tx_woken = false;
        refill_spare(nr);
        pump_tx(nr);
        bool again = nr->tx_woken;
        /* Wait for frames to send while the driver takes them; for a free
         * rx buffer only when the spare is missing. Arming re-checks. */
        if (!netif_queue_stopped(nr->dev) && tx_ready(nr->dev) && nr->held == NULL &&
            !kaal_ring_consumer_arm(&nr->tx.active))
            again = true;
        if (!nr->have_spare && !kaal_ring_consumer_arm(&nr->rx.free))
            again = true;
        if (!again)
            break;
    }
    dde_netring_wake_peers(nr);
}

void dde_netring_wake_peers(dde_netring_t *nr)
{
    if (nr->rx_sent && kaal_ring_producer_should_signal(&nr->rx.active))
        nr->signal(nr->signal_ctx, DDE_NETRING_PEER_RX);
    if (nr->tx_released && kaal_ring_producer_should_signal(&nr->tx.free))
        nr->signal(nr->signal_ctx, DDE_NETRING_PEER_TX);
    nr->rx_sent = nr->tx_released = false;
}

void dde_netring_detach(dde_netring_t *nr)
{
    if (nr->held) {
        kfree_skb(nr->held);
        nr->held = NULL;
    }
    if (active == nr) {
        dde_netdev_set_sink(NULL);
        active = NULL;
    }
}
