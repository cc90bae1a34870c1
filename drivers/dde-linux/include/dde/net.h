/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DDE-Linux, the network core a NIC driver uses: sk_buff (linear buffers,
 * the frag array only as far as a driver fills and reads it), net_device
 * with one tx queue, NAPI with budgets, carrier and queue control,
 * Ethernet helpers, checksums, VLAN tags, and the ethtool types a driver
 * registers (the ops are never called: KaaL has no ethtool).
 *
 * Where frames go: drivers/dde-linux/netdev.c bridges the one registered
 * net_device to <kaal/netdev.h> rings (netring.c): a frame from the rings
 * becomes an skb handed to ndo_start_xmit, an skb the driver passes up
 * (napi_gro_receive, netif_receive_skb) is copied into an rx ring buffer.
 * Ethernet/IP/TCP/MII/ethtool structures are Linux's uapi headers.
 */
#pragma once

#include <dde/kernel.h>

#include <uapi/linux/stddef.h>
#include <uapi/linux/if_ether.h>
#include <uapi/linux/ethtool.h>
#include <uapi/linux/mii.h>
#include <uapi/linux/in.h>
#include <uapi/linux/ip.h>
#include <uapi/linux/ipv6.h>
#include <uapi/linux/tcp.h>
#include <uapi/linux/udp.h>
#include <uapi/linux/if.h>

/* ---- sk_buff ---- */
#define MAX_SKB_FRAGS 17
#define NET_SKB_PAD 64
#define NET_IP_ALIGN 2
#define SKB_DATA_ALIGN(x) ALIGN((x), SMP_CACHE_BYTES)
#define CHECKSUM_NONE 0
#define CHECKSUM_UNNECESSARY 1
#define CHECKSUM_COMPLETE 2
#define CHECKSUM_PARTIAL 3
#define SKB_GSO_TCPV4 (1u << 0)
#define SKB_GSO_TCPV6 (1u << 4)

typedef struct skb_frag {
    struct page *page;
    unsigned int offset, size;
} skb_frag_t;

struct skb_shared_info {
    u8 nr_frags;
    u8 tx_flags;
    unsigned short gso_size, gso_segs;
    unsigned int gso_type;
    skb_frag_t frags[MAX_SKB_FRAGS];
};

/* How an skb's head buffer is freed. */
enum dde_skb_head {
    DDE_SKB_HEAD_KMALLOC, /* alloc_skb and napi_alloc_skb: kfree */
    DDE_SKB_HEAD_FRAG,    /* napi_build_skb over netdev_alloc_frag memory: skb_free_frag */
    DDE_SKB_HEAD_FOREIGN, /* someone else's buffer (a tx ring buffer): the destructor */
};

struct net_device;
struct sk_buff {
    struct sk_buff *next, *prev;
    struct net_device *dev;
    unsigned int len, data_len; /* data_len: the bytes in frags */
    unsigned int truesize;
    __be16 protocol;
    u8 ip_summed;
    u8 no_fcs : 1, head_kind : 2;
    u16 csum_start, csum_offset;
    u16 queue_mapping;
    __be16 vlan_proto;
    u16 vlan_tci;
    bool vlan_present;
    u16 mac_header, network_header, transport_header; /* offsets from head */
    unsigned char *head, *data, *tail, *end;
    void (*destructor)(struct sk_buff *skb);
    void *destructor_arg;
    struct skb_shared_info shinfo;
};

#define skb_shinfo(skb) (&(skb)->shinfo)
struct sk_buff *alloc_skb(unsigned int size, gfp_t flags);
struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int len);
struct sk_buff *netdev_alloc_skb_ip_align(struct net_device *dev, unsigned int len);
struct napi_struct;
struct sk_buff *napi_alloc_skb(struct napi_struct *napi, unsigned int len);
struct sk_buff *napi_build_skb(void *data, unsigned int frag_size);
struct sk_buff *build_skb(void *data, unsigned int frag_size);
/* An skb over a buffer the caller owns (len bytes at data, headroom before
 * it): destructor(skb) runs when the skb is freed. DDE's own (netdev.c). */
struct sk_buff *dde_skb_wrap(void *data, unsigned int len, void (*destructor)(struct sk_buff *),
                             void *arg);
/* The same with room bytes of buffer from data on (len <= room), so the
 * driver may pad the frame in place (eth_skb_pad). */
