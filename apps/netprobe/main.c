// SPDX-License-Identifier: BSD-2-Clause
/*
 * netprobe: a NIC driver's first client, without a TCP/IP stack. Over the
 * <kaal/netdev.h> ends it reads the MAC (ctl), broadcasts an ARP request
 * for QEMU user networking's gateway 10.0.2.2 from 10.0.2.15 and waits
 * for the reply, then sends that MAC an ICMP echo request and waits for
 * the echo reply (slirp answers pings to its own address), printing what
 * arrived. Frames that are not the awaited answer are counted and
 * released. Exit 0 when both answers came; 1 if ctl fails.
 *
 * Waiting: arm the rx active queue (signal suppression, <kaal/ring.h>),
 * then seL4_Wait on the events notification; sending: take a buffer from
 * the tx free queue (arm that one when it is empty).
 */
#include <kaal/component.h>
#include <kaal/netdev.h>
#include <kaal/ring.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

#include "netprobe_caps.h"

#define ETH_ARP 0x0806
#define ETH_IP 0x0800
#define PAYLOAD_BYTES 32
#define ECHO_ID 0x4b41

static const uint8_t our_ip[4] = {10, 0, 2, 15};
static const uint8_t gw_ip[4] = {10, 0, 2, 2};
static uint8_t our_mac[6];

static kaal_ring_receiver_t rx;
static kaal_ring_sender_t tx;
static unsigned n_other;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 1071 */
static uint16_t inet_checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void events_wait(void)
{
    seL4_Word bits;
    seL4_Wait(KAAL_CAP_EVENTS, &bits);
}

static void send_frame(const uint8_t *frame, uint32_t n)
{
    kaal_ring_desc_t d;
    uint8_t *buf;
    while ((buf = kaal_ring_sender_get_buffer(&tx, &d)) == NULL)
        if (kaal_ring_consumer_arm(&tx.free))
            events_wait();
    memcpy(buf, frame, n);
    d.length_bytes = n;
    d.flags = 0;
    kaal_ring_sender_send(&tx, &d);
    if (kaal_ring_producer_should_signal(&tx.active))
        seL4_Signal(KAAL_CAP_TX);
}

static void release(const kaal_ring_desc_t *d)
{
    kaal_ring_receiver_release(&rx, d);
    if (kaal_ring_producer_should_signal(&rx.free))
        seL4_Signal(KAAL_CAP_RX);
}

typedef bool (*match_fn)(const uint8_t *frame, uint32_t n, void *ctx);

/* Waits for a frame match() accepts; every other frame is released. */
static void await(match_fn match, void *ctx)
{
    for (;;) {
        kaal_ring_desc_t d;
        const uint8_t *f = kaal_ring_receiver_recv(&rx, &d);
        if (f == NULL) {
            if (kaal_ring_consumer_arm(&rx.active))
                events_wait();
            continue;
        }
        bool ok = false;
        if (d.flags & KAAL_NETDEV_RX_LINK)
            printf("netprobe: link changed\n");
        else
            ok = match(f, d.length_bytes, ctx);
        release(&d);
        if (ok)
            return;
        n_other++;
    }
}

static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, our_mac, 6);
    put16(f + 12, type);
}

static bool is_arp_reply(const uint8_t *f, uint32_t n, void *ctx)
{
    uint8_t *gw_mac = ctx;
    if (n < 42 || get16(f + 12) != ETH_ARP || get16(f + 20) != 2 || memcmp(f + 28, gw_ip, 4) ||
        memcmp(f + 38, our_ip, 4))
        return false;
    memcpy(gw_mac, f + 22, 6);
    return true;
}

static bool is_echo_reply(const uint8_t *f, uint32_t n, void *ctx)
{
    (void)ctx;
    if (n < 14 + 20 + 8 || get16(f + 12) != ETH_IP || f[14 + 9] != 1 ||
        memcmp(f + 14 + 12, gw_ip, 4))
        return false;
    unsigned ihl = (f[14] & 15u) * 4;
    const uint8_t *icmp = f + 14 + ihl;
    if (ihl < 20 || n < 14 + ihl + 8 || icmp[0] != 0 || get16(icmp + 4) != ECHO_ID)
        return false;
    uint32_t payload = n - 14 - ihl - 8;
    bool intact = payload >= PAYLOAD_BYTES;
    for (unsigned i = 0; intact && i < PAYLOAD_BYTES; i++)
        intact = icmp[8 + i] == (uint8_t)('A' + i % 26);
    printf("netprobe: ICMP echo reply from 10.0.2.2: id %#x seq %u, TTL %u, payload %s\n",
           get16(icmp + 4), get16(icmp + 6), f[14 + 8], intact ? "intact" : "DAMAGED");
    return true;
}

