// SPDX-License-Identifier: BSD-2-Clause
/*
 * lwIP netif over a NIC driver's rings (ethif.h). Model:
 *   rx: the driver fills buffers of its rx channel and puts them on the
 *       active queue. We take each off, wrap it in the custom pbuf kept for
 *       that buffer (rx_pbufs[offset / buffer size]) and give it to
 *       ethernet_input. Whoever frees the last reference (lwIP after
 *       parsing, or a socket after the client read the data) runs
 *       rx_pbuf_free, which puts the descriptor back on the free queue.
 *   tx: linkoutput takes an empty buffer from the tx channel's free queue,
 *       copies the pbuf chain into it and queues it.
 * Invariant: a buffer is either with the driver (free queue, device,
 * active queue) or in_stack with exactly one net_rx_pbuf_t; rx_in_stack
 * counts the latter. A descriptor from the driver that breaks this (not a
 * whole buffer of the region, a buffer we already hold) is counted in
 * rx_bad and not touched: a hostile driver cannot make us free twice.
 */
#include "ethif.h"

#include <kaal/string.h>

#include "lwip/etharp.h"
#include "netif/ethernet.h"

static void rx_pbuf_free(struct pbuf *p)
{
    net_rx_pbuf_t *r = (net_rx_pbuf_t *)p;
    net_ethif_t *e = r->owner;
    r->in_stack = false;
    e->rx_in_stack--;
    kaal_ring_desc_t d = r->desc;
    d.length_bytes = KAAL_NETDEV_BUFFER_BYTES;
    d.flags = 0;
    kaal_ring_receiver_release(&e->rx, &d);
    e->rx_released = true;
}

kaal_error_t net_ethif_attach(net_ethif_t *e, void *rx_queues, void *rx_data, size_t rx_data_bytes,
                              void *tx_queues, void *tx_data, size_t tx_data_bytes,
                              const net_ethif_ops_t *ops, void *ctx)
{
    memset(e, 0, sizeof(*e));
    size_t n = rx_data_bytes / KAAL_NETDEV_BUFFER_BYTES;
    if (n == 0 || n > NET_ETHIF_MAX_RX_BUFFERS || tx_data_bytes < KAAL_NETDEV_BUFFER_BYTES)
        return KAAL_EINVAL;
    kaal_error_t err = kaal_ring_receiver_attach(&e->rx, rx_queues, rx_data, rx_data_bytes);
    if (err == KAAL_OK)
        err = kaal_ring_sender_attach(&e->tx, tx_queues, tx_data, tx_data_bytes);
    if (err != KAAL_OK)
        return err;
    e->n_rx_buffers = (uint32_t)n;
    for (uint32_t i = 0; i < n; i++) {
        e->rx_pbufs[i].owner = e;
        e->rx_pbufs[i].pc.custom_free_function = rx_pbuf_free;
    }
    e->ops = ops;
    e->ctx = ctx;
    e->mtu = KAAL_NETDEV_MTU;
    return KAAL_OK;
}

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
    net_ethif_t *e = netif->state;
    if (p->tot_len > KAAL_NETDEV_BUFFER_BYTES) {
        e->tx_dropped++;
        return ERR_BUF;
    }
    kaal_ring_desc_t d;
    void *buf = kaal_ring_sender_get_buffer(&e->tx, &d);
    while (buf == NULL && e->ops->wait_tx_space(e->ctx))
        buf = kaal_ring_sender_get_buffer(&e->tx, &d);
    if (buf == NULL) {
        e->tx_dropped++;
        return ERR_MEM;
    }
    d.length_bytes = p->tot_len;
    if (kaal_ring_data_at(e->tx.data, e->tx.data_bytes, &d) == NULL) {
        e->tx_dropped++; /* a free descriptor too short for the frame: the driver's bug */
        return ERR_BUF;
    }
    pbuf_copy_partial(p, buf, p->tot_len, 0);
    d.flags = 0;
    if (kaal_ring_sender_send(&e->tx, &d) != KAAL_OK) {
        e->tx_dropped++;
        return ERR_BUF;
    }
    e->tx_queued = true;
    e->tx_frames++;
    return ERR_OK;
}

err_t net_ethif_netif_init(struct netif *netif)
{
    net_ethif_t *e = netif->state;
    netif->name[0] = 'e';
    netif->name[1] = 't';
    netif->output = etharp_output;
    netif->linkoutput = linkoutput;
    netif->mtu = e->mtu;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, e->mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

uint32_t net_ethif_poll_rx(net_ethif_t *e, uint32_t budget)
{
    uint32_t taken = 0;
    while (taken < budget) {
        kaal_ring_desc_t d;
        uint8_t *frame = kaal_ring_receiver_recv(&e->rx, &d);
        if (frame == NULL)
            break;
        taken++;
        uint64_t index = d.offset / KAAL_NETDEV_BUFFER_BYTES;
        if (d.offset % KAAL_NETDEV_BUFFER_BYTES != 0 || index >= e->n_rx_buffers ||
            e->rx_pbufs[index].in_stack) {
            e->rx_bad++; /* not one of our buffers, or one we hold: leave it */
            continue;
        }
        net_rx_pbuf_t *r = &e->rx_pbufs[index];
        if (d.length_bytes == 0 && (d.flags & KAAL_NETDEV_RX_LINK)) {
            d.length_bytes = KAAL_NETDEV_BUFFER_BYTES;
            kaal_ring_receiver_release(&e->rx, &d);
            e->rx_released = true;
            e->ops->link_changed(e->ctx);
            continue;
        }
        if (d.length_bytes < SIZEOF_ETH_HDR || d.length_bytes > KAAL_NETDEV_BUFFER_BYTES) {
            e->rx_bad++;
            d.length_bytes = KAAL_NETDEV_BUFFER_BYTES;
            kaal_ring_receiver_release(&e->rx, &d);
            e->rx_released = true;
            continue;
        }
        r->desc = d;
        r->in_stack = true;
        e->rx_in_stack++;
        struct pbuf *p = pbuf_alloced_custom(PBUF_RAW, (u16_t)d.length_bytes, PBUF_REF, &r->pc,
                                             frame, KAAL_NETDEV_BUFFER_BYTES);
        e->rx_frames++;
        if (e->netif.input(p, &e->netif) != ERR_OK)
            pbuf_free(p);
    }
    return taken;
}

void net_ethif_kick(net_ethif_t *e)
{
    if (e->rx_released) {
        e->rx_released = false;
        if (kaal_ring_producer_should_signal(&e->rx.free))
            e->ops->signal_rx_free(e->ctx);
    }
    if (e->tx_queued) {
        e->tx_queued = false;
        if (kaal_ring_producer_should_signal(&e->tx.active))
            e->ops->signal_tx(e->ctx);
    }
}

bool net_ethif_arm(net_ethif_t *e)
{
    return kaal_ring_consumer_arm(&e->rx.active);
}

bool net_ethif_rx_pressure(const net_ethif_t *e)
{
    return e->rx_in_stack * 2 > e->n_rx_buffers;
}