struct sk_buff *dde_skb_wrap_room(void *data, unsigned int len, unsigned int room,
                                  void (*destructor)(struct sk_buff *), void *arg);
void kfree_skb(struct sk_buff *skb);
void consume_skb(struct sk_buff *skb);
#define dev_kfree_skb(skb) consume_skb(skb)
#define dev_kfree_skb_any(skb) consume_skb(skb)
#define dev_kfree_skb_irq(skb) consume_skb(skb)
#define dev_consume_skb_any(skb) consume_skb(skb)
void napi_consume_skb(struct sk_buff *skb, int budget);
void *netdev_alloc_frag(unsigned int size);
void *napi_alloc_frag(unsigned int size);
void skb_free_frag(void *data);

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
    return skb->len - skb->data_len;
}
static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
    return skb->tail;
}
static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
    return (unsigned int)(skb->data - skb->head);
}
static inline int skb_tailroom(const struct sk_buff *skb)
{
    return skb->data_len ? 0 : (int)(skb->end - skb->tail);
}
void *skb_put(struct sk_buff *skb, unsigned int len);
void *skb_push(struct sk_buff *skb, unsigned int len);
void *skb_pull(struct sk_buff *skb, unsigned int len);
void skb_reserve(struct sk_buff *skb, int len);
void skb_trim(struct sk_buff *skb, unsigned int len);
int pskb_trim(struct sk_buff *skb, unsigned int len);
void *__pskb_pull_tail(struct sk_buff *skb, int delta);
int skb_cow_head(struct sk_buff *skb, unsigned int headroom);
int skb_pad(struct sk_buff *skb, int pad);
static inline void *skb_put_data(struct sk_buff *skb, const void *data, unsigned int len)
{
    void *p = skb_put(skb, len);
    memcpy(p, data, len);
    return p;
}
static inline void *skb_put_zero(struct sk_buff *skb, unsigned int len)
{
    void *p = skb_put(skb, len);
    memset(p, 0, len);
    return p;
}
int eth_skb_pad(struct sk_buff *skb);
static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
    return skb->head + skb->mac_header;
}
static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
    return skb->head + skb->network_header;
}
static inline unsigned char *skb_transport_header(const struct sk_buff *skb)
{
    return skb->head + skb->transport_header;
}
static inline void skb_reset_mac_header(struct sk_buff *skb)
{
    skb->mac_header = (u16)(skb->data - skb->head);
}
static inline void skb_reset_network_header(struct sk_buff *skb)
{
    skb->network_header = (u16)(skb->data - skb->head);
}
static inline void skb_set_network_header(struct sk_buff *skb, int off)
{
    skb->network_header = (u16)(skb->data - skb->head + off);
}
static inline void skb_set_transport_header(struct sk_buff *skb, int off)
{
    skb->transport_header = (u16)(skb->data - skb->head + off);
}
static inline int skb_network_offset(const struct sk_buff *skb)
{
    return (int)(skb_network_header(skb) - skb->data);
}
static inline int skb_transport_offset(const struct sk_buff *skb)
{
    return (int)(skb_transport_header(skb) - skb->data);
}
static inline int skb_checksum_start_offset(const struct sk_buff *skb)
{
    return skb->csum_start - skb_headroom(skb);
}
static inline void skb_checksum_none_assert(const struct sk_buff *skb)
{
    (void)skb;
}
static inline bool skb_is_gso(const struct sk_buff *skb)
{
    return skb->shinfo.gso_size != 0;
}
static inline bool skb_is_gso_v6(const struct sk_buff *skb)
{
    return (skb->shinfo.gso_type & SKB_GSO_TCPV6) != 0;
}
static inline void skb_tx_timestamp(struct sk_buff *skb)
{
    (void)skb;
}
static inline void skb_record_rx_queue(struct sk_buff *skb, u16 q)
{
    skb->queue_mapping = q;
}
static inline struct iphdr *ip_hdr(const struct sk_buff *skb)
{
    return (struct iphdr *)skb_network_header(skb);
}
static inline struct ipv6hdr *ipv6_hdr(const struct sk_buff *skb)
{
    return (struct ipv6hdr *)skb_network_header(skb);
}
static inline struct tcphdr *tcp_hdr(const struct sk_buff *skb)
{
    return (struct tcphdr *)skb_transport_header(skb);
}
static inline unsigned int tcp_hdrlen(const struct sk_buff *skb)
{
    return tcp_hdr(skb)->doff * 4u;
}
static inline int skb_tcp_all_headers(const struct sk_buff *skb)
{
    return skb_transport_offset(skb) + (int)tcp_hdrlen(skb);
}
static inline unsigned int skb_frag_size(const skb_frag_t *f)
{
    return f->size;
}
static inline struct page *skb_frag_page(const skb_frag_t *f)
{
    return f->page;
}
static inline unsigned int skb_frag_off(const skb_frag_t *f)
{
    return f->offset;
}
static inline void skb_fill_page_desc(struct sk_buff *skb, int i, struct page *page, int off,
                                      int size)
{
    skb_frag_t *f = &skb->shinfo.frags[i];
    f->page = page;
    f->offset = (unsigned int)off;
    f->size = (unsigned int)size;
    skb->shinfo.nr_frags = (u8)(i + 1);
}
dma_addr_t skb_frag_dma_map(struct device *dev, const skb_frag_t *frag, size_t offset, size_t size,
                            enum dma_data_direction dir);

