/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DDE-Linux's network bridge (netring.c): the registered net_device as the
 * rx/tx rings of <kaal/netdev.h>. The glue attaches it to the ring ends,
 * binds it to dde_netdev() after the driver's probe and calls
 * dde_netring_poll after every event (after dde_run_pending).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kaal/netdev.h>
#include <kaal/ring.h>

struct net_device;
struct sk_buff;

typedef struct dde_netring_mem {
    void *rx_queues;
    uint8_t *rx_data;
    size_t rx_data_bytes;
    void *tx_queues;
    uint8_t *tx_data;
    size_t tx_data_bytes;
    uint32_t buffer_bytes; /* KAAL_NETDEV_BUFFER_BYTES */
} dde_netring_mem_t;

enum { DDE_NETRING_PEER_RX = 0, DDE_NETRING_PEER_TX = 1 };

typedef struct dde_netring {
    dde_netring_mem_t mem;
    struct net_device *dev;
    kaal_ring_sender_t rx;   /* we fill buffers the server released */
    kaal_ring_receiver_t tx; /* we send what the server filled */
    bool have_spare;         /* a free rx buffer kept for the link message */
    kaal_ring_desc_t spare;
    bool link_pending, tx_woken;
    bool rx_sent, tx_released;
    struct sk_buff *held; /* refused with NETDEV_TX_BUSY: sent first next time */
    void (*signal)(void *ctx, unsigned peer); /* wake the server (DDE_NETRING_PEER_*) */
    void *signal_ctx;
    uint64_t n_rx, n_tx, n_rx_dropped, n_tx_dropped, n_tx_bad, n_free_bad, n_link;
} dde_netring_t;

/* Attaches to the ring ends and becomes the net core's sink. 0 or -EINVAL. */
int dde_netring_attach(dde_netring_t *nr, const dde_netring_mem_t *mem,
                       void (*signal)(void *ctx, unsigned peer), void *ctx);
void dde_netring_bind(dde_netring_t *nr, struct net_device *dev);
void dde_netring_poll(dde_netring_t *nr);
void dde_netring_wake_peers(dde_netring_t *nr);
/* The interface is open and has carrier (what KAAL_NETDEV_RPC_INFO says). */
bool dde_netring_link_up(const dde_netring_t *nr);
void dde_netring_detach(dde_netring_t *nr);
