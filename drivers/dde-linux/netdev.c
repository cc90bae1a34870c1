// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux network core: sk_buff, net_device, NAPI, carrier and queue
 * state, Ethernet helpers, checksums, the ethtool link-mode converters.
 *
 * sk_buff model: head .. end is the buffer, data .. tail the linear bytes
 * (len - data_len of them), frags in skb_shinfo (page, offset, size) the
 * rest; the shared info sits in the sk_buff itself, not at the end of the
 * buffer (nothing but the accessors reads it). head_kind says who frees
 * the buffer: kmalloc (alloc_skb, napi_alloc_skb), a frag (napi_build_skb
 * over netdev_alloc_frag memory) or the owner's destructor (dde_skb_wrap:
 * a ring buffer the skb borrows). Frag pages are put when the skb is freed.
 * Going past end (skb_put) or before head (skb_push) is a driver bug:
 * BUG(), as Linux's skb_over_panic.
 *
 * One net_device (register_netdev) is the bridge's: what the driver passes
 * up (napi_gro_receive, napi_gro_frags, netif_receive_skb) is gathered
 * into one frame (from the MAC header) and given to the sink, carrier
 * changes and queue wake-ups likewise. NAPI: scheduled instances are on a
 * list; dde_napi_round() polls each with its weight as budget; a poll that
 * used its whole budget stays scheduled (Linux's contract), one that did
 * not has called napi_complete_done, which takes it off.
 */
#include <dde/net.h>

#include "dde_internal.h"

static struct net_device *the_netdev;
static dde_netdev_sink_t sink;
static struct napi_struct *napi_list;

/* ---- sk_buff ---- */

static struct sk_buff *skb_over(unsigned char *head, unsigned int size, int kind)
{
    struct sk_buff *skb = calloc(1, sizeof(*skb));
    if (skb == NULL)
        return NULL;
    skb->head = skb->data = skb->tail = head;
    skb->end = head + size;
    skb->head_kind = (u8)kind;
    skb->truesize = size + (unsigned)sizeof(*skb);
    return skb;
}

struct sk_buff *alloc_skb(unsigned int size, gfp_t flags)
{
    (void)flags;
    unsigned char *head = malloc(size ? size : 1);
    if (head == NULL)
        return NULL;
    struct sk_buff *skb = skb_over(head, size, DDE_SKB_HEAD_KMALLOC);
    if (skb == NULL)
        free(head);
    return skb;
}

static struct sk_buff *alloc_with_headroom(unsigned int len, unsigned int headroom)
{
    struct sk_buff *skb = alloc_skb(len + headroom, GFP_ATOMIC);
    if (skb)
        skb_reserve(skb, (int)headroom);
    return skb;
}

struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int len)
{
    struct sk_buff *skb = alloc_with_headroom(len, NET_SKB_PAD);
    if (skb)
        skb->dev = dev;
    return skb;
}

struct sk_buff *netdev_alloc_skb_ip_align(struct net_device *dev, unsigned int len)
{
    struct sk_buff *skb = alloc_with_headroom(len, NET_SKB_PAD + NET_IP_ALIGN);
    if (skb)
        skb->dev = dev;
    return skb;
}

struct sk_buff *napi_alloc_skb(struct napi_struct *napi, unsigned int len)
{
    struct sk_buff *skb = alloc_with_headroom(len, NET_SKB_PAD + NET_IP_ALIGN);
    if (skb && napi)
        skb->dev = napi->dev;
    return skb;
}

struct sk_buff *napi_build_skb(void *data, unsigned int frag_size)
{
    unsigned int info = SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
    if (data == NULL || frag_size <= info)
        return NULL;
    return skb_over(data, frag_size - info, DDE_SKB_HEAD_FRAG);
}

struct sk_buff *build_skb(void *data, unsigned int frag_size)
{
    return napi_build_skb(data, frag_size);
}

struct sk_buff *dde_skb_wrap(void *data, unsigned int len, void (*destructor)(struct sk_buff *),
                             void *arg)
{
    return dde_skb_wrap_room(data, len, len, destructor, arg);
}

struct sk_buff *dde_skb_wrap_room(void *data, unsigned int len, unsigned int room,
                                  void (*destructor)(struct sk_buff *), void *arg)
{
    if (room < len)
        return NULL;
    struct sk_buff *skb = skb_over(data, room, DDE_SKB_HEAD_FOREIGN);
    if (skb == NULL)
        return NULL;
    skb->tail = skb->data + len;
    skb->len = len;
    skb->destructor = destructor;
    skb->destructor_arg = arg;
    return skb;
}