/* ---- VLAN ---- */
#define VLAN_HLEN 4
#define VLAN_ETH_HLEN 18
#define VLAN_N_VID 4096
#define VLAN_VID_MASK 0x0fff
#define VLAN_PRIO_SHIFT 13
#define VLAN_TAG_SIZE 4
struct vlan_hdr {
    __be16 h_vlan_TCI;
    __be16 h_vlan_encapsulated_proto;
};
struct vlan_ethhdr {
    unsigned char h_dest[ETH_ALEN], h_source[ETH_ALEN];
    __be16 h_vlan_proto, h_vlan_TCI, h_vlan_encapsulated_proto;
};
static inline bool skb_vlan_tag_present(const struct sk_buff *skb)
{
    return skb->vlan_present;
}
static inline u16 skb_vlan_tag_get(const struct sk_buff *skb)
{
    return skb->vlan_tci;
}
static inline void __vlan_hwaccel_put_tag(struct sk_buff *skb, __be16 proto, u16 tci)
{
    skb->vlan_proto = proto;
    skb->vlan_tci = tci;
    skb->vlan_present = true;
}
__be16 vlan_get_protocol(const struct sk_buff *skb);

/* ---- checksums ---- */
__sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum);
__sum16 csum_ipv6_magic(const struct in6_addr *saddr, const struct in6_addr *daddr, u32 len,
                        u8 proto, __wsum sum);
void tcp_v6_gso_csum_prep(struct sk_buff *skb);

/* ---- net_device ---- */
#define NETIF_F_SG (1ull << 0)
#define NETIF_F_IP_CSUM (1ull << 1)
#define NETIF_F_HW_CSUM (1ull << 3)
#define NETIF_F_HIGHDMA (1ull << 5)
#define NETIF_F_HW_VLAN_CTAG_TX (1ull << 7)
#define NETIF_F_HW_VLAN_CTAG_RX (1ull << 8)
#define NETIF_F_HW_VLAN_CTAG_FILTER (1ull << 9)
#define NETIF_F_TSO (1ull << 16)
#define NETIF_F_TSO6 (1ull << 20)
#define NETIF_F_RXCSUM (1ull << 32)
#define NETIF_F_RXFCS (1ull << 35)
#define NETIF_F_RXALL (1ull << 36)
#define IFF_SUPP_NOFCS (1u << 19)
#define IFF_UNICAST_FLT (1u << 8)
#define IFNAMSIZ_DDE 16
#define MAX_ADDR_LEN 32
#define NAPI_POLL_WEIGHT 64

typedef enum netdev_tx { NETDEV_TX_OK = 0x00, NETDEV_TX_BUSY = 0x10 } netdev_tx_t;

struct net_device_stats {
    unsigned long rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped,
        tx_dropped, multicast, collisions, rx_length_errors, rx_over_errors, rx_crc_errors,
        rx_frame_errors, rx_fifo_errors, rx_missed_errors, tx_aborted_errors, tx_carrier_errors,
        tx_fifo_errors, tx_heartbeat_errors, tx_window_errors;
};

