// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sockets on lwIP's raw TCP and UDP APIs (sock.h, protocol <kaal/net_rpc.h>).
 *
 * Model: clients[badge] holds up to NET_RPC_MAX_SOCKETS sockets; a socket
 * owns at most one tcp_pcb (tcp_arg points back at the socket) and the
 * received data not yet read (rx, one pbuf chain: lwIP's window opens by
 * what a client reads, tcp_recved, so rxq never holds more than TCP_WND). A
 * connection a listener accepted takes a socket of the listener's client
 * at once (state ACCEPTQ, queued on the listener) so data arriving before
 * accept has a home; ACCEPT hands out the first queued one.
 *
 * Waiting: a client has at most one waiting call (client_t.wait). Every
 * lwIP callback on a socket re-runs the waiting call of that socket's
 * client (retry), which either completes it through ops->reply_later or
 * leaves it waiting. lwIP may call back from inside tcp_abort and
 * tcp_close, so a socket's callbacks are cut (tcp_arg NULL) before either.
 *
 * UDP: a datagram socket owns one udp_pcb (upcb) and a queue of received
 * datagrams with their sources (dq, at most DGRAM_MAX; more are dropped,
 * as a full socket buffer drops them on Linux).
 *
 * Readiness: a client with a notification (REGISTER_NTFN) is armed by each
 * of its requests; the first lwIP callback on one of its sockets after that
 * signals it (note_event) and disarms it. POLL computes every socket's
 * bits from its state (sock_ready), so nothing is kept per event.
 *
 * Invariants: s->pcb == NULL once lwIP freed it (err callback) or we closed
 * it; a free socket has no pcb, no rx data and is on no accept queue; a
 * UDP socket never has a tcp_pcb and a TCP socket never an upcb.
 */
#include "sock.h"

#include <kaal/linux_errno.h>
#include <kaal/string.h>
#include <stdlib.h> /* calloc: the component heap (port/libc/) or the host's */

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h" /* tcp_process_refused_data */
#include "lwip/tcp.h"
#include "lwip/udp.h"

enum { S_FREE, S_NEW, S_LISTEN, S_ACCEPTQ, S_CONNECTING, S_CONNECTED, S_DEAD };

#define ACCEPTQ_MAX 32
#define RXQ_MAX 16 /* 16 chains of up to 64 KiB hold TCP_WND (512 KiB) */
#define DGRAM_MAX 32
#define UDP_MAX_PAYLOAD 65507u

typedef struct sock sock_t;
typedef struct client client_t;

struct sock {
    uint8_t state;
    bool rd_shut, wr_shut, eof, nodelay;
    int err; /* pending error (SO_ERROR; reported once by a call) */
    struct tcp_pcb *pcb;
    /* received, not yet read: chains of at most 0xffff bytes (pbuf
     * lengths are 16 bits), oldest first */
    struct pbuf *rxq[RXQ_MAX];
    unsigned rxq_head, rxq_n;
    client_t *client;
    int listener;                 /* ACCEPTQ: the listening socket's number */
    uint8_t acceptq[ACCEPTQ_MAX]; /* LISTEN: queued socket numbers */
    unsigned aq_head, aq_n, backlog;
    uint32_t rcvbuf, sndbuf;
    bool reuseaddr, reuseport, keepalive, broadcast;
    bool linger_on;
    uint32_t linger_s;
    /* UDP */
    bool udp;
    struct udp_pcb *upcb;
    struct {
        struct pbuf *p;
        uint32_t addr; /* source, host order */
        uint16_t port;
    } dq[DGRAM_MAX];
    unsigned dq_head, dq_n;
};

typedef struct {
    bool active;
    uint64_t label;
    unsigned sock;
    uint64_t off, len, flags;
    uint64_t addr, port; /* UDP SEND: the destination (port 0: the connected peer) */
} wait_t;

struct client {
    uint64_t badge;
    uint8_t *shm;
    size_t shm_bytes;
    wait_t wait;
    bool retrying; /* in retry: lwIP callbacks it causes must not answer twice */
    bool has_ntfn; /* REGISTER_NTFN done: the caller holds the cap */
    bool armed;    /* a request since the last signal */
    sock_t socks[NET_RPC_MAX_SOCKETS];
};

static client_t *clients[NET_RPC_MAX_CLIENTS]; /* made at a client's first request */
static void rx_drop(sock_t *s);
static void dq_drop(sock_t *s);
static const net_sock_ops_t *sock_ops;
static void *sock_ctx;

void net_sock_init(const net_sock_ops_t *ops, void *ctx)
{
    sock_ops = ops;
    sock_ctx = ctx;
}

static client_t *get_client(uint64_t badge)
{
    if (badge == 0 || badge >= NET_RPC_MAX_CLIENTS)
        return NULL;
    if (clients[badge] == NULL) {
        client_t *c = calloc(1, sizeof(*c));
        if (c == NULL)
            return NULL;
        c->badge = badge;
        for (unsigned s = 0; s < NET_RPC_MAX_SOCKETS; s++)
            c->socks[s].client = c;
        clients[badge] = c;
    }
    return clients[badge];
}

void net_sock_set_shm(uint64_t badge, void *base, size_t size_bytes)
{
    client_t *c = get_client(badge);
    if (c == NULL)
        return;
    c->shm = base;
    c->shm_bytes = base ? size_bytes : 0;
}

static unsigned sock_no(const sock_t *s)
{
    return (unsigned)(s - s->client->socks);
}

