// SPDX-License-Identifier: BSD-2-Clause
/*
 * The net server component: lwIP (NO_SYS) over a NIC driver's rings
 * (<kaal/netdev.h>, ethif.c) and the socket protocol for clients
 * (<kaal/net_rpc.h>, sock.c), in one thread and one event loop.
 *
 * Model: the component's events notification (ring signals from the
 * driver, the timer's signal through a badged copy) is bound to its TCB,
 * so one Recv on the "clients" endpoint wakes for a client's call (badge
 * with KAAL_RPC_BADGE_CLIENT), init's client-gone notice (badge
 * KAAL_RPC_BADGE_INIT) or an event (any other badge: the notification
 * word). Before each Recv the loop passes received frames to lwIP, runs
 * the loopback interface and lwIP's timers, sends the ring signals that
 * are due and, only when every ring is armed and empty, sets the timer to
 * lwIP's next timeout and blocks. Requests are answered at once
 * (seL4_Reply), except those that must wait: their caller's reply cap is
 * saved (seL4_CNode_SaveCaller) in the client's slot and used when lwIP
 * completes the operation, so a slow client never holds up another.
 * A client's readiness notification (REGISTER_NTFN) arrives in the receive
 * slot and is moved to that client's notification slot; it is signalled
 * with NBSend (a client passing off another cap as its notification cannot
 * stop the server).
 */
#include <kaal/component.h>
#include <kaal/console.h>
#include <kaal/linux_errno.h>
#include <kaal/netdev.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>
#include <kaal/timer.h>

#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "ethif.h"
#include "net_caps.h"
#include "sock.h"

#define TIMER_EVENT_BIT (1ull << 60) /* badge of the timer's copy of events */
#define SLOT_TIMER_NTFN KAAL_COMPONENT_FIRST_FREE_SLOT
#define SLOT_REPLY_BASE (KAAL_COMPONENT_FIRST_FREE_SLOT + 1)
#define SLOT_RECV (SLOT_REPLY_BASE + NET_RPC_MAX_CLIENTS) /* a cap a call carries */
#define SLOT_NTFN_BASE (SLOT_RECV + 1)                    /* clients' notifications */
_Static_assert(SLOT_NTFN_BASE + NET_RPC_MAX_CLIENTS <= (1u << KAAL_COMPONENT_CNODE_SIZE_BITS),
               "the CNode has no room for a reply cap and a notification per client");

static net_ethif_t eth;
static bool have_nic, have_timer, eth_announced;
static uint64_t timer_deadline_ns;
static bool reply_saved[NET_RPC_MAX_CLIENTS];

/* ---- the driver ---- */

static bool nic_info(uint8_t mac[6], bool *link_up)
{
    seL4_MessageInfo_t info =
        seL4_Call(KAAL_CAP_NIC_CTL, seL4_MessageInfo_new(KAAL_NETDEV_RPC_INFO, 0, 0, 0));
    if (seL4_MessageInfo_get_label(info) != KAAL_OK || seL4_MessageInfo_get_length(info) < 3)
        return false;
    kaal_netdev_mac_unpack(seL4_GetMR(0), mac);
    *link_up = (seL4_GetMR(1) & KAAL_NETDEV_INFO_LINK_UP) != 0;
    return true;
}

static void signal_rx_free(void *ctx)
{
    (void)ctx;
    seL4_Signal(KAAL_CAP_NIC_RX);
}

static void signal_tx(void *ctx)
{
    (void)ctx;
    seL4_Signal(KAAL_CAP_NIC_TX);
}

/* Every tx buffer is with the driver: wake it and wait for one back. The
 * wait takes the notification's other bits too; the loop polls every
 * source after it, so nothing is lost. */
static bool wait_tx_space(void *ctx)
{
    (void)ctx;
    seL4_Signal(KAAL_CAP_NIC_TX);
    if (kaal_ring_consumer_arm(&eth.tx.free)) {
        seL4_Word bits;
        seL4_Wait(KAAL_CAP_EVENTS, &bits);
    }
    return true;
}