struct netdev_hw_addr {
    struct netdev_hw_addr *next;
    unsigned char addr[MAX_ADDR_LEN];
};
struct netdev_hw_addr_list {
    struct netdev_hw_addr *first;
    int count;
};
#define netdev_hw_addr_list_count(l) ((l)->count)
#define netdev_uc_count(dev) ((dev)->uc.count)
#define netdev_mc_count(dev) ((dev)->mc.count)
#define netdev_mc_empty(dev) ((dev)->mc.count == 0)
#define netdev_for_each_uc_addr(ha, dev) for ((ha) = (dev)->uc.first; (ha); (ha) = (ha)->next)
#define netdev_for_each_mc_addr(ha, dev) for ((ha) = (dev)->mc.first; (ha); (ha) = (ha)->next)

struct netdev_queue {
    struct net_device *dev;
    bool stopped;
    unsigned int bql_inflight_bytes; /* netdev_sent_queue - netdev_completed_queue */
};

struct ifreq;
struct ethtool_ops;
struct net_device;
struct net_device_ops {
    int (*ndo_open)(struct net_device *dev);
    int (*ndo_stop)(struct net_device *dev);
    netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
    void (*ndo_set_rx_mode)(struct net_device *dev);
    int (*ndo_set_mac_address)(struct net_device *dev, void *addr);
    int (*ndo_validate_addr)(struct net_device *dev);
    int (*ndo_eth_ioctl)(struct net_device *dev, struct ifreq *ifr, int cmd);
    int (*ndo_change_mtu)(struct net_device *dev, int new_mtu);
    void (*ndo_tx_timeout)(struct net_device *dev, unsigned int txqueue);
    int (*ndo_vlan_rx_add_vid)(struct net_device *dev, __be16 proto, u16 vid);
    int (*ndo_vlan_rx_kill_vid)(struct net_device *dev, __be16 proto, u16 vid);
    void (*ndo_poll_controller)(struct net_device *dev);
    netdev_features_t (*ndo_fix_features)(struct net_device *dev, netdev_features_t features);
    int (*ndo_set_features)(struct net_device *dev, netdev_features_t features);
};

/* dev->state bits */
enum { __LINK_STATE_START, __LINK_STATE_PRESENT, __LINK_STATE_NOCARRIER };

struct net_device {
    char name[IFNAMSIZ];
    unsigned int flags, priv_flags;
    netdev_features_t features, hw_features, vlan_features;
    unsigned int mtu, min_mtu, max_mtu;
    unsigned char addr_len;
    const unsigned char *dev_addr; /* points at dev_addr_storage */
    unsigned char perm_addr[MAX_ADDR_LEN];
    unsigned char dev_addr_storage[MAX_ADDR_LEN];
    const struct net_device_ops *netdev_ops;
    const struct ethtool_ops *ethtool_ops;
    struct net_device_stats stats;
    int watchdog_timeo;
    int irq;
    unsigned long state;
    struct device dev;
    struct device *parent; /* SET_NETDEV_DEV */
    struct netdev_queue txq;
    struct netdev_hw_addr_list uc, mc;
    bool registered;
    void *priv; /* alloc_etherdev's private area, right after this struct */
};
#define SET_NETDEV_DEV(ndev, pdev) ((ndev)->parent = (pdev))
static inline void *netdev_priv(const struct net_device *dev)
{
    return dev->priv;
}
struct net_device *alloc_etherdev(int sizeof_priv);
#define alloc_etherdev_mq(s, n) alloc_etherdev(s)
void free_netdev(struct net_device *dev);
int register_netdev(struct net_device *dev);
void unregister_netdev(struct net_device *dev);
void eth_hw_addr_set(struct net_device *dev, const u8 *addr);
static inline void dev_addr_set(struct net_device *dev, const u8 *addr)
{
    eth_hw_addr_set(dev, addr);
}
int eth_validate_addr(struct net_device *dev);
__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);
static inline struct netdev_queue *netdev_get_tx_queue(struct net_device *dev, unsigned int i)
{
    (void)i;
    return &dev->txq;
}