static uint64_t lwip_errno(err_t e)
{
    switch (e) {
    case ERR_OK: return 0;
    case ERR_MEM: return LINUX_ENOMEM;
    case ERR_BUF: return LINUX_ENOBUFS;
    case ERR_TIMEOUT: return LINUX_ETIMEDOUT;
    case ERR_RTE: return LINUX_ENETUNREACH;
    case ERR_INPROGRESS: return LINUX_EINPROGRESS;
    case ERR_VAL: return LINUX_EINVAL;
    case ERR_WOULDBLOCK: return LINUX_EAGAIN;
    case ERR_USE: return LINUX_EADDRINUSE;
    case ERR_ALREADY: return LINUX_EALREADY;
    case ERR_ISCONN: return LINUX_EISCONN;
    case ERR_CONN: return LINUX_ENOTCONN;
    case ERR_IF: return LINUX_ENETDOWN;
    case ERR_ABRT: return LINUX_ECONNABORTED;
    case ERR_RST: return LINUX_ECONNRESET;
    case ERR_CLSD: return LINUX_ENOTCONN;
    case ERR_ARG: return LINUX_EINVAL;
    default: return LINUX_EIO;
    }
}

/* ---- socket life ---- */

static sock_t *sock_alloc(client_t *c)
{
    for (unsigned i = 0; i < NET_RPC_MAX_SOCKETS; i++) {
        sock_t *s = &c->socks[i];
        if (s->state == S_FREE) {
            memset(s, 0, sizeof(*s));
            s->client = c;
            s->state = S_NEW;
            s->rcvbuf = TCP_WND;
            s->sndbuf = TCP_SND_BUF;
            s->listener = -1;
            return s;
        }
    }
    return NULL;
}

/* Cuts lwIP's callbacks from the pcb and lets go of it: closed gracefully
 * if lwIP can, else aborted (a reset). */
static void pcb_release(sock_t *s, bool abort)
{
    struct tcp_pcb *pcb = s->pcb;
    if (pcb == NULL)
        return;
    s->pcb = NULL;
    tcp_arg(pcb, NULL);
    if (pcb->state == LISTEN) {
        tcp_accept(pcb, NULL);
        tcp_close(pcb);
        return;
    }
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (abort || tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

static void sock_free(sock_t *s, bool abort)
{
    client_t *c = s->client;
    if (s->state == S_LISTEN) {
        /* connections nobody accepted go with their listener */
        while (s->aq_n > 0) {
            sock_t *q = &c->socks[s->acceptq[s->aq_head]];
            s->aq_head = (s->aq_head + 1) % ACCEPTQ_MAX;
            s->aq_n--;
            sock_free(q, true);
        }
    }
    if (s->rxq_n > 0) {
        /* unread data: a close with data pending resets, as on Linux */
        rx_drop(s);
        abort = true;
    }
    if (s->linger_on && s->linger_s == 0)
        abort = true; /* SO_LINGER 0: close resets */
    pcb_release(s, abort);
    dq_drop(s);
    if (s->upcb != NULL) {
        udp_recv(s->upcb, NULL, NULL);
        udp_remove(s->upcb);
        s->upcb = NULL;
    }
    s->state = S_FREE;
}

/* ---- received data ---- */

static void rx_drop(sock_t *s)
{
    while (s->rxq_n > 0) {
        pbuf_free(s->rxq[s->rxq_head]);
        s->rxq_head = (s->rxq_head + 1) % RXQ_MAX;
        s->rxq_n--;
    }
}

static uint32_t rx_bytes(const sock_t *s)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < s->rxq_n; i++)
        n += s->rxq[(s->rxq_head + i) % RXQ_MAX]->tot_len;
    return n;
}

/* false: no room (lwIP keeps the data and offers it again) */
static bool rx_append(sock_t *s, struct pbuf *p)
{
    if (s->rxq_n > 0) {
        struct pbuf *tail = s->rxq[(s->rxq_head + s->rxq_n - 1) % RXQ_MAX];
        if ((uint32_t)tail->tot_len + p->tot_len <= 0xffff) {
            pbuf_cat(tail, p);
            return true;
        }
    }
    if (s->rxq_n == RXQ_MAX)
        return false;
    s->rxq[(s->rxq_head + s->rxq_n) % RXQ_MAX] = p;
    s->rxq_n++;
    return true;
}

/* Copies up to max bytes to dst and leaves them queued; returns how many. */
static uint64_t rx_peek(const sock_t *s, uint8_t *dst, uint64_t max)
{
    uint64_t done = 0;
    for (unsigned i = 0; i < s->rxq_n && done < max; i++) {
        const struct pbuf *h = s->rxq[(s->rxq_head + i) % RXQ_MAX];
        uint64_t n = h->tot_len < max - done ? h->tot_len : max - done;
        done += pbuf_copy_partial(h, dst + done, (u16_t)n, 0);
    }
    return done;
}

/* Moves up to max bytes to dst; returns how many. */
static uint64_t rx_take(sock_t *s, uint8_t *dst, uint64_t max)
{
    uint64_t done = 0;
    while (done < max && s->rxq_n > 0) {
        struct pbuf *h = s->rxq[s->rxq_head];
        uint64_t n = h->tot_len;
        if (n > max - done)
            n = max - done;
        pbuf_copy_partial(h, dst + done, (u16_t)n, 0);
        h = pbuf_free_header(h, (u16_t)n);
        if (h == NULL) {
            s->rxq_head = (s->rxq_head + 1) % RXQ_MAX;
            s->rxq_n--;
        } else {
            s->rxq[s->rxq_head] = h;
        }
        if (s->pcb != NULL)
            tcp_recved(s->pcb, (u16_t)n);
        done += n;
    }
    if (s->pcb != NULL && s->pcb->refused_data != NULL)
        tcp_process_refused_data(s->pcb); /* may call on_recv: rxq has room now */
    return done;
}

static void dq_drop(sock_t *s)
{
    while (s->dq_n > 0) {
        pbuf_free(s->dq[s->dq_head].p);
        s->dq_head = (s->dq_head + 1) % DGRAM_MAX;
        s->dq_n--;
    }
}

/* ---- waiting calls and readiness ---- */

static void note_event(client_t *c)
{
    if (c->has_ntfn && c->armed) {
        c->armed = false;
        sock_ops->notify(sock_ctx, (unsigned)c->badge);
    }
}