int main(void)
{
    if (kaal_ring_receiver_attach(&rx, (void *)KAAL_RING_RX_QUEUE_VADDR,
                                  (void *)KAAL_RING_RX_DATA_VADDR, KAAL_RING_RX_DATA_SIZE_BYTES) ||
        kaal_ring_sender_attach(&tx, (void *)KAAL_RING_TX_QUEUE_VADDR,
                                (void *)KAAL_RING_TX_DATA_VADDR, KAAL_RING_TX_DATA_SIZE_BYTES)) {
        printf("netprobe: the rx/tx rings are not wired\n");
        return 1;
    }
    seL4_MessageInfo_t info =
        seL4_Call(KAAL_CAP_CTL, seL4_MessageInfo_new(KAAL_NETDEV_RPC_INFO, 0, 0, 0));
    seL4_Word label = seL4_MessageInfo_get_label(info);
    if (label == KAAL_RPC_LABEL_SERVER_GONE) {
        printf("netprobe: ctl: the NIC driver is not running (no NIC?)\n");
        return 1;
    }
    if (label != KAAL_OK || seL4_MessageInfo_get_length(info) < 3) {
        printf("netprobe: ctl: INFO failed (label %lu)\n", (unsigned long)label);
        return 1;
    }
    kaal_netdev_mac_unpack(seL4_GetMR(0), our_mac);
    uint64_t flags = seL4_GetMR(1), mtu = seL4_GetMR(2);
    const uint8_t *m = our_mac;
    printf("netprobe: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, MTU %lu\n", m[0], m[1], m[2],
           m[3], m[4], m[5], (flags & KAAL_NETDEV_INFO_LINK_UP) ? "up" : "down",
           (unsigned long)mtu);

    static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t f[128] = {0};
    eth_header(f, broadcast, ETH_ARP);
    put16(f + 14, 1);      /* Ethernet */
    put16(f + 16, ETH_IP); /* IPv4 */
    f[18] = 6, f[19] = 4;
    put16(f + 20, 1); /* request */
    memcpy(f + 22, our_mac, 6);
    memcpy(f + 28, our_ip, 4);
    memcpy(f + 38, gw_ip, 4);
    send_frame(f, 60);
    printf("netprobe: ARP who-has 10.0.2.2 tell 10.0.2.15 sent\n");
    uint8_t gw_mac[6];
    await(is_arp_reply, gw_mac);
    printf("netprobe: ARP reply: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", gw_mac[0],
           gw_mac[1], gw_mac[2], gw_mac[3], gw_mac[4], gw_mac[5]);

    memset(f, 0, sizeof(f));
    eth_header(f, gw_mac, ETH_IP);
    uint8_t *ip = f + 14, *icmp = ip + 20;
    unsigned icmp_bytes = 8 + PAYLOAD_BYTES;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + icmp_bytes));
    put16(ip + 4, 1); /* identification */
    ip[8] = 64;       /* TTL */
    ip[9] = 1;        /* ICMP */
    memcpy(ip + 12, our_ip, 4);
    memcpy(ip + 16, gw_ip, 4);
    put16(ip + 10, inet_checksum(ip, 20));
    icmp[0] = 8; /* echo request */
    put16(icmp + 4, ECHO_ID);
    put16(icmp + 6, 1);
    for (unsigned i = 0; i < PAYLOAD_BYTES; i++)
        icmp[8 + i] = (uint8_t)('A' + i % 26);
    put16(icmp + 2, inet_checksum(icmp, icmp_bytes));
    send_frame(f, 14 + 20 + icmp_bytes);
    printf("netprobe: ICMP echo request to 10.0.2.2 sent\n");
    await(is_echo_reply, NULL);
    printf("netprobe: done (%u other frames seen)\n", n_other);
    return 0;
}