static void link_changed(void *ctx)
{
    (void)ctx;
    uint8_t mac[6];
    bool up = false;
    if (!nic_info(mac, &up))
        return;
    if (up && !netif_is_link_up(&eth.netif)) {
        printf("net: eth0: link up\n");
        netif_set_link_up(&eth.netif);
    } else if (!up && netif_is_link_up(&eth.netif)) {
        printf("net: eth0: link down\n");
        netif_set_link_down(&eth.netif);
    }
}

static const net_ethif_ops_t eth_ops = {
    .signal_rx_free = signal_rx_free,
    .signal_tx = signal_tx,
    .wait_tx_space = wait_tx_space,
    .link_changed = link_changed,
};

/* The line the system's users look for, as the seed writes it: the
 * subsystem's own prefix, so it goes out raw (no "[net] " before it). */
static void on_status(struct netif *netif)
{
    const ip4_addr_t *a = netif_ip4_addr(netif);
    if (ip4_addr_isany(a) || eth_announced)
        return;
    eth_announced = true;
    char line[64];
    uint32_t v = lwip_ntohl(ip4_addr_get_u32(a));
    snprintf(line, sizeof(line), "[Network] Interface eth0 up (%u.%u.%u.%u)\n",
             (unsigned)(v >> 24), (unsigned)(v >> 16 & 255), (unsigned)(v >> 8 & 255),
             (unsigned)(v & 255));
    kaal_console_announce(line);
}

static void start_eth(void)
{
    const kaal_component_ring_t *rx = kaal_component_ring("nic_rx");
    const kaal_component_ring_t *tx = kaal_component_ring("nic_tx");
    if (rx == NULL || tx == NULL) {
        printf("net: no NIC wired (nic_rx/nic_tx): only the loopback interface 127.0.0.1\n");
        return;
    }
    kaal_error_t err =
        net_ethif_attach(&eth, (void *)KAAL_RING_NIC_RX_QUEUE_VADDR, (void *)rx->data_vaddr,
                         rx->data_size_bytes, (void *)KAAL_RING_NIC_TX_QUEUE_VADDR,
                         (void *)tx->data_vaddr, tx->data_size_bytes, &eth_ops, NULL);
    if (err != KAAL_OK) {
        printf("net: NIC rings: %s; only the loopback interface\n", kaal_strerror(err));
        return;
    }
    bool up = false;
    if (!nic_info(eth.mac, &up)) {
        printf("net: the NIC driver does not answer KAAL_NETDEV_RPC_INFO; only the loopback "
               "interface\n");
        return;
    }
    if (netif_add(&eth.netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, &eth,
                  net_ethif_netif_init, ethernet_input) == NULL) {
        printf("net: cannot add eth0\n");
        return;
    }
    have_nic = true;
    netif_set_status_callback(&eth.netif, on_status);
    netif_set_default(&eth.netif);
    netif_set_up(&eth.netif);
    printf("net: eth0 %02x:%02x:%02x:%02x:%02x:%02x, link %s, DHCP\n", eth.mac[0], eth.mac[1],
           eth.mac[2], eth.mac[3], eth.mac[4], eth.mac[5], up ? "up" : "down");
    if (up)
        netif_set_link_up(&eth.netif);
    if (dhcp_start(&eth.netif) != ERR_OK)
        printf("net: eth0: DHCP could not start\n");
}

/* ---- the timer ---- */

static void start_timer(void)
{
    if (kaal_time_ns() == 0) {
        printf("net: no clock (tsc_hz 0): lwIP timers run only when packets arrive\n");
        return;
    }
    kaal_error_t err = kaal_timer_register_badged(KAAL_CAP_TIMER, KAAL_CAP_EVENTS,
                                                  SLOT_TIMER_NTFN, TIMER_EVENT_BIT);
    if (err != KAAL_OK) {
        printf("net: no timer service (%s): lwIP timers run only when events arrive\n",
               kaal_strerror(err));
        return;
    }
    have_timer = true;
}