static int run_op(client_t *c, uint64_t label, sock_t *s, const wait_t *w, net_reply_t *r);

static void retry(sock_t *s)
{
    client_t *c = s->client;
    note_event(c);
    if (!c->wait.active || &c->socks[c->wait.sock] != s) {
        /* a waiting ACCEPT is on the listener, not on this socket */
        if (!(c->wait.active && s->state == S_ACCEPTQ && s->listener >= 0 &&
              (unsigned)s->listener == c->wait.sock))
            return;
        s = &c->socks[c->wait.sock];
    }
    if (c->retrying)
        return;
    net_reply_t r = {0};
    wait_t w = c->wait;
    c->retrying = true;
    int done = run_op(c, w.label, s, &w, &r);
    c->retrying = false;
    if (done == NET_SOCK_REPLY) {
        c->wait.active = false;
        sock_ops->reply_later(sock_ctx, (unsigned)c->badge, &r);
    }
}

/* ---- lwIP callbacks (arg: the socket) ---- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    sock_t *s = arg;
    (void)pcb;
    if (s == NULL) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (p == NULL || err != ERR_OK) {
        s->eof = true;
    } else if (s->rd_shut) {
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    } else {
        if (sock_ops->rx_pressure(sock_ctx)) {
            /* the driver's buffers run short: keep a copy, free its buffers */
            struct pbuf *q = pbuf_clone(PBUF_RAW, PBUF_POOL, p);
            if (q != NULL) {
                pbuf_free(p);
                p = q;
            }
        }
        if (!rx_append(s, p))
            return ERR_MEM;
    }
    retry(s);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    if (arg != NULL)
        retry(arg);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    sock_t *s = arg;
    if (s == NULL)
        return;
    s->pcb = NULL; /* lwIP freed it */
    s->err =
        (int)(s->state == S_CONNECTING && err == ERR_RST ? LINUX_ECONNREFUSED : lwip_errno(err));
    s->state = S_DEAD;
    s->eof = true;
    retry(s);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    sock_t *s = arg;
    (void)pcb;
    if (s == NULL)
        return ERR_OK;
    if (err != ERR_OK)
        s->err = (int)lwip_errno(err);
    else
        s->state = S_CONNECTED;
    retry(s);
    return ERR_OK;
}

static void set_callbacks(sock_t *s, struct tcp_pcb *pcb)
{
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    sock_t *l = arg;
    if (l == NULL || err != ERR_OK || newpcb == NULL)
        return ERR_VAL;
    sock_t *s = l->aq_n < l->backlog ? sock_alloc(l->client) : NULL;
    if (s == NULL) {
        tcp_abort(newpcb); /* queue full or no socket left: the peer sees a reset */
        return ERR_ABRT;
    }
    s->state = S_ACCEPTQ;
    s->listener = (int)sock_no(l);
    s->pcb = newpcb;
    s->reuseaddr = l->reuseaddr;
    set_callbacks(s, newpcb);
    if (l->nodelay) {
        s->nodelay = true;
        tcp_nagle_disable(newpcb);
    }
    l->acceptq[(l->aq_head + l->aq_n) % ACCEPTQ_MAX] = (uint8_t)sock_no(s);
    l->aq_n++;
    /* Counted against the listener's backlog until accepted: while the
     * queue is full lwIP drops new SYNs and the peers retry, as Linux does
     * (a reset would fail their connect). */
    tcp_backlog_delayed(newpcb);
    retry(l);
    return ERR_OK;
}

static void on_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                        u16_t port)
{
    sock_t *s = arg;
    (void)pcb;
    if (s == NULL || s->rd_shut || s->dq_n == DGRAM_MAX) {
        pbuf_free(p); /* the socket's buffer is full: dropped, as Linux */
        return;
    }
    if (sock_ops->rx_pressure(sock_ctx)) {
        struct pbuf *q = pbuf_clone(PBUF_RAW, PBUF_POOL, p);
        if (q != NULL) {
            pbuf_free(p);
            p = q;
        }
    }
    unsigned i = (s->dq_head + s->dq_n) % DGRAM_MAX;
    s->dq[i].p = p;
    s->dq[i].addr = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(addr)));
    s->dq[i].port = port;
    s->dq_n++;
    retry(s);
}

/* ---- operations ---- */

static uint64_t fail(net_reply_t *r, uint64_t e)
{
    r->label = e;
    r->n_words = 0;
    return NET_SOCK_REPLY;
}

static int ok(net_reply_t *r, unsigned n, uint64_t a, uint64_t b, uint64_t c2, uint64_t d)
{
    r->label = 0;
    r->n_words = n;
    r->mr[0] = a;
    r->mr[1] = b;
    r->mr[2] = c2;
    r->mr[3] = d;
    return NET_SOCK_REPLY;
}

static int take_error(sock_t *s, net_reply_t *r)
{
    int e = s->err;
    s->err = 0;
    return (int)fail(r, (uint64_t)e);
}

static int op_accept(client_t *c, sock_t *l, uint64_t flags, net_reply_t *r)
{
    if (l->state != S_LISTEN)
        return (int)fail(r, LINUX_EINVAL);
    if (l->aq_n == 0)
        return flags & NET_RPC_NONBLOCK ? (int)fail(r, LINUX_EAGAIN) : NET_SOCK_WAIT;
    sock_t *s = &c->socks[l->acceptq[l->aq_head]];
    l->aq_head = (l->aq_head + 1) % ACCEPTQ_MAX;
    l->aq_n--;
    s->listener = -1;
    s->state = s->pcb != NULL ? S_CONNECTED : S_DEAD;
    if (s->pcb != NULL)
        tcp_backlog_accepted(s->pcb); /* room in the backlog for the next SYN */
    uint32_t addr = 0, port = 0;
    if (s->pcb != NULL) {
        addr = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&s->pcb->remote_ip)));
        port = s->pcb->remote_port;
    }
    return ok(r, 3, sock_no(s), addr, port, 0);
}