static inline bool netif_running(const struct net_device *dev)
{
    return test_bit(__LINK_STATE_START, &dev->state);
}
static inline bool netif_carrier_ok(const struct net_device *dev)
{
    return !test_bit(__LINK_STATE_NOCARRIER, &dev->state);
}
static inline bool netif_device_present(const struct net_device *dev)
{
    return test_bit(__LINK_STATE_PRESENT, &dev->state);
}
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
void netif_device_detach(struct net_device *dev);
void netif_device_attach(struct net_device *dev);
static inline void netif_start_queue(struct net_device *dev)
{
    dev->txq.stopped = false;
}
void netif_wake_queue(struct net_device *dev);
static inline void netif_stop_queue(struct net_device *dev)
{
    dev->txq.stopped = true;
}
static inline void netif_tx_disable(struct net_device *dev)
{
    dev->txq.stopped = true;
}
static inline bool netif_queue_stopped(const struct net_device *dev)
{
    return dev->txq.stopped;
}
static inline bool netif_xmit_stopped(const struct netdev_queue *q)
{
    return q->stopped;
}
static inline void netif_trans_update(struct net_device *dev)
{
    (void)dev;
}
#define smp_mb__after_netif_stop_queue() smp_mb()
/* The bridge hands frames one at a time: there is never more to come. */
static inline bool netdev_xmit_more(void)
{
    return false;
}
static inline void netdev_sent_queue(struct net_device *dev, unsigned int bytes)
{
    dev->txq.bql_inflight_bytes += bytes;
}
static inline void netdev_completed_queue(struct net_device *dev, unsigned int pkts,
                                          unsigned int bytes)
{
    (void)pkts;
    dev->txq.bql_inflight_bytes -= bytes;
}
static inline void netdev_reset_queue(struct net_device *dev)
{
    dev->txq.bql_inflight_bytes = 0;
}
int netif_receive_skb(struct sk_buff *skb);
int netif_rx(struct sk_buff *skb);

/* ---- message levels ---- */
#define NETIF_MSG_DRV 0x0001
#define NETIF_MSG_PROBE 0x0002
#define NETIF_MSG_LINK 0x0004
#define NETIF_MSG_TIMER 0x0008
#define NETIF_MSG_IFDOWN 0x0010
#define NETIF_MSG_IFUP 0x0020
#define NETIF_MSG_RX_ERR 0x0040
#define NETIF_MSG_TX_ERR 0x0080
#define NETIF_MSG_TX_QUEUED 0x0100
#define NETIF_MSG_INTR 0x0200
#define NETIF_MSG_TX_DONE 0x0400
#define NETIF_MSG_RX_STATUS 0x0800
#define NETIF_MSG_PKTDATA 0x1000
#define NETIF_MSG_HW 0x2000
#define NETIF_MSG_WOL 0x4000
static inline u32 netif_msg_init(int debug_value, int default_msg_enable_bits)
{
    if (debug_value < 0 || debug_value >= 32)
        return (u32)default_msg_enable_bits;
    if (debug_value == 0)
        return 0;
    return (1u << debug_value) - 1;
}
#define netif_msg_drv(p) ((p)->msg_enable & NETIF_MSG_DRV)
#define netif_msg_probe(p) ((p)->msg_enable & NETIF_MSG_PROBE)
#define netif_msg_link(p) ((p)->msg_enable & NETIF_MSG_LINK)
#define netif_msg_timer(p) ((p)->msg_enable & NETIF_MSG_TIMER)
#define netif_msg_ifdown(p) ((p)->msg_enable & NETIF_MSG_IFDOWN)
#define netif_msg_ifup(p) ((p)->msg_enable & NETIF_MSG_IFUP)
#define netif_msg_rx_err(p) ((p)->msg_enable & NETIF_MSG_RX_ERR)
#define netif_msg_tx_err(p) ((p)->msg_enable & NETIF_MSG_TX_ERR)
#define netif_msg_tx_queued(p) ((p)->msg_enable & NETIF_MSG_TX_QUEUED)
#define netif_msg_intr(p) ((p)->msg_enable & NETIF_MSG_INTR)
#define netif_msg_tx_done(p) ((p)->msg_enable & NETIF_MSG_TX_DONE)
#define netif_msg_rx_status(p) ((p)->msg_enable & NETIF_MSG_RX_STATUS)
#define netif_msg_pktdata(p) ((p)->msg_enable & NETIF_MSG_PKTDATA)
#define netif_msg_hw(p) ((p)->msg_enable & NETIF_MSG_HW)
#define netif_msg_wol(p) ((p)->msg_enable & NETIF_MSG_WOL)
#define netdev_printk(level, dev, fmt, ...) printk(level "%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define netdev_err(dev, fmt, ...) netdev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define netdev_warn(dev, fmt, ...) netdev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define netdev_notice(dev, fmt, ...) netdev_printk(KERN_NOTICE, dev, fmt, ##__VA_ARGS__)
#define netdev_info(dev, fmt, ...) netdev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define netdev_dbg(dev, fmt, ...) netdev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)
#define netdev_WARN_ONCE(dev, fmt, ...) netdev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define netdev_WARN(dev, fmt, ...) netdev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define netif_level(level, priv, type, dev, fmt, ...)                                              \
    do {                                                                                           \
        if (netif_msg_##type(priv))                                                                \
            netdev_printk(level, dev, fmt, ##__VA_ARGS__);                                         \
    } while (0)
#define netif_err(p, t, d, fmt, ...) netif_level(KERN_ERR, p, t, d, fmt, ##__VA_ARGS__)
#define netif_warn(p, t, d, fmt, ...) netif_level(KERN_WARNING, p, t, d, fmt, ##__VA_ARGS__)
#define netif_notice(p, t, d, fmt, ...) netif_level(KERN_NOTICE, p, t, d, fmt, ##__VA_ARGS__)
#define netif_info(p, t, d, fmt, ...) netif_level(KERN_INFO, p, t, d, fmt, ##__VA_ARGS__)
#define netif_dbg(p, t, d, fmt, ...) netif_level(KERN_DEBUG, p, t, d, fmt, ##__VA_ARGS__)

/* ---- NAPI: polled by the event loop after every event (netdev.c) ---- */
struct napi_struct {
    struct napi_struct *next; /* the poll list (netdev.c owns it) */
    struct net_device *dev;
    int (*poll)(struct napi_struct *napi, int budget);
    int weight;
    bool enabled, scheduled, listed;
    struct sk_buff *frags_skb; /* napi_get_frags */
};
void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *, int));
void netif_napi_del(struct napi_struct *napi);
void napi_enable(struct napi_struct *napi);
void napi_disable(struct napi_struct *napi);
bool napi_schedule_prep(struct napi_struct *napi);
void __napi_schedule(struct napi_struct *napi);
static inline void napi_schedule(struct napi_struct *napi)
{
    if (napi_schedule_prep(napi))
        __napi_schedule(napi);
}
bool napi_complete_done(struct napi_struct *napi, int work_done);
#define napi_complete(n) napi_complete_done((n), 0)
typedef enum { GRO_MERGED, GRO_MERGED_FREE, GRO_HELD, GRO_NORMAL, GRO_CONSUMED } gro_result_t;
gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);
struct sk_buff *napi_get_frags(struct napi_struct *napi);
gro_result_t napi_gro_frags(struct napi_struct *napi);
void napi_free_frags(struct napi_struct *napi);