/* Asks the timer for a signal at lwIP's next timeout (before blocking). */
static void arm_timer(void)
{
    if (!have_timer)
        return;
    u32_t ms = sys_timeouts_sleeptime();
    uint64_t deadline = ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE
                            ? 0
                            : kaal_time_ns() + (uint64_t)(ms == 0 ? 1 : ms) * 1000000u;
    /* a deadline already asked for that is no later is good enough */
    if (deadline != 0 && timer_deadline_ns != 0 && timer_deadline_ns <= deadline &&
        timer_deadline_ns > kaal_time_ns())
        return;
    if (kaal_timer_set_timeout(KAAL_CAP_TIMER, deadline) == KAAL_OK)
        timer_deadline_ns = deadline;
}

/* ---- clients ---- */

static void reply_later(void *ctx, unsigned client, const net_reply_t *r)
{
    (void)ctx;
    if (client >= NET_RPC_MAX_CLIENTS || !reply_saved[client])
        return;
    for (unsigned i = 0; i < r->n_words; i++)
        seL4_SetMR((int)i, r->mr[i]);
    seL4_Send(SLOT_REPLY_BASE + client, seL4_MessageInfo_new(r->label, 0, 0, r->n_words));
    reply_saved[client] = false;
}

static bool rx_pressure(void *ctx)
{
    (void)ctx;
    return have_nic && net_ethif_rx_pressure(&eth);
}

static void notify(void *ctx, unsigned client)
{
    (void)ctx;
    if (client < NET_RPC_MAX_CLIENTS)
        seL4_NBSend(SLOT_NTFN_BASE + client, seL4_MessageInfo_new(0, 0, 0, 0));
}

static const net_sock_ops_t sock_ops = {
    .reply_later = reply_later, .rx_pressure = rx_pressure, .notify = notify};

static void serve(seL4_Word badge, seL4_MessageInfo_t info)
{
    uint64_t client = badge & ~KAAL_RPC_BADGE_CLIENT;
    net_msg_t m = {.label = seL4_MessageInfo_get_label(info),
                   .n_words = (unsigned)seL4_MessageInfo_get_length(info)};
    for (unsigned i = 0; i < NET_MSG_MAX_WORDS && i < m.n_words; i++)
        m.mr[i] = seL4_GetMR((int)i);
    /* a transferred cap (not this endpoint unwrapped to a badge) */
    m.has_cap = seL4_MessageInfo_get_extraCaps(info) >= 1 &&
                !(seL4_MessageInfo_get_capsUnwrapped(info) & 1);
    if (m.label == NET_RPC_REGISTER_NTFN && m.has_cap && client < NET_RPC_MAX_CLIENTS) {
        seL4_CNode_Delete(KAAL_SYSDESC_SLOT_CNODE, SLOT_NTFN_BASE + client, seL4_WordBits);
        m.has_cap =
            seL4_CNode_Move(KAAL_SYSDESC_SLOT_CNODE, SLOT_NTFN_BASE + client, seL4_WordBits,
                            KAAL_SYSDESC_SLOT_CNODE, SLOT_RECV, seL4_WordBits) == seL4_NoError;
    }
    net_reply_t r;
    int how = client < NET_RPC_MAX_CLIENTS ? net_sock_handle(client, &m, &r) : NET_SOCK_REPLY;
    if (client >= NET_RPC_MAX_CLIENTS)
        r = (net_reply_t){.label = LINUX_EPERM};
    if (how == NET_SOCK_WAIT) {
        if (seL4_CNode_SaveCaller(KAAL_SYSDESC_SLOT_CNODE, SLOT_REPLY_BASE + client,
                                  seL4_WordBits) == seL4_NoError) {
            reply_saved[client] = true;
            return;
        }
        /* the slot is taken (cannot happen: one waiting call per client) */
        net_sock_client_gone(client);
        r = (net_reply_t){.label = LINUX_EBUSY};
    }
    for (unsigned i = 0; i < r.n_words; i++)
        seL4_SetMR((int)i, r.mr[i]);
    seL4_Reply(seL4_MessageInfo_new(r.label, 0, 0, r.n_words));
}