static int op_connect_done(sock_t *s, net_reply_t *r)
{
    if (s->state == S_CONNECTED)
        return ok(r, 0, 0, 0, 0, 0);
    if (s->err != 0)
        return take_error(s, r);
    return NET_SOCK_WAIT;
}

static int udp_send_op(client_t *c, sock_t *s, const wait_t *w, net_reply_t *r);
static int udp_recv_op(client_t *c, sock_t *s, const wait_t *w, net_reply_t *r);

static int op_send(client_t *c, sock_t *s, const wait_t *w, net_reply_t *r)
{
    if (s->udp)
        return udp_send_op(c, s, w, r);
    if (s->err != 0 && s->state == S_DEAD)
        return take_error(s, r);
    if (s->wr_shut || s->state == S_DEAD || (s->state == S_CONNECTED && s->pcb == NULL))
        return (int)fail(r, LINUX_EPIPE);
    if (s->state == S_CONNECTING)
        return w->flags & NET_RPC_NONBLOCK ? (int)fail(r, LINUX_EAGAIN) : NET_SOCK_WAIT;
    if (s->state != S_CONNECTED)
        return (int)fail(r, LINUX_ENOTCONN);
    const uint8_t *data = c->shm + w->off;
    uint64_t done = 0;
    while (done < w->len) {
        uint32_t room = tcp_sndbuf(s->pcb);
        if (room == 0 || tcp_sndqueuelen(s->pcb) >= TCP_SND_QUEUELEN - 1)
            break;
        uint64_t n = w->len - done;
        if (n > room)
            n = room;
        if (n > 0xffff)
            n = 0xffff;
        if (tcp_write(s->pcb, data + done, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        done += n;
    }
    if (done == 0 && w->len > 0)
        return w->flags & NET_RPC_NONBLOCK ? (int)fail(r, LINUX_EAGAIN) : NET_SOCK_WAIT;
    tcp_output(s->pcb);
    return ok(r, 1, done, 0, 0, 0);
}

static int op_recv(client_t *c, sock_t *s, const wait_t *w, net_reply_t *r)
{
    if (s->udp)
        return udp_recv_op(c, s, w, r);
    if (s->state != S_CONNECTED && s->state != S_DEAD && s->state != S_CONNECTING)
        return (int)fail(r, LINUX_ENOTCONN);
    if (s->rxq_n > 0 && w->len > 0 && (w->flags & NET_RPC_PEEK))
        return ok(r, 1, rx_peek(s, c->shm + w->off, w->len), 0, 0, 0);
    if (s->rxq_n > 0 && w->len > 0)
        return ok(r, 1, rx_take(s, c->shm + w->off, w->len), 0, 0, 0);
    if (s->err != 0)
        return take_error(s, r);
    if (s->eof || s->rd_shut || w->len == 0)
        return ok(r, 1, 0, 0, 0, 0);
    return w->flags & NET_RPC_NONBLOCK ? (int)fail(r, LINUX_EAGAIN) : NET_SOCK_WAIT;
}

/* The part of an operation that may wait (also run again by retry). */
static int run_op(client_t *c, uint64_t label, sock_t *s, const wait_t *w, net_reply_t *r)
{
    switch (label) {
    case NET_RPC_ACCEPT: return op_accept(c, s, w->flags, r);
    case NET_RPC_CONNECT: return op_connect_done(s, r);
    case NET_RPC_SEND: return op_send(c, s, w, r);
    case NET_RPC_RECV: return op_recv(c, s, w, r);
    default: return (int)fail(r, LINUX_ENOSYS);
    }
}

static int op_socket(client_t *c, const net_msg_t *m, net_reply_t *r)
{
    if (m->mr[0] != NET_AF_INET)
        return (int)fail(r, LINUX_EAFNOSUPPORT);
    if (m->mr[1] != NET_SOCK_STREAM && m->mr[1] != NET_SOCK_DGRAM)
        return (int)fail(r, LINUX_EINVAL);
    bool udp = m->mr[1] == NET_SOCK_DGRAM;
    if (m->mr[2] != 0 && m->mr[2] != (udp ? NET_IPPROTO_UDP : NET_IPPROTO_TCP))
        return (int)fail(r, LINUX_EPROTONOSUPPORT);
    sock_t *s = sock_alloc(c);
    if (s == NULL)
        return (int)fail(r, LINUX_EMFILE);
    if (udp) {
        s->udp = true;
        s->upcb = udp_new_ip_type(IPADDR_TYPE_V4);
        if (s->upcb == NULL) {
            s->state = S_FREE;
            return (int)fail(r, LINUX_ENOBUFS);
        }
        udp_recv(s->upcb, on_udp_recv, s);
        return ok(r, 2, sock_no(s), c->has_ntfn, 0, 0);
    }
    s->pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (s->pcb == NULL) {
        s->state = S_FREE;
        return (int)fail(r, LINUX_ENOBUFS);
    }
    set_callbacks(s, s->pcb);
    return ok(r, 2, sock_no(s), c->has_ntfn, 0, 0);
}

static bool port_ok(uint64_t port)
{
    return port <= 0xffff;
}

static bool addr_ok(uint64_t addr)
{
    return addr <= 0xffffffffu;
}

/* An address of one of our interfaces (lwIP's tcp_bind takes any). */
static bool local_address(const ip_addr_t *a)
{
    struct netif *n;
    NETIF_FOREACH(n)
    {
        if (ip4_addr_cmp(ip_2_ip4(a), netif_ip4_addr(n)))
            return true;
    }
    return false;
}

/* ---- UDP ---- */

static int udp_bind_op(sock_t *s, const net_msg_t *m, net_reply_t *r)
{
    if (s->upcb->local_port != 0)
        return (int)fail(r, LINUX_EINVAL);
    ip_addr_t a;
    ip_addr_set_ip4_u32(&a, lwip_htonl((uint32_t)m->mr[1]));
    if (m->mr[1] != NET_RPC_INADDR_ANY && !local_address(&a))
        return (int)fail(r, LINUX_EADDRNOTAVAIL);
    err_t e = udp_bind(s->upcb, &a, (u16_t)m->mr[2]);
    return e == ERR_OK ? ok(r, 0, 0, 0, 0, 0) : (int)fail(r, lwip_errno(e));
}

static int udp_connect_op(sock_t *s, const net_msg_t *m, net_reply_t *r)
{
    ip_addr_t a;
    ip_addr_set_ip4_u32(&a, lwip_htonl((uint32_t)m->mr[1]));
    err_t e = udp_connect(s->upcb, &a, (u16_t)m->mr[2]);
    if (e != ERR_OK)
        return (int)fail(r, lwip_errno(e));
    s->state = S_CONNECTED;
    return ok(r, 0, 0, 0, 0, 0);
}

/* True if addr:port is this host's and no UDP pcb takes it: the datagram
 * will only draw an ICMP port unreachable, which lwIP does not pass on. */
static bool closed_local_port(const ip_addr_t *addr, u16_t port)
{
    if (!ip4_addr_isloopback(ip_2_ip4(addr)) && !local_address(addr))
        return false;
    for (const struct udp_pcb *u = udp_pcbs; u != NULL; u = u->next)
        if (u->local_port == port &&
            (ip_addr_isany(&u->local_ip) || ip_addr_cmp(&u->local_ip, addr) ||
             (ip4_addr_isloopback(ip_2_ip4(addr)) && ip4_addr_isloopback(ip_2_ip4(&u->local_ip)))))
            return false;
    return true;
}

static int udp_send_op(client_t *c, sock_t *s, const wait_t *w, net_reply_t *r)
{
    if (s->err != 0)
        return take_error(s, r);
    if (s->wr_shut)
        return (int)fail(r, LINUX_EPIPE);
    if (w->len > UDP_MAX_PAYLOAD)
        return (int)fail(r, LINUX_EMSGSIZE);
    bool to = w->port != 0;
    if (!to && !(s->upcb->flags & UDP_FLAGS_CONNECTED))
        return (int)fail(r, LINUX_EDESTADDRREQ);
    if (to && (!addr_ok(w->addr) || !port_ok(w->port)))
        return (int)fail(r, LINUX_EINVAL);
    ip_addr_t a;
    if (to)
        ip_addr_set_ip4_u32(&a, lwip_htonl((uint32_t)w->addr));
    else
        ip_addr_copy(a, s->upcb->remote_ip);
    u16_t port = to ? (u16_t)w->port : s->upcb->remote_port;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)w->len, PBUF_RAM);
    if (p == NULL)
        return (int)fail(r, w->flags & NET_RPC_NONBLOCK ? LINUX_EAGAIN : LINUX_ENOBUFS);
    pbuf_take(p, c->shm + w->off, (u16_t)w->len);
    bool refused = (s->upcb->flags & UDP_FLAGS_CONNECTED) && !to && closed_local_port(&a, port);
    err_t e = udp_sendto(s->upcb, p, &a, port);
    pbuf_free(p);
    if (e != ERR_OK)
        return (int)fail(r, lwip_errno(e));
    if (refused)
        s->err = (int)LINUX_ECONNREFUSED; /* reported by the next call, as Linux */
    return ok(r, 1, w->len, 0, 0, 0);
}

