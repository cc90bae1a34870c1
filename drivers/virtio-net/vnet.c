// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio-net (virtio 1.2 §5.1) between two virtqueues and the two
 * <kaal/netdev.h> rings, without copying a frame.
 *
 * Model: the rx and tx ring data regions are DMA memory (component.toml
 * `dma = true`), so a ring buffer at offset o is at physical address
 * data_paddr + o and goes to the device as it is. Each rx chain is two
 * descriptors: a 12-byte virtio_net_hdr in driver-private DMA memory (slot
 * o / buffer_bytes) and the whole 2 KiB ring buffer; the device writes the
 * header and the bare frame, so the buffer sent to the net server holds
 * only the frame (what netdev.h promises). No MRG_RXBUF: a 2 KiB buffer
 * holds any frame the device may send without GSO features. Each tx chain
 * is the one zeroed shared header (device-readable) and the frame.
 *
 * Tokens: a chain's token is the ring descriptor it carries (offset in
 * bits 0-31, cookie in 32-47), so what goes back on a ring is exactly what
 * came from it. Nothing the net server puts on a ring is trusted (offsets
 * must be buffer-aligned and inside the region, tx lengths a frame's) and
 * nothing the device reports either (runtime/virtio checks the used ring;
 * here an rx length below a header plus an Ethernet header is dropped and
 * the buffer reposted). A broken queue or DEVICE_NEEDS_RESET stops the
 * data path with one message; the component stays up for ctl.
 *
 * Link messages: one free rx buffer is kept back (the spare), so a
 * KAAL_NETDEV_RX_LINK buffer can be sent even when every other buffer is
 * with the device.
 */
#include "vnet.h"

#include <kaal/netdev.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

static uint64_t token_of(const kaal_ring_desc_t *d)
{
    return (uint64_t)(uint32_t)d->offset | (uint64_t)d->cookie << 32;
}

static kaal_ring_desc_t desc_of(uint64_t token, uint32_t length)
{
    return (kaal_ring_desc_t){
        .offset = (uint32_t)token, .length_bytes = length, .cookie = (uint16_t)(token >> 32)};
}

static void stop(vnet_t *n, const char *why)
{
    if (!n->broken)
        printf("virtio-net: %s: the data path stops (ctl still answers)\n", why);
    n->broken = true;
}

/* A free buffer from the server, checked: whole, aligned, inside. */
static bool take_free(vnet_t *n, kaal_ring_desc_t *d)
{
    while (kaal_ring_sender_get_buffer(&n->rx, d) != NULL) {
        if (d->offset % n->mem.buffer_bytes == 0 &&
            d->offset + n->mem.buffer_bytes <= n->mem.rx_data_bytes)
            return true;
        n->n_free_bad++; /* a bad descriptor: it names no buffer, drop it */
    }
    return false;
}

static kaal_error_t post_rx(vnet_t *n, const kaal_ring_desc_t *d)
{
    uint32_t slot = (uint32_t)(d->offset / n->mem.buffer_bytes);
    kaal_virtq_buf_t b[2] = {
        {n->rx_hdrs_paddr + (uint64_t)slot * VNET_HDR_STRIDE, VNET_HDR_BYTES, true},
        {n->mem.rx_data_paddr + d->offset, n->mem.buffer_bytes, true},
    };
    return kaal_virtq_add(&n->rxq, b, 2, token_of(d));
}

static void send_rx(vnet_t *n, kaal_ring_desc_t d)
{
    if (kaal_ring_sender_send(&n->rx, &d) == KAAL_OK)
        n->rx_sent = true;
}

/* The spare first, then free buffers to the device while it has room. */
static void refill_rx(vnet_t *n)
{
    kaal_ring_desc_t d;
    if (!n->have_spare && take_free(n, &d)) {
        n->spare = d;
        n->have_spare = true;
    }
    if (n->link_pending && n->have_spare) {
        kaal_ring_desc_t link = n->spare;
        link.length_bytes = 0;
        link.flags = KAAL_NETDEV_RX_LINK;
        n->have_spare = false;
        n->link_pending = false;
        n->n_link++;
        send_rx(n, link);
        if (take_free(n, &d)) {
            n->spare = d;
            n->have_spare = true;
        }
    }
    while (kaal_virtq_free_count(&n->rxq) >= 2 && take_free(n, &d))
        if (post_rx(n, &d) != KAAL_OK)
            break;
}

static void reap_rx(vnet_t *n)
{
    for (;;) {
        kaal_virtq_used_ret_t r = kaal_virtq_get_used(&n->rxq);
        if (r.err == KAAL_EAGAIN)
            return;
        if (r.err == KAAL_EIO) {
            stop(n, "the device broke the rx queue (used index jumped)");
            return;
        }
        if (r.err == KAAL_EFORMAT) {
            n->n_rx_bad++;
            continue;
        }
        kaal_ring_desc_t d = desc_of(r.token, 0);
        if (r.err != KAAL_OK || r.len < VNET_HDR_BYTES + VNET_MIN_FRAME) {
            n->n_rx_bad++; /* nothing usable: the buffer goes back to the device */
            post_rx(n, &d);
            continue;
        }
        d.length_bytes = r.len - VNET_HDR_BYTES;
        n->n_rx++;
        send_rx(n, d);
    }
}

static void reap_tx(vnet_t *n)
{
    for (;;) {
        kaal_virtq_used_ret_t r = kaal_virtq_get_used(&n->txq);
        if (r.err == KAAL_EAGAIN)
            return;
        if (r.err == KAAL_EIO) {
            stop(n, "the device broke the tx queue (used index jumped)");
            return;
        }
        if (r.err == KAAL_EFORMAT)
            continue;
        kaal_ring_desc_t d = desc_of(r.token, n->mem.buffer_bytes);
        if (kaal_ring_receiver_release(&n->tx, &d) == KAAL_OK)
            n->tx_released = true;
    }
}

static bool send_tx(vnet_t *n)
{
    bool posted = false;
    kaal_ring_desc_t d;
    while (kaal_virtq_free_count(&n->txq) >= 2 && kaal_ring_receiver_recv(&n->tx, &d) != NULL) {
        if (d.length_bytes < VNET_MIN_FRAME || d.length_bytes > n->mem.buffer_bytes ||
            d.offset + d.length_bytes > n->mem.tx_data_bytes) {
            n->n_tx_bad++; /* not a frame: straight back */
            d.length_bytes = n->mem.buffer_bytes;
            if (kaal_ring_receiver_release(&n->tx, &d) == KAAL_OK)
                n->tx_released = true;
            continue;
        }
        kaal_virtq_buf_t b[2] = {{n->tx_hdr_paddr, VNET_HDR_BYTES, false},
                                 {n->mem.tx_data_paddr + d.offset, d.length_bytes, false}};
        if (kaal_virtq_add(&n->txq, b, 2, token_of(&d)) != KAAL_OK)
            break; /* cannot happen: two descriptors were free */
        n->n_tx++;
        posted = true;
    }
    return posted;
}

static void wake_peers(vnet_t *n)
{
    if (n->rx_sent && kaal_ring_producer_should_signal(&n->rx.active))
        n->signal(n->signal_ctx, VNET_PEER_RX);
    if (n->tx_released && kaal_ring_producer_should_signal(&n->tx.free))
        n->signal(n->signal_ctx, VNET_PEER_TX);
    n->rx_sent = n->tx_released = false;
}

void vnet_poll(vnet_t *n)
{
    if (n->broken)
        return;
    for (;;) {
        uint16_t rx_before = n->rxq.avail_idx;
        reap_rx(n);
        reap_tx(n);
        if (n->broken)
            break;
        refill_rx(n);
        bool tx_posted = send_tx(n);
        if (n->rxq.avail_idx != rx_before && kaal_virtq_publish(&n->rxq))
            kaal_virtq_notify(n->dev, &n->rxq);
        if (tx_posted && kaal_virtq_publish(&n->txq))
            kaal_virtq_notify(n->dev, &n->txq);
        /* Wait for frames to send (if the device has room for them) and
         * for free rx buffers (if we ran out); arming re-checks, so a
         * descriptor that arrived meanwhile means another round. */
        bool again = false;
        if (kaal_virtq_free_count(&n->txq) >= 2 && !kaal_ring_consumer_arm(&n->tx.active))
            again = true;
        if ((!n->have_spare || kaal_virtq_free_count(&n->rxq) >= 2) &&
            !kaal_ring_consumer_arm(&n->rx.free))
            again = true;
        if (!again)
            break;
    }
    wake_peers(n);
    if (kaal_virtio_check(n->dev) != KAAL_OK)
        stop(n, n->dev->why);
}

static bool read_link(vnet_t *n)
{
    if (!(n->dev->features & VNET_F_STATUS))
        return true; /* no status field: the link is up (§5.1.4) */
    return kaal_virtio_config_read(n->dev, VNET_CFG_STATUS, 2) & VNET_S_LINK_UP;
}

void vnet_interrupt(vnet_t *n)
{
    uint8_t isr = kaal_virtio_isr(n->dev);
    if (isr & KAAL_VIRTIO_ISR_CONFIG) {
        bool up = read_link(n);
        if (up != n->link_up) {
            n->link_up = up;
            n->link_pending = true;
            printf("virtio-net: link %s\n", up ? "up" : "down");
        }
    }
    vnet_poll(n);
}

kaal_error_t vnet_start(vnet_t *n, kaal_virtio_t *dev, const vnet_mem_t *mem,
                        void (*signal)(void *ctx, unsigned peer), void *signal_ctx,
                        const char **why)
{
    memset(n, 0, sizeof(*n));
    n->dev = dev;
    n->mem = *mem;
    n->signal = signal;
    n->signal_ctx = signal_ctx;
    *why = NULL;
    if (mem->buffer_bytes < VNET_MIN_FRAME + 1500 || mem->rx_data_bytes < mem->buffer_bytes) {
        *why = "the rx ring's buffers are smaller than a frame";
        return KAAL_EINVAL;
    }
    n->n_buffers = (uint32_t)(mem->rx_data_bytes / mem->buffer_bytes);
    if (kaal_ring_sender_attach(&n->rx, mem->rx_queues, mem->rx_data, mem->rx_data_bytes) ||
        kaal_ring_receiver_attach(&n->tx, mem->tx_queues, mem->tx_data, mem->tx_data_bytes)) {
        *why = "the rx or tx ring is not formatted";
        return KAAL_EINVAL;
    }
    kaal_error_t err = kaal_virtio_reset(dev);
    if (err) {
        *why = dev->why;
        return err;
    }
    kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_ACKNOWLEDGE | KAAL_VIRTIO_STATUS_DRIVER);
    err = kaal_virtio_negotiate(dev, VNET_F_MAC | VNET_F_STATUS, 0);
    if (err) {
        *why = dev->why;
        return err;
    }
    uint16_t size = VNET_QUEUE_SIZE;
    uint16_t max_rx = kaal_virtq_max_size(dev, VNET_RX_QUEUE);
    uint16_t max_tx = kaal_virtq_max_size(dev, VNET_TX_QUEUE);
    if (max_rx < 2 || max_tx < 2) {
        *why = "the device has no rx and tx queue";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_ENOENT;
    }
    while (size > max_rx || size > max_tx)
        size /= 2;
    size_t qbytes = kaal_virtq_bytes(size);
    size_t hdr_off = 2 * qbytes, need = hdr_off + ((size_t)n->n_buffers + 1) * VNET_HDR_STRIDE;
    if (need > mem->dma_bytes) {
        *why = "the DMA region is too small for the queues and headers";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_ENOMEM;
    }
    uint8_t *dma = mem->dma;
    if (kaal_virtq_init(&n->rxq, VNET_RX_QUEUE, size, dma, mem->dma_paddr) ||
        kaal_virtq_init(&n->txq, VNET_TX_QUEUE, size, dma + qbytes, mem->dma_paddr + qbytes) ||
        kaal_virtq_setup(dev, &n->rxq) || kaal_virtq_setup(dev, &n->txq)) {
        *why = dev->why ? dev->why : "the queues could not be set up";
        kaal_virtio_add_status(dev, KAAL_VIRTIO_STATUS_FAILED);
        return KAAL_EIO;
    }
    n->rx_hdrs = dma + hdr_off;
    n->rx_hdrs_paddr = mem->dma_paddr + hdr_off;
    n->tx_hdr = n->rx_hdrs + (size_t)n->n_buffers * VNET_HDR_STRIDE;
    n->tx_hdr_paddr = n->rx_hdrs_paddr + (uint64_t)n->n_buffers * VNET_HDR_STRIDE;
    for (size_t i = 0; i < ((size_t)n->n_buffers + 1) * VNET_HDR_STRIDE; i++)
        n->rx_hdrs[i] = 0;
    if (dev->features & VNET_F_MAC) {
        kaal_virtio_config_bytes(dev, VNET_CFG_MAC, n->mac, 6);
    } else {
        static const uint8_t local[6] = {0x02, 0, 0, 0, 0, 1}; /* locally administered */
        memcpy(n->mac, local, 6);
    }
    n->link_up = read_link(n);
    err = kaal_virtio_driver_ok(dev);
    if (err) {
        *why = dev->why;
        return err;
    }
    vnet_poll(n);
    return n->broken ? KAAL_EIO : KAAL_OK;
}