static void client_gone(seL4_Word client_badge)
{
    uint64_t client = client_badge & ~KAAL_RPC_BADGE_CLIENT;
    if (client >= NET_RPC_MAX_CLIENTS)
        return;
    net_sock_client_gone(client);
    seL4_CNode_Delete(KAAL_SYSDESC_SLOT_CNODE, SLOT_NTFN_BASE + client, seL4_WordBits);
    if (reply_saved[client]) {
        seL4_CNode_Delete(KAAL_SYSDESC_SLOT_CNODE, SLOT_REPLY_BASE + client, seL4_WordBits);
        reply_saved[client] = false;
    }
}

static void attach_shm(void)
{
    static const char *const names[NET_RPC_MAX_SHM_CLIENTS] = {"shm1", "shm2", "shm3", "shm4"};
    for (unsigned i = 0; i < NET_RPC_MAX_SHM_CLIENTS; i++) {
        const kaal_component_ring_t *r = kaal_component_ring(names[i]);
        if (r != NULL)
            net_sock_set_shm(i + 1, (void *)r->data_vaddr, r->data_size_bytes);
    }
}

/* ---- the loop ---- */

/* One round of work; true if there may be more right away. */
static bool poll_once(void)
{
    bool more = false;
    if (have_nic)
        more |= net_ethif_poll_rx(&eth, 64) == 64;
    netif_poll_all(); /* the loopback interface's queued packets */
    sys_check_timeouts();
    if (have_nic)
        net_ethif_kick(&eth);
    struct netif *lo = netif_get_by_index(1);
    more |= lo != NULL && lo->loop_first != NULL;
    return more;
}

int main(void)
{
    if (seL4_TCB_BindNotification(KAAL_SYSDESC_SLOT_TCB, KAAL_CAP_EVENTS) != seL4_NoError) {
        printf("net: cannot bind its notification\n");
        return 1;
    }
    lwip_init();
    net_sock_init(&sock_ops, NULL);
    attach_shm();
    start_timer();
    start_eth();
    printf("net: serving (lwIP %s, loopback 127.0.0.1%s)\n", LWIP_VERSION_STRING,
           have_nic ? ", eth0" : "");

    for (;;) {
        if (poll_once())
            continue;
        if (have_nic && !net_ethif_arm(&eth))
            continue;
        arm_timer();
        seL4_Word badge;
        /* a cap the last call carried and nobody kept */
        seL4_CNode_Delete(KAAL_SYSDESC_SLOT_CNODE, SLOT_RECV, seL4_WordBits);
        seL4_SetCapReceivePath(KAAL_SYSDESC_SLOT_CNODE, SLOT_RECV, seL4_WordBits);
        seL4_MessageInfo_t info = seL4_Recv(KAAL_CAP_CLIENTS, &badge);
        if (badge == KAAL_RPC_BADGE_INIT) {
            if (seL4_MessageInfo_get_label(info) == KAAL_RPC_LABEL_CLIENT_GONE &&
                seL4_MessageInfo_get_length(info) >= 1)
                client_gone(seL4_GetMR(0));
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
            continue;
        }
        if (!(badge & KAAL_RPC_BADGE_CLIENT)) {
            if (badge & TIMER_EVENT_BIT)
                timer_deadline_ns = 0; /* it fired */
            continue;                  /* an event: the loop's top handles it */
        }
        serve(badge, info);
    }
}