void kfree_skb(struct sk_buff *skb)
{
    if (skb == NULL)
        return;
    for (int i = 0; i < skb->shinfo.nr_frags; i++)
        put_page(skb->shinfo.frags[i].page);
    if (skb->destructor)
        skb->destructor(skb);
    if (skb->head_kind == DDE_SKB_HEAD_KMALLOC)
        free(skb->head);
    else if (skb->head_kind == DDE_SKB_HEAD_FRAG)
        skb_free_frag(skb->head);
    free(skb);
}

void consume_skb(struct sk_buff *skb)
{
    kfree_skb(skb);
}

void napi_consume_skb(struct sk_buff *skb, int budget)
{
    (void)budget;
    kfree_skb(skb);
}

void *skb_put(struct sk_buff *skb, unsigned int len)
{
    unsigned char *old = skb->tail;
    if (skb->data_len || len > (unsigned int)(skb->end - skb->tail)) {
        printk(KERN_EMERG "dde: skb_put of %u bytes past the end (tailroom %d)\n", len,
               skb_tailroom(skb));
        BUG();
    }
    skb->tail += len;
    skb->len += len;
    return old;
}

void *skb_push(struct sk_buff *skb, unsigned int len)
{
    if (len > skb_headroom(skb)) {
        printk(KERN_EMERG "dde: skb_push of %u bytes before the head\n", len);
        BUG();
    }
    skb->data -= len;
    skb->len += len;
    return skb->data;
}

void *skb_pull(struct sk_buff *skb, unsigned int len)
{
    if (len > skb_headlen(skb))
        return NULL;
    skb->data += len;
    skb->len -= len;
    return skb->data;
}

void skb_reserve(struct sk_buff *skb, int len)
{
    skb->data += len;
    skb->tail += len;
}

void skb_trim(struct sk_buff *skb, unsigned int len)
{
    if (skb->len > len && !skb->data_len) {
        skb->len = len;
        skb->tail = skb->data + len;
    }
}

int pskb_trim(struct sk_buff *skb, unsigned int len)
{
    if (len >= skb->len)
        return 0;
    if (len < skb_headlen(skb) || skb->data_len == 0) {
        /* the cut is in the linear part: every frag goes */
        for (int i = 0; i < skb->shinfo.nr_frags; i++)
            put_page(skb->shinfo.frags[i].page);
        skb->shinfo.nr_frags = 0;
        skb->data_len = 0;
        skb->len = len;
        skb->tail = skb->data + len;
        return 0;
    }
    unsigned int keep = len - skb_headlen(skb);
    int i = 0;
    for (; i < skb->shinfo.nr_frags; i++) {
        skb_frag_t *f = &skb->shinfo.frags[i];
        if (keep <= f->size) {
            f->size = keep;
            i++;
            break;
        }
        keep -= f->size;
    }
    for (int j = i; j < skb->shinfo.nr_frags; j++)
        put_page(skb->shinfo.frags[j].page);
    skb->shinfo.nr_frags = (u8)i;
    skb->data_len = len - skb_headlen(skb);
    skb->len = len;
    return 0;
}

/* Moves delta bytes from the frags to the linear part (tailroom needed). */
void *__pskb_pull_tail(struct sk_buff *skb, int delta)
{
    if (delta <= 0 || (unsigned)delta > skb->data_len ||
        (unsigned)delta > (unsigned)(skb->end - skb->tail))
        return NULL;
    unsigned int left = (unsigned)delta;
    while (left) {
        skb_frag_t *f = &skb->shinfo.frags[0];
        unsigned int n = min(left, f->size);
        memcpy(skb->tail, (u8 *)page_address(f->page) + f->offset, n);
        skb->tail += n;
        f->offset += n;
        f->size -= n;
        left -= n;
        if (f->size == 0) {
            put_page(f->page);
            memmove(&skb->shinfo.frags[0], &skb->shinfo.frags[1],
                    sizeof(skb_frag_t) * (size_t)(skb->shinfo.nr_frags - 1));
            skb->shinfo.nr_frags--;
        }
    }
    skb->data_len -= (unsigned)delta;
    return skb->tail;
}

int skb_cow_head(struct sk_buff *skb, unsigned int headroom)
{
    return skb_headroom(skb) >= headroom ? 0 : -ENOMEM;
}