static int udp_recv_op(client_t *c, sock_t *s, const wait_t *w, net_reply_t *r)
{
    if (s->err != 0)
        return take_error(s, r);
    if (s->dq_n == 0) {
        if (s->rd_shut)
            return ok(r, 4, 0, 0, 0, 0);
        return w->flags & NET_RPC_NONBLOCK ? (int)fail(r, LINUX_EAGAIN) : NET_SOCK_WAIT;
    }
    struct pbuf *p = s->dq[s->dq_head].p;
    uint32_t addr = s->dq[s->dq_head].addr;
    uint16_t port = s->dq[s->dq_head].port;
    uint64_t full = p->tot_len, n = full < w->len ? full : w->len;
    pbuf_copy_partial(p, c->shm + w->off, (u16_t)n, 0);
    if (!(w->flags & NET_RPC_PEEK)) {
        pbuf_free(p);
        s->dq_head = (s->dq_head + 1) % DGRAM_MAX;
        s->dq_n--;
    }
    return ok(r, 4, n, addr, port, full);
}

static int op_bind(sock_t *s, const net_msg_t *m, net_reply_t *r)
{
    if (!addr_ok(m->mr[1]) || !port_ok(m->mr[2]))
        return (int)fail(r, LINUX_EINVAL);
    if (s->udp)
        return udp_bind_op(s, m, r);
    if (s->state != S_NEW || s->pcb == NULL)
        return (int)fail(r, LINUX_EINVAL);
    if (s->pcb->local_port != 0)
        return (int)fail(r, LINUX_EINVAL);
    ip_addr_t a;
    ip_addr_set_ip4_u32(&a, lwip_htonl((uint32_t)m->mr[1]));
    if (m->mr[1] != NET_RPC_INADDR_ANY && !local_address(&a))
        return (int)fail(r, LINUX_EADDRNOTAVAIL);
    err_t e = tcp_bind(s->pcb, &a, (u16_t)m->mr[2]);
    return e == ERR_OK ? ok(r, 0, 0, 0, 0, 0) : (int)fail(r, lwip_errno(e));
}

