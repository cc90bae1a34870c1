/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The glue between lwIP's Ethernet netif and a NIC driver's rings
 * (<kaal/netdev.h>): received frames enter lwIP as custom pbufs that point
 * into the rx ring's buffer (no copy) and go back on the driver's free
 * queue when lwIP frees them; frames to send are copied into a tx ring
 * buffer (the one copy the stack needs). Signals are the caller's job
 * (ops), so this file knows nothing of seL4 and is tested on the host.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kaal/netdev.h>
#include <kaal/ring.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"

#define NET_ETHIF_MAX_RX_BUFFERS 1024

typedef struct net_ethif net_ethif_t;

typedef struct {
    void (*signal_rx_free)(void *ctx); /* buffers were released to the driver */
    void (*signal_tx)(void *ctx);      /* frames were queued for the driver */
    /* Every tx buffer is in flight: kick the driver and wait until one may
     * be free. false: do not wait (the frame is dropped, TCP resends). */
    bool (*wait_tx_space)(void *ctx);
    void (*link_changed)(void *ctx); /* a KAAL_NETDEV_RX_LINK buffer came */
} net_ethif_ops_t;

/* A received buffer lent to lwIP: the custom pbuf must come first. */
typedef struct {
    struct pbuf_custom pc;
    kaal_ring_desc_t desc;
    net_ethif_t *owner;
    bool in_stack;
} net_rx_pbuf_t;

struct net_ethif {
    struct netif netif;
    kaal_ring_receiver_t rx; /* driver -> us */
    kaal_ring_sender_t tx;   /* us -> driver */
    uint32_t n_rx_buffers;
    net_rx_pbuf_t rx_pbufs[NET_ETHIF_MAX_RX_BUFFERS]; /* one per rx buffer, by offset */
    uint32_t rx_in_stack;                             /* buffers lwIP holds now */
    bool rx_released, tx_queued;                      /* a signal may be due */
    uint8_t mac[6];
    uint16_t mtu;
    const net_ethif_ops_t *ops;
    void *ctx;
    /* counters (the net server prints them on request; tests read them) */
    uint64_t rx_frames, tx_frames, rx_bad, tx_dropped;
};

/* Attaches to both channels (queue regions and data regions as mapped).
 * The rx data region holds n_rx_buffers buffers of KAAL_NETDEV_BUFFER_BYTES. */
kaal_error_t net_ethif_attach(net_ethif_t *e, void *rx_queues, void *rx_data, size_t rx_data_bytes,
                              void *tx_queues, void *tx_data, size_t tx_data_bytes,
                              const net_ethif_ops_t *ops, void *ctx);

/* netif_add's init function: state = the net_ethif_t, mac and mtu set. */
err_t net_ethif_netif_init(struct netif *netif);

/* Passes up to budget received frames to lwIP; returns how many buffers it
 * took off the ring. */
uint32_t net_ethif_poll_rx(net_ethif_t *e, uint32_t budget);

/* Sends the signals that are due (with the rings' suppression). */
void net_ethif_kick(net_ethif_t *e);

/* True if the rx ring is empty and armed: safe to block. */
bool net_ethif_arm(net_ethif_t *e);

/* True when lwIP holds so many rx buffers that the driver may run out: the
 * socket layer then copies data it keeps for a slow reader. */
bool net_ethif_rx_pressure(const net_ethif_t *e);