int skb_pad(struct sk_buff *skb, int pad)
{
    if (pad <= 0)
        return 0;
    if (skb->data_len || (int)(skb->end - skb->tail) < pad) {
        kfree_skb(skb); /* Linux's contract: on error the skb is freed */
        return -ENOMEM;
    }
    memset(skb->tail, 0, (size_t)pad);
    return 0;
}

int eth_skb_pad(struct sk_buff *skb)
{
    if (skb->len >= ETH_ZLEN)
        return 0;
    unsigned int pad = ETH_ZLEN - skb->len;
    int err = skb_pad(skb, (int)pad);
    if (err)
        return err;
    skb->tail += pad;
    skb->len += pad;
    return 0;
}

/* ---- Ethernet, VLAN, checksums ---- */

__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
    skb->dev = dev;
    skb_reset_mac_header(skb);
    const struct ethhdr *eth = (const struct ethhdr *)skb->data;
    skb_pull(skb, ETH_HLEN);
    skb_reset_network_header(skb);
    u16 proto = ntohs(eth->h_proto);
    if (proto >= ETH_P_802_3_MIN)
        return eth->h_proto;
    return htons(ETH_P_802_2);
}

int eth_validate_addr(struct net_device *dev)
{
    return is_valid_ether_addr(dev->dev_addr) ? 0 : -EADDRNOTAVAIL;
}

__be16 vlan_get_protocol(const struct sk_buff *skb)
{
    __be16 proto = skb->protocol;
    unsigned int off = ETH_HLEN;
    const u8 *mac = skb->data;
    if (skb->mac_header <= skb->data - skb->head) /* after eth_type_trans */
        mac = skb_mac_header(skb);
    for (int depth = 0; depth < 8; depth++) {
        if (proto != htons(ETH_P_8021Q) && proto != htons(ETH_P_8021AD))
            return proto;
        if (off + VLAN_HLEN > skb_headlen(skb) + (unsigned)(skb->data - mac))
            return 0;
        const struct vlan_hdr *vh = (const struct vlan_hdr *)(mac + off);
        proto = vh->h_vlan_encapsulated_proto;
        off += VLAN_HLEN;
    }
    return 0;
}

static u32 sum16(const void *p, size_t n, u32 sum)
{
    const u8 *b = p;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (u32)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        sum += (u32)b[n - 1] << 8;
    return sum;
}

static __sum16 fold(u32 sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (__sum16)htons((u16)~sum);
}

/* The folded, complemented pseudo-header sum; `sum` is a partial sum in
 * network order as Linux's __wsum (here always 0 from e1000). */
__sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum)
{
    u32 s = ntohs((u16)sum) + ntohs((u16)(sum >> 16));
    s = sum16(&saddr, 4, s);
    s = sum16(&daddr, 4, s);
    s += proto;
    s += len & 0xffff;
    s += len >> 16;
    return fold(s);
}

__sum16 csum_ipv6_magic(const struct in6_addr *saddr, const struct in6_addr *daddr, u32 len,
                        u8 proto, __wsum sum)
{
    u32 s = ntohs((u16)sum) + ntohs((u16)(sum >> 16));
    s = sum16(saddr, 16, s);
    s = sum16(daddr, 16, s);
    s += proto;
    s += len & 0xffff;
    s += len >> 16;
    return fold(s);
}

void tcp_v6_gso_csum_prep(struct sk_buff *skb)
{
    struct ipv6hdr *ip6 = ipv6_hdr(skb);
    struct tcphdr *th = tcp_hdr(skb);
    ip6->payload_len = 0;
    th->check = (__sum16)~csum_ipv6_magic(&ip6->saddr, &ip6->daddr, 0, IPPROTO_TCP, 0);
}

/* ---- net_device ---- */

struct net_device *alloc_etherdev(int sizeof_priv)
{
    if (sizeof_priv < 0)
        return NULL;
    size_t base = ALIGN(sizeof(struct net_device), (size_t)32);
    struct net_device *dev = calloc(1, base + (size_t)sizeof_priv);
    if (dev == NULL)
        return NULL;
    dev->priv = (u8 *)dev + base;
    dev->mtu = ETH_DATA_LEN;
    dev->min_mtu = ETH_MIN_MTU;
    dev->max_mtu = ETH_DATA_LEN;
    dev->addr_len = ETH_ALEN;
    dev->dev_addr = dev->dev_addr_storage;
    dev->flags = IFF_BROADCAST | IFF_MULTICAST;
    dev->txq.dev = dev;
    strscpy(dev->name, "eth%d", sizeof(dev->name));
    return dev;
}