static int op_listen(sock_t *s, const net_msg_t *m, net_reply_t *r)
{
    if (s->udp)
        return (int)fail(r, LINUX_EOPNOTSUPP);
    unsigned backlog = m->mr[1] == 0 ? 1 : m->mr[1] > ACCEPTQ_MAX ? ACCEPTQ_MAX : (unsigned)m->mr[1];
    if (s->state == S_LISTEN) {
        s->backlog = backlog;
        tcp_backlog_set(s->pcb, (u8_t)backlog);
        return ok(r, 0, 0, 0, 0, 0);
    }
    if (s->state != S_NEW || s->pcb == NULL)
        return (int)fail(r, LINUX_EINVAL);
    if (s->pcb->local_port == 0) {
        err_t e = tcp_bind(s->pcb, IP4_ADDR_ANY, 0);
        if (e != ERR_OK)
            return (int)fail(r, lwip_errno(e));
    }
    err_t e = ERR_OK;
    struct tcp_pcb *l = tcp_listen_with_backlog_and_err(s->pcb, (u8_t)backlog, &e);
    if (l == NULL)
        return (int)fail(r, e == ERR_USE ? LINUX_EADDRINUSE : lwip_errno(e));
    s->pcb = l; /* lwIP freed the old pcb */
    s->state = S_LISTEN;
    s->backlog = backlog;
    tcp_arg(l, s);
    tcp_accept(l, on_accept);
    return ok(r, 0, 0, 0, 0, 0);
}

static int op_connect(sock_t *s, const net_msg_t *m, net_reply_t *r)
{
    if (!addr_ok(m->mr[1]) || !port_ok(m->mr[2]) || m->mr[2] == 0)
        return (int)fail(r, LINUX_EINVAL);
    if (s->udp)
        return udp_connect_op(s, m, r);
    if (s->state == S_CONNECTING)
        return (int)fail(r, LINUX_EALREADY);
    if (s->state == S_CONNECTED)
        return (int)fail(r, LINUX_EISCONN);
    if (s->state != S_NEW || s->pcb == NULL)
        return (int)fail(r, LINUX_EINVAL);
    ip_addr_t a;
    ip_addr_set_ip4_u32(&a, lwip_htonl((uint32_t)m->mr[1]));
    err_t e = tcp_connect(s->pcb, &a, (u16_t)m->mr[2], on_connected);
    if (e != ERR_OK)
        return (int)fail(r, lwip_errno(e));
    s->state = S_CONNECTING;
    if (m->mr[3] & NET_RPC_NONBLOCK)
        return (int)fail(r, LINUX_EINPROGRESS);
    return NET_SOCK_WAIT;
}

static int op_shutdown(sock_t *s, const net_msg_t *m, net_reply_t *r)
{
    uint64_t how = m->mr[1];
    if (how > NET_SHUT_RDWR)
        return (int)fail(r, LINUX_EINVAL);
    if (s->state != S_CONNECTED)
        return (int)fail(r, LINUX_ENOTCONN);
    if (s->udp) {
        s->rd_shut |= how != NET_SHUT_WR;
        s->wr_shut |= how != NET_SHUT_RD;
        if (s->rd_shut)
            dq_drop(s);
        return ok(r, 0, 0, 0, 0, 0);
    }
    if (how != NET_SHUT_WR) {
        s->rd_shut = true;
        uint32_t n = rx_bytes(s);
        rx_drop(s);
        while (s->pcb != NULL && n > 0) {
            u16_t k = n > 0xffff ? 0xffff : (u16_t)n;
            tcp_recved(s->pcb, k);
            n -= k;
        }
    }
    if (how != NET_SHUT_RD && !s->wr_shut) {
        s->wr_shut = true;
        if (s->pcb != NULL)
            tcp_shutdown(s->pcb, 0, 1);
    }
    return ok(r, 0, 0, 0, 0, 0);
}

/* The IP-level fields both pcb kinds have (lwIP's IP_PCB). */
static u8_t *so_options(sock_t *s)
{
    return s->udp ? &s->upcb->so_options : s->pcb != NULL ? &s->pcb->so_options : NULL;
}

static u8_t *ip_ttl(sock_t *s)
{
    return s->udp ? &s->upcb->ttl : s->pcb != NULL ? &s->pcb->ttl : NULL;
}

static void set_so_option(sock_t *s, u8_t option, bool on)
{
    u8_t *o = so_options(s);
    if (o != NULL)
        *o = (u8_t)(on ? *o | option : *o & ~option);
}

static int op_setsockopt(sock_t *s, const net_msg_t *m, net_reply_t *r)
{
    uint64_t level = m->mr[1], opt = m->mr[2], v = m->mr[3];
    if (level == NET_SOL_SOCKET) {
        switch (opt) {
        case NET_SO_REUSEADDR:
        case NET_SO_REUSEPORT:
            /* lwIP's SO_REUSE has one flag for both */
            if (opt == NET_SO_REUSEADDR)
                s->reuseaddr = v != 0;
            else
                s->reuseport = v != 0;
            set_so_option(s, SOF_REUSEADDR, s->reuseaddr || s->reuseport);
            return ok(r, 0, 0, 0, 0, 0);
        case NET_SO_KEEPALIVE:
            s->keepalive = v != 0;
            if (!s->udp && s->state != S_LISTEN)
                set_so_option(s, SOF_KEEPALIVE, s->keepalive);
            return ok(r, 0, 0, 0, 0, 0);
        case NET_SO_BROADCAST:
            s->broadcast = v != 0;
            set_so_option(s, SOF_BROADCAST, s->broadcast);
            return ok(r, 0, 0, 0, 0, 0);
        case NET_SO_LINGER:
            s->linger_on = (v & 1) != 0;
            s->linger_s = (uint32_t)(v >> 32);
            return ok(r, 0, 0, 0, 0, 0);
        case NET_SO_RCVBUF:
        case NET_SO_SNDBUF:
            if (v == 0 || v > 0x7fffffff)
                return (int)fail(r, LINUX_EINVAL);
            if (opt == NET_SO_RCVBUF)
                s->rcvbuf = (uint32_t)v;
            else
                s->sndbuf = (uint32_t)v;
            return ok(r, 0, 0, 0, 0, 0);
        default: return (int)fail(r, LINUX_ENOPROTOOPT);
        }
    }
    if (level == NET_IPPROTO_IP && opt == NET_IP_TTL) {
        if (v == 0 || v > 255)
            return (int)fail(r, LINUX_EINVAL);
        u8_t *ttl = ip_ttl(s);
        if (ttl != NULL)
            *ttl = (u8_t)v;
        return ok(r, 0, 0, 0, 0, 0);
    }
    if (level == NET_IPPROTO_TCP && opt == NET_TCP_NODELAY && !s->udp) {
        s->nodelay = v != 0;
        if (s->pcb != NULL && s->state != S_LISTEN) {
            if (v)
                tcp_nagle_disable(s->pcb);
            else
                tcp_nagle_enable(s->pcb);
        }
        return ok(r, 0, 0, 0, 0, 0);
    }
    return (int)fail(r, LINUX_ENOPROTOOPT);
}

