/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interface between a network driver component (drivers/virtio-net,
 * the e1000 under DDE-Linux, ...) and the net server (services/net). A
 * driver never knows its clients and the server never knows which driver
 * serves it: swapping the NIC in system.toml changes nothing else.
 *
 * Every NIC driver's component.toml declares these ends (names fixed):
 *
 *   rx    ring_producer  received frames, one frame per buffer, from the
 *                        destination MAC to the end of the payload (no FCS,
 *                        no virtio header); the driver takes buffers from
 *                        the free queue, the device fills them, the driver
 *                        sends them; the server releases each when the
 *                        stack is done with it
 *   tx    ring_consumer  frames to send, one per buffer, same layout; the
 *                        driver releases each once the device has sent it
 *   ctl   rpc_server     the calls below
 *
 * Both rings use buffers of KAAL_NETDEV_BUFFER_BYTES (queue_depth buffers
 * over data_size bytes, data_size = queue_depth * KAAL_NETDEV_BUFFER_BYTES)
 * in a data region the device can reach by DMA, so a frame is not copied
 * between the device and the stack. Signal suppression as in <kaal/ring.h>:
 * a busy link makes no system calls on the ring path.
 *
 * drivers/virtio-net declares rx and tx with queue_depth 128 and data_size
 * 256 KiB and `dma = true` (its device reads and writes the buffers where
 * they are); the peer's component.toml declares the same sizes (the
 * system compiler reports a mismatch at both files). Its ctl end says
 * `bound_notification = true`, so client badges carry KAAL_RPC_BADGE_CLIENT: nothing
 * for a client to do.
 *
 * Descriptor flags (kaal_ring_desc_t.flags) on rx:
 *   KAAL_NETDEV_RX_LINK   a buffer with length 0: the link state changed,
 *                         call KAAL_NETDEV_RPC_INFO to read it; release the
 *                         buffer as any other
 */
#pragma once

#include <stdint.h>

#define KAAL_NETDEV_BUFFER_BYTES 2048u /* one Ethernet frame (1514) fits */
#define KAAL_NETDEV_MTU 1500u

#define KAAL_NETDEV_RX_LINK 0x1u

/* ctl RPC labels. The reply's label is a kaal_error_t. */
enum {
    /* Reply: mr0 = the MAC address, byte i of the address in bits
     * 8*i .. 8*i+7 (so 52:54:00:12:34:56 is 0x563412005452); mr1 =
     * KAAL_NETDEV_INFO_* flags; mr2 = the MTU. */
    KAAL_NETDEV_RPC_INFO = 1,
};

#define KAAL_NETDEV_INFO_LINK_UP 0x1u

static inline uint64_t kaal_netdev_mac_pack(const uint8_t mac[6])
{
    uint64_t w = 0;
    for (int i = 0; i < 6; i++)
        w |= (uint64_t)mac[i] << (8 * i);
    return w;
}

static inline void kaal_netdev_mac_unpack(uint64_t w, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)(w >> (8 * i));
}