void free_netdev(struct net_device *dev)
{
    if (dev == the_netdev)
        the_netdev = NULL;
    free(dev);
}

void eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
    memcpy(dev->dev_addr_storage, addr, ETH_ALEN);
}

int register_netdev(struct net_device *dev)
{
    if (the_netdev != NULL)
        return -EBUSY; /* one interface per component */
    if (strcmp(dev->name, "eth%d") == 0)
        strscpy(dev->name, "eth0", sizeof(dev->name));
    memcpy(dev->perm_addr, dev->dev_addr, dev->addr_len);
    set_bit(__LINK_STATE_PRESENT, &dev->state);
    dev->registered = true;
    the_netdev = dev;
    printk(KERN_INFO "dde: registered %s, MAC %pM\n", dev->name, dev->dev_addr);
    return 0;
}

void unregister_netdev(struct net_device *dev)
{
    if (netif_running(dev) && dev->netdev_ops->ndo_stop)
        dev->netdev_ops->ndo_stop(dev);
    clear_bit(__LINK_STATE_START, &dev->state);
    dev->registered = false;
    if (dev == the_netdev)
        the_netdev = NULL;
}

struct net_device *dde_netdev(void)
{
    return the_netdev;
}

int dde_netdev_open(struct net_device *dev)
{
    if (netif_running(dev))
        return 0;
    const struct net_device_ops *ops = dev->netdev_ops;
    if (ops->ndo_validate_addr) {
        int err = ops->ndo_validate_addr(dev);
        if (err)
            return err;
    }
    set_bit(__LINK_STATE_START, &dev->state);
    int err = ops->ndo_open ? ops->ndo_open(dev) : 0;
    if (err) {
        clear_bit(__LINK_STATE_START, &dev->state);
        return err;
    }
    dev->flags |= IFF_UP;
    if (ops->ndo_set_rx_mode)
        ops->ndo_set_rx_mode(dev);
    return 0;
}

void dde_netdev_set_sink(const dde_netdev_sink_t *s)
{
    if (s)
        sink = *s;
    else
        memset(&sink, 0, sizeof(sink));
}

void netif_carrier_on(struct net_device *dev)
{
    if (test_and_clear_bit(__LINK_STATE_NOCARRIER, &dev->state) && sink.carrier)
        sink.carrier(sink.ctx, true);
}

void netif_carrier_off(struct net_device *dev)
{
    if (!test_and_set_bit(__LINK_STATE_NOCARRIER, &dev->state) && sink.carrier)
        sink.carrier(sink.ctx, false);
}

void netif_device_detach(struct net_device *dev)
{
    if (test_and_clear_bit(__LINK_STATE_PRESENT, &dev->state) && netif_running(dev))
        netif_tx_disable(dev);
}

void netif_device_attach(struct net_device *dev)
{
    if (!test_and_set_bit(__LINK_STATE_PRESENT, &dev->state) && netif_running(dev))
        netif_wake_queue(dev);
}

void netif_wake_queue(struct net_device *dev)
{
    bool was = dev->txq.stopped;
    dev->txq.stopped = false;
    if (was && sink.tx_wake)
        sink.tx_wake(sink.ctx);
}

/* ---- receive ---- */

/* The whole frame, from its MAC header, into one buffer for the sink. */
static void deliver(struct sk_buff *skb)
{
    struct net_device *dev = skb->dev ? skb->dev : the_netdev;
    unsigned char *mac = skb->head + skb->mac_header;
    if (mac > skb->data)
        mac = skb->data; /* no eth_type_trans: data is the frame */
    unsigned int head = (unsigned int)(skb->data - mac) + skb_headlen(skb);
    unsigned int total = head + skb->data_len;
    static u8 frame[16384];
    if (sink.rx == NULL || total > sizeof(frame)) {
        if (dev)
            dev->stats.rx_dropped++;
        kfree_skb(skb);
        return;
    }
    const u8 *out = mac;
    if (skb->shinfo.nr_frags) {
        memcpy(frame, mac, head);
        unsigned int off = head;
        for (int i = 0; i < skb->shinfo.nr_frags; i++) {
            const skb_frag_t *f = &skb->shinfo.frags[i];
            memcpy(frame + off, (u8 *)page_address(f->page) + f->offset, f->size);
            off += f->size;
        }
        out = frame;
    }
    sink.rx(sink.ctx, out, total);
    kfree_skb(skb);
}

int netif_receive_skb(struct sk_buff *skb)
{
    deliver(skb);
    return 0;
}

