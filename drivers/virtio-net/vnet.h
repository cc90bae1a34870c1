/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtio-net device logic (vnet.c), apart from the component glue
 * (main.c) so host tests run it against the virtio device model: bring-up,
 * rx/tx between the virtqueues and the <kaal/netdev.h> rings, link status.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/ring.h>
#include <kaal/virtio.h>

/* virtio 1.2 §5.1.3 feature bits used here. */
#define VNET_F_MAC (1ull << 5)
#define VNET_F_STATUS (1ull << 16)
#define VNET_F_MRG_RXBUF (1ull << 15)
/* Device config (§5.1.4): mac[6] at 0, status at 6. */
#define VNET_CFG_MAC 0
#define VNET_CFG_STATUS 6
#define VNET_S_LINK_UP 1u
/* struct virtio_net_hdr with VERSION_1 (num_buffers always present). */
#define VNET_HDR_BYTES 12u
#define VNET_HDR_STRIDE 16u
#define VNET_QUEUE_SIZE 256u /* descriptors per virtqueue, at most */
#define VNET_RX_QUEUE 0
#define VNET_TX_QUEUE 1
#define VNET_MIN_FRAME 14u /* an Ethernet header */

/* Where everything is (vaddr, and the paddr the device uses). */
typedef struct vnet_mem {
    void *dma;
    uint64_t dma_paddr;
    size_t dma_bytes;
    void *rx_queues, *rx_data;
    size_t rx_data_bytes;
    uint64_t rx_data_paddr;
    void *tx_queues, *tx_data;
    size_t tx_data_bytes;
    uint64_t tx_data_paddr;
    uint32_t buffer_bytes; /* every ring buffer: KAAL_NETDEV_BUFFER_BYTES */
} vnet_mem_t;

enum { VNET_PEER_RX = 0, VNET_PEER_TX = 1 };

typedef struct vnet {
    kaal_virtio_t *dev;
    vnet_mem_t mem;
    kaal_virtq_t rxq, txq;
    kaal_ring_sender_t rx;              /* we fill buffers the net server released */
    kaal_ring_receiver_t tx;            /* we send what the net server filled */
    volatile uint8_t *rx_hdrs, *tx_hdr; /* driver-private DMA memory */
    uint64_t rx_hdrs_paddr, tx_hdr_paddr;
    uint32_t n_buffers; /* rx ring buffers: rx_data_bytes / buffer_bytes */
    uint8_t mac[6];
    bool link_up, link_pending;
    bool have_spare; /* a free rx buffer kept for the link message */
    kaal_ring_desc_t spare;
    bool broken; /* the device broke a queue or needs a reset: nothing moves */
    bool rx_sent, tx_released;
    void (*signal)(void *ctx, unsigned peer); /* wake the net server (VNET_PEER_*) */
    void *signal_ctx;
    uint64_t n_rx, n_tx, n_rx_bad, n_tx_bad, n_free_bad, n_link;
} vnet_t;

/* Brings the device up (dev's register access must be set up): reset,
 * features (VERSION_1 required; MAC, STATUS wanted; no MRG_RXBUF: every rx
 * buffer holds a whole frame), queues, DRIVER_OK, every free rx buffer
 * posted. On error *why says what went wrong. */
kaal_error_t vnet_start(vnet_t *n, kaal_virtio_t *dev, const vnet_mem_t *mem,
                        void (*signal)(void *ctx, unsigned peer), void *signal_ctx,
                        const char **why);
/* Moves everything that can move: used rx buffers to the rx ring, used tx
 * buffers back to the server, frames from the tx ring to the device, free
 * rx buffers to the device, a pending link message; then arms the rings it
 * waits on and wakes the server where it asked. */
void vnet_poll(vnet_t *n);
/* The interrupt: reads (and so clears) the ISR, re-reads the link on a
 * config change, then vnet_poll. */
void vnet_interrupt(vnet_t *n);