/* ---- Ethernet addresses ---- */
static inline bool is_zero_ether_addr(const u8 *a)
{
    return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}
static inline bool is_multicast_ether_addr(const u8 *a)
{
    return a[0] & 1;
}
static inline bool is_broadcast_ether_addr(const u8 *a)
{
    return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}
static inline bool is_valid_ether_addr(const u8 *a)
{
    return !is_multicast_ether_addr(a) && !is_zero_ether_addr(a);
}
static inline void ether_addr_copy(u8 *dst, const u8 *src)
{
    memcpy(dst, src, ETH_ALEN);
}
static inline bool ether_addr_equal(const u8 *a, const u8 *b)
{
    return memcmp(a, b, ETH_ALEN) == 0;
}

/* ---- ethtool: the types a driver's ops use; nothing calls the ops ---- */
#define ETHTOOL_COALESCE_RX_USECS (1u << 0)
#define __ETHTOOL_LINK_MODE_MASK_NBITS 128
struct ethtool_link_ksettings {
    struct ethtool_link_settings base;
    struct {
        DECLARE_BITMAP(supported, __ETHTOOL_LINK_MODE_MASK_NBITS);
        DECLARE_BITMAP(advertising, __ETHTOOL_LINK_MODE_MASK_NBITS);
        DECLARE_BITMAP(lp_advertising, __ETHTOOL_LINK_MODE_MASK_NBITS);
    } link_modes;
};
enum ethtool_phys_id_state {
    ETHTOOL_ID_INACTIVE,
    ETHTOOL_ID_ACTIVE,
    ETHTOOL_ID_ON,
    ETHTOOL_ID_OFF
};
struct kernel_ethtool_coalesce {
    u8 use_cqe_mode_tx, use_cqe_mode_rx;
};
struct kernel_ethtool_ringparam {
    u32 rx_buf_len;
};
struct netlink_ext_ack;
struct ethtool_ops {
    u32 supported_coalesce_params;
    int (*get_link_ksettings)(struct net_device *, struct ethtool_link_ksettings *);
    int (*set_link_ksettings)(struct net_device *, const struct ethtool_link_ksettings *);
    void (*get_drvinfo)(struct net_device *, struct ethtool_drvinfo *);
    int (*get_regs_len)(struct net_device *);
    void (*get_regs)(struct net_device *, struct ethtool_regs *, void *);
    void (*get_wol)(struct net_device *, struct ethtool_wolinfo *);
    int (*set_wol)(struct net_device *, struct ethtool_wolinfo *);
    u32 (*get_msglevel)(struct net_device *);
    void (*set_msglevel)(struct net_device *, u32);
    int (*nway_reset)(struct net_device *);
    u32 (*get_link)(struct net_device *);
    int (*get_eeprom_len)(struct net_device *);
    int (*get_eeprom)(struct net_device *, struct ethtool_eeprom *, u8 *);
    int (*set_eeprom)(struct net_device *, struct ethtool_eeprom *, u8 *);
    void (*get_ringparam)(struct net_device *, struct ethtool_ringparam *,
                          struct kernel_ethtool_ringparam *, struct netlink_ext_ack *);
    int (*set_ringparam)(struct net_device *, struct ethtool_ringparam *,
                         struct kernel_ethtool_ringparam *, struct netlink_ext_ack *);
    void (*get_pauseparam)(struct net_device *, struct ethtool_pauseparam *);
    int (*set_pauseparam)(struct net_device *, struct ethtool_pauseparam *);
    void (*self_test)(struct net_device *, struct ethtool_test *, u64 *);
    void (*get_strings)(struct net_device *, u32 stringset, u8 *);
    int (*set_phys_id)(struct net_device *, enum ethtool_phys_id_state);
    void (*get_ethtool_stats)(struct net_device *, struct ethtool_stats *, u64 *);
    int (*get_sset_count)(struct net_device *, int);
    int (*get_coalesce)(struct net_device *, struct ethtool_coalesce *,
                        struct kernel_ethtool_coalesce *, struct netlink_ext_ack *);
    int (*set_coalesce)(struct net_device *, struct ethtool_coalesce *,
                        struct kernel_ethtool_coalesce *, struct netlink_ext_ack *);
    int (*get_ts_info)(struct net_device *, struct ethtool_ts_info *);
};
u32 ethtool_op_get_link(struct net_device *dev);
int ethtool_op_get_ts_info(struct net_device *dev, struct ethtool_ts_info *info);
bool ethtool_convert_link_mode_to_legacy_u32(u32 *legacy_u32, const unsigned long *src);
void ethtool_convert_legacy_u32_to_link_mode(unsigned long *dst, u32 legacy_u32);
#define ethtool_link_ksettings_zero_link_mode(ks, name) bitmap_zero((ks)->link_modes.name, __ETHTOOL_LINK_MODE_MASK_NBITS)