int netif_rx(struct sk_buff *skb)
{
    deliver(skb);
    return 0;
}

gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb)
{
    (void)napi;
    deliver(skb);
    return GRO_NORMAL;
}

struct sk_buff *napi_get_frags(struct napi_struct *napi)
{
    if (napi->frags_skb == NULL) {
        napi->frags_skb = napi_alloc_skb(napi, 256);
        if (napi->frags_skb)
            skb_reset_mac_header(napi->frags_skb);
    }
    return napi->frags_skb;
}

gro_result_t napi_gro_frags(struct napi_struct *napi)
{
    struct sk_buff *skb = napi->frags_skb;
    napi->frags_skb = NULL;
    if (skb) {
        skb_reset_mac_header(skb);
        deliver(skb);
    }
    return GRO_NORMAL;
}

void napi_free_frags(struct napi_struct *napi)
{
    kfree_skb(napi->frags_skb);
    napi->frags_skb = NULL;
}

/* ---- NAPI ---- */

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *, int))
{
    memset(napi, 0, sizeof(*napi));
    napi->dev = dev;
    napi->poll = poll;
    napi->weight = NAPI_POLL_WEIGHT;
}

static void unlist(struct napi_struct *n)
{
    for (struct napi_struct **pp = &napi_list; *pp; pp = &(*pp)->next)
        if (*pp == n) {
            *pp = n->next;
            break;
        }
    n->next = NULL;
    n->listed = false;
}

void netif_napi_del(struct napi_struct *napi)
{
    if (napi->listed)
        unlist(napi);
    napi_free_frags(napi);
}

void napi_enable(struct napi_struct *napi)
{
    napi->enabled = true;
    napi->scheduled = false;
}

/* Linux leaves a disabled instance "scheduled" so that prep fails. */
void napi_disable(struct napi_struct *napi)
{
    napi->enabled = false;
    if (napi->listed)
        unlist(napi);
    napi->scheduled = true;
}

bool napi_schedule_prep(struct napi_struct *napi)
{
    if (!napi->enabled || napi->scheduled)
        return false;
    napi->scheduled = true;
    return true;
}

void __napi_schedule(struct napi_struct *napi)
{
    if (napi->listed)
        return;
    napi->listed = true;
    napi->next = NULL;
    struct napi_struct **pp = &napi_list;
    while (*pp)
        pp = &(*pp)->next;
    *pp = napi;
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
    (void)work_done;
    if (!napi->enabled)
        return false;
    napi->scheduled = false;
    if (napi->listed)
        unlist(napi);
    return true;
}

bool dde_napi_round(void)
{
    /* Poll what is listed now; a poll may complete and be rescheduled by
     * its own interrupt enable, which lists it for the next round. */
    struct napi_struct *todo[8];
    int n = 0;
    for (struct napi_struct *p = napi_list; p && n < 8; p = p->next)
        todo[n++] = p;
    for (int i = 0; i < n; i++) {
        struct napi_struct *p = todo[i];
        if (!p->listed || !p->enabled)
            continue;
        int done = p->poll(p, p->weight);
        if (done > p->weight)
            printk(KERN_WARNING "dde: NAPI poll did %d > budget %d\n", done, p->weight);
    }
    return napi_list != NULL;
}

bool dde_napi_round_pending(void)
{
    return napi_list != NULL;
}

bool dde_napi_run(int max_rounds)
{
    for (int i = 0; i < max_rounds; i++)
        if (!dde_napi_round())
            return false;
    return napi_list != NULL;
}

/* ---- ethtool helpers ---- */

u32 ethtool_op_get_link(struct net_device *dev)
{
    return netif_carrier_ok(dev);
}

int ethtool_op_get_ts_info(struct net_device *dev, struct ethtool_ts_info *info)
{
    (void)dev;
    memset(info, 0, sizeof(*info));
    info->phc_index = -1;
    return 0;
}

void ethtool_convert_legacy_u32_to_link_mode(unsigned long *dst, u32 legacy_u32)
{
    bitmap_zero(dst, __ETHTOOL_LINK_MODE_MASK_NBITS);
    dst[0] = legacy_u32;
}

bool ethtool_convert_link_mode_to_legacy_u32(u32 *legacy_u32, const unsigned long *src)
{
    *legacy_u32 = (u32)src[0];
    if (src[0] >> 32)
        return false;
    for (unsigned i = 1; i < BITS_TO_LONGS(__ETHTOOL_LINK_MODE_MASK_NBITS); i++)
        if (src[i])
            return false;
    return true;
}