static uint64_t bytes_ready(const sock_t *s)
{
    if (s->udp)
        return s->dq_n > 0 ? s->dq[s->dq_head].p->tot_len : 0;
    return rx_bytes(s);
}

static int op_getsockopt(sock_t *s, const net_msg_t *m, net_reply_t *r)
{
    uint64_t level = m->mr[1], opt = m->mr[2];
    if (level == NET_SOL_SOCKET) {
        switch (opt) {
        case NET_SO_REUSEADDR: return ok(r, 1, s->reuseaddr, 0, 0, 0);
        case NET_SO_REUSEPORT: return ok(r, 1, s->reuseport, 0, 0, 0);
        case NET_SO_KEEPALIVE: return ok(r, 1, s->keepalive, 0, 0, 0);
        case NET_SO_BROADCAST: return ok(r, 1, s->broadcast, 0, 0, 0);
        case NET_SO_LINGER: return ok(r, 1, NET_LINGER(s->linger_on, s->linger_s), 0, 0, 0);
        case NET_SO_RCVBUF: return ok(r, 1, s->rcvbuf, 0, 0, 0);
        case NET_SO_SNDBUF: return ok(r, 1, s->sndbuf, 0, 0, 0);
        case NET_SO_TYPE: return ok(r, 1, s->udp ? NET_SOCK_DGRAM : NET_SOCK_STREAM, 0, 0, 0);
        case NET_SO_ACCEPTCONN: return ok(r, 1, s->state == S_LISTEN, 0, 0, 0);
        case NET_SO_NREAD: return ok(r, 1, bytes_ready(s), 0, 0, 0);
        case NET_SO_ERROR: {
            int e = s->err;
            s->err = 0;
            return ok(r, 1, (uint64_t)e, 0, 0, 0);
        }
        default: return (int)fail(r, LINUX_ENOPROTOOPT);
        }
    }
    if (level == NET_IPPROTO_IP && opt == NET_IP_TTL) {
        u8_t *ttl = ip_ttl(s);
        return ok(r, 1, ttl != NULL ? *ttl : TCP_TTL, 0, 0, 0);
    }
    if (level == NET_IPPROTO_TCP && opt == NET_TCP_NODELAY && !s->udp)
        return ok(r, 1, s->nodelay, 0, 0, 0);
    return (int)fail(r, LINUX_ENOPROTOOPT);
}

/* NET_POLL_* bits of one socket (1 << NET_POLL_IN ...), Linux's rules for
 * tcp_poll and udp_poll as far as our states have them. */
static unsigned sock_ready(sock_t *s)
{
    enum { IN = 1u << NET_POLL_IN, OUT = 1u << NET_POLL_OUT, HUP = 1u << NET_POLL_HUP };
    if (s->state == S_FREE || s->state == S_ACCEPTQ)
        return 0; /* not the client's */
    unsigned b = s->err != 0 ? 1u << NET_POLL_ERR : 0;
    if (s->udp)
        return b | (s->dq_n > 0 || s->rd_shut ? IN : 0) | OUT;
    switch (s->state) {
    case S_LISTEN: return b | (s->aq_n > 0 ? IN : 0);
    case S_NEW: return b | OUT | HUP;
    case S_CONNECTING: return b;
    case S_CONNECTED:
        b |= s->rxq_n > 0 || s->eof || s->rd_shut ? IN : 0;
        if (s->eof && s->wr_shut)
            b |= HUP;
        if (s->pcb == NULL)
            return b | IN | OUT | HUP;
        if (!s->wr_shut && tcp_sndbuf(s->pcb) > 0 && tcp_sndqueuelen(s->pcb) < TCP_SND_QUEUELEN - 1)
            b |= OUT;
        return b;
    case S_DEAD: return b | IN | OUT | HUP;
    default: return 0;
    }
}

static int op_poll(client_t *c, net_reply_t *r)
{
    uint64_t w[NET_POLL_WORDS] = {0};
    for (unsigned i = 0; i < NET_RPC_MAX_SOCKETS; i++) {
        unsigned b = sock_ready(&c->socks[i]);
        for (unsigned k = 0; k < NET_POLL_WORDS; k++)
            if (b & (1u << k))
                w[k] |= 1ull << i;
    }
    return ok(r, NET_POLL_WORDS, w[0], w[1], w[2], w[3]);
}

static int op_getname(sock_t *s, net_reply_t *r)
{
    if (s->udp) {
        uint32_t la = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&s->upcb->local_ip)));
        if (!(s->upcb->flags & UDP_FLAGS_CONNECTED))
            return ok(r, 4, la, s->upcb->local_port, 0, 0);
        uint32_t ra = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&s->upcb->remote_ip)));
        return ok(r, 4, la, s->upcb->local_port, ra, s->upcb->remote_port);
    }
    if (s->pcb == NULL)
        return ok(r, 4, 0, 0, 0, 0);
    uint32_t la = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&s->pcb->local_ip)));
    if (s->state == S_LISTEN)
        return ok(r, 4, la, s->pcb->local_port, 0, 0);
    uint32_t ra = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&s->pcb->remote_ip)));
    return ok(r, 4, la, s->pcb->local_port, ra, s->pcb->remote_port);
}