/* ---- MII ioctls (e1000_ioctl; never called: no ioctls in KaaL) ---- */
struct mii_ioctl_data;
struct ifreq;
static inline struct mii_ioctl_data *if_mii(struct ifreq *rq)
{
    (void)rq;
    return NULL;
}
#define SIOCGMIIPHY 0x8947
#define SIOCGMIIREG 0x8948
#define SIOCSMIIREG 0x8949

/* ---- the bridge's side (netdev.c) ---- */
/* The one registered net_device (NULL before register_netdev). */
struct net_device *dde_netdev(void);
/* ndo_open, as `ip link set up` would; 0 or the driver's -errno. */
int dde_netdev_open(struct net_device *dev);
/* Runs the scheduled NAPI polls (budget NAPI_POLL_WEIGHT each) until none
 * is scheduled or max_rounds passed; returns true if one is still
 * scheduled (call again before sleeping). */
bool dde_napi_run(int max_rounds);
/* Where the bridge gets received frames and carrier changes (netdev.c);
 * NULL: frames are dropped (counted in rx_dropped). */
typedef struct dde_netdev_sink {
    /* A received frame (dest MAC .. payload, no FCS). */
    void (*rx)(void *ctx, const void *frame, unsigned int len);
    void (*carrier)(void *ctx, bool up);
    void (*tx_wake)(void *ctx);
    void *ctx;
} dde_netdev_sink_t;
void dde_netdev_set_sink(const dde_netdev_sink_t *sink);