/* Arguments each operation needs in the message, + 1 (0: no such operation). */
#define ARGS(n) ((n) + 1)
static const unsigned n_args[NET_RPC_N_OPS] = {
    [NET_RPC_SOCKET] = ARGS(3),        [NET_RPC_BIND] = ARGS(3),       [NET_RPC_LISTEN] = ARGS(2),
    [NET_RPC_ACCEPT] = ARGS(2),        [NET_RPC_CONNECT] = ARGS(4),    [NET_RPC_SEND] = ARGS(4),
    [NET_RPC_RECV] = ARGS(4),          [NET_RPC_CLOSE] = ARGS(1),      [NET_RPC_SHUTDOWN] = ARGS(2),
    [NET_RPC_SETSOCKOPT] = ARGS(4),    [NET_RPC_GETSOCKOPT] = ARGS(3), [NET_RPC_GETNAME] = ARGS(1),
    [NET_RPC_REGISTER_NTFN] = ARGS(0), [NET_RPC_POLL] = ARGS(0),
};

int net_sock_handle(uint64_t badge, const net_msg_t *m, net_reply_t *r)
{
    memset(r, 0, sizeof(*r));
    if (badge == 0 || badge >= NET_RPC_MAX_CLIENTS)
        return (int)fail(r, LINUX_EPERM);
    client_t *c = get_client(badge);
    if (c == NULL)
        return (int)fail(r, LINUX_ENOMEM);
    uint64_t label = m->label;
    if (label == 0 || label >= NET_RPC_N_OPS || n_args[label] == 0)
        return (int)fail(r, LINUX_ENOSYS);
    if (m->n_words < n_args[label] - 1 || m->n_words > NET_MSG_MAX_WORDS)
        return (int)fail(r, LINUX_EINVAL);
    if (c->wait.active)
        return (int)fail(r, LINUX_EBUSY);
    c->armed = true;
    if (label == NET_RPC_REGISTER_NTFN) {
        if (!m->has_cap)
            return (int)fail(r, LINUX_EINVAL);
        c->has_ntfn = true;
        return ok(r, 0, 0, 0, 0, 0);
    }
    if (label == NET_RPC_POLL)
        return op_poll(c, r);
    if (label == NET_RPC_SOCKET)
        return op_socket(c, m, r);
    if (m->mr[0] >= NET_RPC_MAX_SOCKETS)
        return (int)fail(r, LINUX_EBADF);
    sock_t *s = &c->socks[m->mr[0]];
    /* a queued connection is not the client's until ACCEPT gives it out */
    if (s->state == S_FREE || s->state == S_ACCEPTQ)
        return (int)fail(r, LINUX_EBADF);

    wait_t w = {.active = true, .label = label, .sock = (unsigned)m->mr[0]};
    int result;
    switch (label) {
    case NET_RPC_BIND: return op_bind(s, m, r);
    case NET_RPC_LISTEN: return op_listen(s, m, r);
    case NET_RPC_CLOSE: sock_free(s, false); return ok(r, 0, 0, 0, 0, 0);
    case NET_RPC_SHUTDOWN: return op_shutdown(s, m, r);
    case NET_RPC_SETSOCKOPT: return op_setsockopt(s, m, r);
    case NET_RPC_GETSOCKOPT: return op_getsockopt(s, m, r);
    case NET_RPC_GETNAME: return op_getname(s, r);
    case NET_RPC_ACCEPT:
        w.flags = m->mr[1];
        result = op_accept(c, s, w.flags, r);
        break;
    case NET_RPC_CONNECT:
        w.flags = m->mr[3];
        result = op_connect(s, m, r);
        break;
    case NET_RPC_SEND:
    case NET_RPC_RECV:
        if (c->shm == NULL)
            return (int)fail(r, LINUX_EOPNOTSUPP);
        w.off = m->mr[1];
        w.len = m->mr[2];
        w.flags = m->mr[3];
        if (label == NET_RPC_SEND && m->n_words >= 6) {
            w.addr = m->mr[4];
            w.port = m->mr[5];
        }
        if (w.off > c->shm_bytes || w.len > c->shm_bytes - w.off)
            return (int)fail(r, LINUX_EFAULT);
        result = label == NET_RPC_SEND ? op_send(c, s, &w, r) : op_recv(c, s, &w, r);
        break;
    default: return (int)fail(r, LINUX_ENOSYS);
    }
    if (result == NET_SOCK_WAIT)
        c->wait = w;
    return result;
}

bool net_sock_client_gone(uint64_t badge)
{
    if (badge == 0 || badge >= NET_RPC_MAX_CLIENTS || clients[badge] == NULL)
        return false;
    client_t *c = clients[badge];
    bool had_wait = c->wait.active;
    c->wait.active = false;
    c->has_ntfn = c->armed = false;
    /* listeners first: they free their queued connections themselves */
    for (unsigned i = 0; i < NET_RPC_MAX_SOCKETS; i++)
        if (c->socks[i].state == S_LISTEN)
            sock_free(&c->socks[i], true);
    for (unsigned i = 0; i < NET_RPC_MAX_SOCKETS; i++)
        if (c->socks[i].state != S_FREE)
            sock_free(&c->socks[i], true);
    return had_wait;
}

unsigned net_sock_count(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < NET_RPC_MAX_CLIENTS; i++)
        for (unsigned s = 0; clients[i] != NULL && s < NET_RPC_MAX_SOCKETS; s++)
            n += clients[i]->socks[s].state != S_FREE;
    return n;
}
