// SPDX-License-Identifier: BSD-2-Clause
/*
 * The net server's socket layer (services/net/sock.c) on the real lwIP
 * (Debian's 2.1.3, built for the host) over its loopback interface: every
 * request is checked (a table of malformed ones, each with its errno, none
 * a crash), connections carry data both ways, waiting calls are answered
 * later through reply_later, one waiting client does not hold up another,
 * and a client that goes leaves no socket behind. UDP datagrams keep their
 * boundaries and sources; POLL's bits and the readiness notification
 * follow what happens on the sockets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kaal/linux_errno.h>

#include "../../../services/net/sock.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "lwip_host.h"

#define SHM_BYTES (256 * 1024)
#define A 1 /* client badges */
#define B 2
#define PORT 7777

static uint8_t shm_a[SHM_BYTES], shm_b[SHM_BYTES];

/* Replies given later, per client. */
static net_reply_t later[NET_RPC_MAX_CLIENTS];
static int n_later[NET_RPC_MAX_CLIENTS];
static bool pressure;
static int n_notified[NET_RPC_MAX_CLIENTS];

static void reply_later(void *ctx, unsigned client, const net_reply_t *r)
{
    (void)ctx;
    assert_true(client < NET_RPC_MAX_CLIENTS);
    later[client] = *r;
    n_later[client]++;
}

static bool rx_pressure(void *ctx)
{
    (void)ctx;
    return pressure;
}

static void notify(void *ctx, unsigned client)
{
    (void)ctx;
    assert_true(client < NET_RPC_MAX_CLIENTS);
    n_notified[client]++;
}

static const net_sock_ops_t ops = {
    .reply_later = reply_later, .rx_pressure = rx_pressure, .notify = notify};

/* Runs the loopback interface and lwIP's timers until nothing is queued. */
static void pump(void)
{
    for (int i = 0; i < 1000; i++) {
        netif_poll_all();
        sys_check_timeouts();
        struct netif *lo = netif_get_by_index(1);
        if (lo == NULL || lo->loop_first == NULL)
            return;
    }
    fail_msg("the loopback queue never drained");
}

static int req(uint64_t badge, net_reply_t *r, uint64_t label, unsigned n, uint64_t a0, uint64_t a1,
               uint64_t a2, uint64_t a3)
{
    net_msg_t m = {.label = label, .n_words = n, .mr = {a0, a1, a2, a3}};
    return net_sock_handle(badge, &m, r);
}

/* A request that must be answered now; returns the label (0 or errno). */
static uint64_t now(uint64_t badge, net_reply_t *r, uint64_t label, unsigned n, uint64_t a0,
                    uint64_t a1, uint64_t a2, uint64_t a3)
{
    assert_int_equal(req(badge, r, label, n, a0, a1, a2, a3), NET_SOCK_REPLY);
    return r->label;
}

/* A UDP SEND with a destination (six words). */
static uint64_t sendto_now(uint64_t badge, net_reply_t *r, int s, uint64_t off, uint64_t len,
                           uint64_t addr, uint64_t port)
{
    net_msg_t m = {
        .label = NET_RPC_SEND, .n_words = 6, .mr = {(uint64_t)s, off, len, 0, addr, port}};
    assert_int_equal(net_sock_handle(badge, &m, r), NET_SOCK_REPLY);
    return r->label;
}

static int new_udp_socket(uint64_t badge, uint16_t port)
{
    net_reply_t r;
    assert_int_equal(now(badge, &r, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_DGRAM, 0, 0), 0);
    int u = (int)r.mr[0];
    if (port != 0)
        assert_int_equal(now(badge, &r, NET_RPC_BIND, 3, (uint64_t)u, 0, port, 0), 0);
    return u;
}

static int new_socket(uint64_t badge)
{
    net_reply_t r;
    assert_int_equal(now(badge, &r, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_STREAM, 0, 0), 0);
    return (int)r.mr[0];
}

static int listener(uint64_t badge, uint16_t port)
{
    net_reply_t r;
    int l = new_socket(badge);
    assert_int_equal(
        now(badge, &r, NET_RPC_SETSOCKOPT, 4, (uint64_t)l, NET_SOL_SOCKET, NET_SO_REUSEADDR, 1), 0);
    assert_int_equal(now(badge, &r, NET_RPC_BIND, 3, (uint64_t)l, 0, port, 0), 0);
    assert_int_equal(now(badge, &r, NET_RPC_LISTEN, 2, (uint64_t)l, 4, 0, 0), 0);
    return l;
}

/* Client B connects to A's listener on port; returns B's and A's sockets. */
static void connect_pair(uint16_t port, int l, int *bs, int *as)
{
    net_reply_t r;
    int c = new_socket(B);
    n_later[B] = 0;
    assert_int_equal(req(B, &r, NET_RPC_CONNECT, 4, (uint64_t)c, NET_RPC_INADDR_LOOPBACK, port, 0),
                     NET_SOCK_WAIT);
    pump();
    assert_int_equal(n_later[B], 1);
    assert_int_equal(later[B].label, 0);
    assert_int_equal(now(A, &r, NET_RPC_ACCEPT, 2, (uint64_t)l, 0, 0, 0), 0);
    assert_int_equal(r.mr[1], NET_RPC_INADDR_LOOPBACK);
    *bs = c;
    *as = (int)r.mr[0];
}

static int setup(void **state)
{
    (void)state;
    net_sock_init(&ops, NULL);
    net_sock_set_shm(A, shm_a, sizeof(shm_a));
    net_sock_set_shm(B, shm_b, sizeof(shm_b));
    memset(n_later, 0, sizeof(n_later));
    memset(n_notified, 0, sizeof(n_notified));
    pressure = false;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    net_sock_client_gone(A);
    net_sock_client_gone(B);
    net_sock_client_gone(3);
    pump();
    assert_int_equal(net_sock_count(), 0);
    return 0;
}

/* ---- request validation ---- */

static void test_malformed_requests_get_their_errno(void **state)
{
    (void)state;
    int s = new_socket(A);
    int u = new_udp_socket(A, 0);
    struct {
        uint64_t badge, label;
        unsigned n;
        uint64_t a0, a1, a2, a3;
        uint64_t err;
    } bad[] = {
        {A, 0, 0, 0, 0, 0, 0, LINUX_ENOSYS},
        {A, NET_RPC_N_OPS, 4, 0, 0, 0, 0, LINUX_ENOSYS},
        {A, 999, 4, 0, 0, 0, 0, LINUX_ENOSYS},
        {A, NET_RPC_REGISTER_NTFN, 0, 0, 0, 0, 0, LINUX_EINVAL}, /* no cap came with it */
        {A, NET_RPC_POLL, 7, 0, 0, 0, 0, LINUX_EINVAL},
        {0, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_STREAM, 0, 0, LINUX_EPERM},
        {NET_RPC_MAX_CLIENTS, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_STREAM, 0, 0, LINUX_EPERM},
        {~0ull, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_STREAM, 0, 0, LINUX_EPERM},
        {A, NET_RPC_SOCKET, 2, NET_AF_INET, NET_SOCK_STREAM, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_BIND, 2, (uint64_t)s, 0, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_CONNECT, 3, (uint64_t)s, 0, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_SEND, 3, (uint64_t)s, 0, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_RECV, 0, 0, 0, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_CLOSE, 0, 0, 0, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_CLOSE, 7, (uint64_t)s, 0, 0, 0, LINUX_EINVAL}, /* longer than any request */
        {A, NET_RPC_SOCKET, 3, 10, NET_SOCK_STREAM, 0, 0, LINUX_EAFNOSUPPORT},
        {A, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_DGRAM, NET_IPPROTO_TCP, 0,
         LINUX_EPROTONOSUPPORT},
        {A, NET_RPC_SOCKET, 3, NET_AF_INET, 3 /* SOCK_RAW */, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_LISTEN, 2, (uint64_t)u, 4, 0, 0, LINUX_EOPNOTSUPP},
        {A, NET_RPC_ACCEPT, 2, (uint64_t)u, 0, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_SEND, 4, (uint64_t)u, 0, 10, 0, LINUX_EDESTADDRREQ}, /* not connected */
        {A, NET_RPC_SEND, 4, (uint64_t)u, 0, 65508, 0, LINUX_EMSGSIZE},
        {A, NET_RPC_SHUTDOWN, 2, (uint64_t)u, NET_SHUT_RDWR, 0, 0, LINUX_ENOTCONN},
        {A, NET_RPC_CONNECT, 4, (uint64_t)u, NET_RPC_INADDR_LOOPBACK, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_BIND, 3, (uint64_t)u, 0x0a000001, PORT, 0, LINUX_EADDRNOTAVAIL},
        {A, NET_RPC_SETSOCKOPT, 4, (uint64_t)u, NET_IPPROTO_TCP, NET_TCP_NODELAY, 1,
         LINUX_ENOPROTOOPT},
        {A, NET_RPC_SETSOCKOPT, 4, (uint64_t)u, NET_IPPROTO_IP, NET_IP_TTL, 0, LINUX_EINVAL},
        {A, NET_RPC_SETSOCKOPT, 4, (uint64_t)s, NET_IPPROTO_IP, NET_IP_TTL, 256, LINUX_EINVAL},
        {A, NET_RPC_SETSOCKOPT, 4, (uint64_t)s, NET_IPPROTO_IP, 99, 1, LINUX_ENOPROTOOPT},
        {A, NET_RPC_GETSOCKOPT, 3, (uint64_t)s, NET_SOL_SOCKET, 12345, 0, LINUX_ENOPROTOOPT},
        {A, NET_RPC_SOCKET, 3, NET_AF_INET, 99, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_STREAM, 17, 0, LINUX_EPROTONOSUPPORT},
        {A, NET_RPC_CLOSE, 1, NET_RPC_MAX_SOCKETS, 0, 0, 0, LINUX_EBADF},
        {A, NET_RPC_CLOSE, 1, ~0ull, 0, 0, 0, LINUX_EBADF},
        {A, NET_RPC_CLOSE, 1, (uint64_t)u + 1, 0, 0, 0, LINUX_EBADF}, /* not open */
        {B, NET_RPC_CLOSE, 1, (uint64_t)s, 0, 0, 0, LINUX_EBADF},     /* A's, not B's */
        {A, NET_RPC_BIND, 3, (uint64_t)s, 1ull << 32, PORT, 0, LINUX_EINVAL},
        {A, NET_RPC_BIND, 3, (uint64_t)s, 0, 65536, 0, LINUX_EINVAL},
        {A, NET_RPC_BIND, 3, (uint64_t)s, 0x0a000001, PORT, 0, LINUX_EADDRNOTAVAIL},
        {A, NET_RPC_CONNECT, 4, (uint64_t)s, NET_RPC_INADDR_LOOPBACK, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_CONNECT, 4, (uint64_t)s, ~0ull, PORT, 0, LINUX_EINVAL},
        {A, NET_RPC_ACCEPT, 2, (uint64_t)s, 0, 0, 0, LINUX_EINVAL}, /* not listening */
        {A, NET_RPC_SEND, 4, (uint64_t)s, 0, 10, 0, LINUX_ENOTCONN},
        {A, NET_RPC_RECV, 4, (uint64_t)s, 0, 10, 0, LINUX_ENOTCONN},
        {A, NET_RPC_SEND, 4, (uint64_t)s, SHM_BYTES + 1, 0, 0, LINUX_EFAULT},
        {A, NET_RPC_SEND, 4, (uint64_t)s, SHM_BYTES - 4, 5, 0, LINUX_EFAULT},
        {A, NET_RPC_SEND, 4, (uint64_t)s, ~0ull, 2, 0, LINUX_EFAULT}, /* offset + len wraps */
        {A, NET_RPC_RECV, 4, (uint64_t)s, 1, ~0ull, 0, LINUX_EFAULT},
        {3, NET_RPC_SEND, 4, 0, 0, 1, 0, LINUX_EBADF},
        {A, NET_RPC_SHUTDOWN, 2, (uint64_t)s, 3, 0, 0, LINUX_EINVAL},
        {A, NET_RPC_SHUTDOWN, 2, (uint64_t)s, NET_SHUT_WR, 0, 0, LINUX_ENOTCONN},
        {A, NET_RPC_SETSOCKOPT, 4, (uint64_t)s, NET_SOL_SOCKET, 12345, 1, LINUX_ENOPROTOOPT},
        {A, NET_RPC_SETSOCKOPT, 4, (uint64_t)s, 41, NET_SO_REUSEADDR, 1, LINUX_ENOPROTOOPT},
        {A, NET_RPC_SETSOCKOPT, 4, (uint64_t)s, NET_SOL_SOCKET, NET_SO_RCVBUF, 0, LINUX_EINVAL},
        {A, NET_RPC_GETSOCKOPT, 3, (uint64_t)s, NET_IPPROTO_TCP, 99, 0, LINUX_ENOPROTOOPT},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        net_reply_t r;
        int how = req(bad[i].badge, &r, bad[i].label, bad[i].n, bad[i].a0, bad[i].a1, bad[i].a2,
                      bad[i].a3);
        if (how != NET_SOCK_REPLY || r.label != bad[i].err)
            fail_msg("bad request %zu (label %llu): got %s %llu, expected errno %llu", i,
                     (unsigned long long)bad[i].label, how == NET_SOCK_REPLY ? "errno" : "WAIT",
                     (unsigned long long)r.label, (unsigned long long)bad[i].err);
    }
    /* the sockets survived all of it */
    net_reply_t r;
    assert_int_equal(now(A, &r, NET_RPC_CLOSE, 1, (uint64_t)s, 0, 0, 0), 0);
    assert_int_equal(now(A, &r, NET_RPC_CLOSE, 1, (uint64_t)u, 0, 0, 0), 0);
    /* a UDP sendto with a bad destination */
    u = new_udp_socket(A, 0);
    assert_int_equal(sendto_now(A, &r, u, 0, 4, 1ull << 32, 9), LINUX_EINVAL);
    assert_int_equal(sendto_now(A, &r, u, 0, 4, NET_RPC_INADDR_LOOPBACK, 65536), LINUX_EINVAL);
    assert_int_equal(sendto_now(A, &r, u, SHM_BYTES - 2, 4, NET_RPC_INADDR_LOOPBACK, 9),
                     LINUX_EFAULT);
    assert_int_equal(now(A, &r, NET_RPC_CLOSE, 1, (uint64_t)u, 0, 0, 0), 0);
}

static void test_a_client_without_a_region_gets_eopnotsupp_for_data(void **state)
{
    (void)state;
    net_reply_t r;
    int s = new_socket(3);
    assert_int_equal(now(3, &r, NET_RPC_SEND, 4, (uint64_t)s, 0, 1, 0), LINUX_EOPNOTSUPP);
    assert_int_equal(now(3, &r, NET_RPC_RECV, 4, (uint64_t)s, 0, 1, 0), LINUX_EOPNOTSUPP);
}

static void test_the_65th_socket_gets_emfile_and_closing_one_frees_a_number(void **state)
{
    (void)state;
    net_reply_t r;
    for (int i = 0; i < NET_RPC_MAX_SOCKETS; i++)
        assert_int_equal(new_socket(A), i);
    assert_int_equal(now(A, &r, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_STREAM, 0, 0),
                     LINUX_EMFILE);
    assert_int_equal(now(A, &r, NET_RPC_CLOSE, 1, 17, 0, 0, 0), 0);
    assert_int_equal(new_socket(A), 17);
    assert_int_equal(net_sock_count(), NET_RPC_MAX_SOCKETS);
}

static void test_two_listeners_on_one_port_get_eaddrinuse(void **state)
{
    (void)state;
    net_reply_t r;
    int a = new_socket(A), b = new_socket(B);
    assert_int_equal(now(A, &r, NET_RPC_BIND, 3, (uint64_t)a, 0, 7000, 0), 0);
    assert_int_equal(now(A, &r, NET_RPC_BIND, 3, (uint64_t)a, 0, 7001, 0), LINUX_EINVAL);
    assert_int_equal(now(B, &r, NET_RPC_BIND, 3, (uint64_t)b, 0, 7000, 0), LINUX_EADDRINUSE);
}

static void test_options_read_back_what_was_set(void **state)
{
    (void)state;
    net_reply_t r;
    int s = new_socket(A);
    const uint64_t opts[][2] = {{NET_SOL_SOCKET, NET_SO_REUSEADDR},
                                {NET_SOL_SOCKET, NET_SO_KEEPALIVE},
                                {NET_IPPROTO_TCP, NET_TCP_NODELAY}};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(now(A, &r, NET_RPC_GETSOCKOPT, 3, (uint64_t)s, opts[i][0], opts[i][1], 0),
                         0);
        assert_int_equal(r.mr[0], 0);
        assert_int_equal(now(A, &r, NET_RPC_SETSOCKOPT, 4, (uint64_t)s, opts[i][0], opts[i][1], 1),
                         0);
        assert_int_equal(now(A, &r, NET_RPC_GETSOCKOPT, 3, (uint64_t)s, opts[i][0], opts[i][1], 0),
                         0);
        assert_int_equal(r.mr[0], 1);
    }
    assert_int_equal(
        now(A, &r, NET_RPC_SETSOCKOPT, 4, (uint64_t)s, NET_SOL_SOCKET, NET_SO_RCVBUF, 4096), 0);
    assert_int_equal(
        now(A, &r, NET_RPC_GETSOCKOPT, 3, (uint64_t)s, NET_SOL_SOCKET, NET_SO_RCVBUF, 0), 0);
    assert_int_equal(r.mr[0], 4096);
    assert_int_equal(
        now(A, &r, NET_RPC_GETSOCKOPT, 3, (uint64_t)s, NET_SOL_SOCKET, NET_SO_ERROR, 0), 0);
    assert_int_equal(r.mr[0], 0);
}

/* ---- connections over 127.0.0.1 ---- */

static void test_a_loopback_connection_carries_data_both_ways_and_ends_with_eof(void **state)
{
    (void)state;
    net_reply_t r;
    int l = listener(A, PORT), b, a;
    connect_pair(PORT, l, &b, &a);
    memcpy(shm_b, "hello\n", 6);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)b, 0, 6, 0), 0);
    assert_int_equal(r.mr[0], 6);
    pump();
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 100, 1000, 0), 0);
    assert_int_equal(r.mr[0], 6);
    assert_memory_equal(shm_a + 100, "hello\n", 6);
    assert_int_equal(now(A, &r, NET_RPC_SEND, 4, (uint64_t)a, 100, 6, 0), 0);
    pump();
    memset(shm_b, 0, 16);
    assert_int_equal(now(B, &r, NET_RPC_RECV, 4, (uint64_t)b, 0, 16, 0), 0);
    assert_int_equal(r.mr[0], 6);
    assert_memory_equal(shm_b, "hello\n", 6);
    /* getname: both ends on 127.0.0.1, A's local port is the listener's */
    assert_int_equal(now(A, &r, NET_RPC_GETNAME, 1, (uint64_t)a, 0, 0, 0), 0);
    assert_int_equal(r.mr[0], NET_RPC_INADDR_LOOPBACK);
    assert_int_equal(r.mr[1], PORT);
    assert_int_equal(r.mr[2], NET_RPC_INADDR_LOOPBACK);
    assert_int_equal(now(B, &r, NET_RPC_CLOSE, 1, (uint64_t)b, 0, 0, 0), 0);
    pump();
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 0, 16, 0), 0);
    assert_int_equal(r.mr[0], 0); /* end of file */
}

static void test_a_waiting_recv_is_answered_when_data_arrives(void **state)
{
    (void)state;
    net_reply_t r;
    int l = listener(A, PORT), b, a;
    connect_pair(PORT, l, &b, &a);
    n_later[A] = 0;
    assert_int_equal(req(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 0, 64, 0), NET_SOCK_WAIT);
    /* while A waits, its other calls are refused, B's are served */
    assert_int_equal(now(A, &r, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_STREAM, 0, 0),
                     LINUX_EBUSY);
    memcpy(shm_b, "xyz", 3);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)b, 0, 3, 0), 0);
    assert_int_equal(n_later[A], 0);
    pump();
    assert_int_equal(n_later[A], 1);
    assert_int_equal(later[A].label, 0);
    assert_int_equal(later[A].mr[0], 3);
    assert_memory_equal(shm_a, "xyz", 3);
    /* non-blocking: nothing there */
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 0, 64, NET_RPC_NONBLOCK),
                     LINUX_EAGAIN);
    assert_int_equal(now(A, &r, NET_RPC_ACCEPT, 2, (uint64_t)l, NET_RPC_NONBLOCK, 0, 0),
                     LINUX_EAGAIN);
}

static void test_a_waiting_accept_is_answered_when_a_peer_connects(void **state)
{
    (void)state;
    net_reply_t r;
    int l = listener(A, PORT);
    n_later[A] = 0;
    assert_int_equal(req(A, &r, NET_RPC_ACCEPT, 2, (uint64_t)l, 0, 0, 0), NET_SOCK_WAIT);
    int c = new_socket(B);
    assert_int_equal(req(B, &r, NET_RPC_CONNECT, 4, (uint64_t)c, NET_RPC_INADDR_LOOPBACK, PORT, 0),
                     NET_SOCK_WAIT);
    pump();
    assert_int_equal(n_later[A], 1);
    assert_int_equal(later[A].label, 0);
    assert_int_equal(later[A].mr[1], NET_RPC_INADDR_LOOPBACK);
    assert_int_equal(n_later[B], 1);
    assert_int_equal(later[B].label, 0);
}

static void test_connect_to_a_closed_port_is_refused(void **state)
{
    (void)state;
    net_reply_t r;
    int c = new_socket(B);
    n_later[B] = 0;
    assert_int_equal(req(B, &r, NET_RPC_CONNECT, 4, (uint64_t)c, NET_RPC_INADDR_LOOPBACK, 9, 0),
                     NET_SOCK_WAIT);
    pump();
    assert_int_equal(n_later[B], 1);
    assert_int_equal(later[B].label, LINUX_ECONNREFUSED);
    int d = new_socket(B);
    assert_int_equal(
        now(B, &r, NET_RPC_CONNECT, 4, (uint64_t)d, NET_RPC_INADDR_LOOPBACK, 9, NET_RPC_NONBLOCK),
        LINUX_EINPROGRESS);
    assert_int_equal(now(B, &r, NET_RPC_CONNECT, 4, (uint64_t)d, NET_RPC_INADDR_LOOPBACK, 9, 0),
                     LINUX_EALREADY);
    pump();
    assert_int_equal(
        now(B, &r, NET_RPC_GETSOCKOPT, 3, (uint64_t)d, NET_SOL_SOCKET, NET_SO_ERROR, 0), 0);
    assert_int_equal(r.mr[0], LINUX_ECONNREFUSED);
}

/* 4 MiB one way: more than one pbuf chain (64 KiB) and more than the
 * window (512 KiB) in flight, so rx queueing, tcp_recved and the sender's
 * waits all run; with and without the copy under driver-buffer pressure. */
static void transfer(size_t total)
{
    net_reply_t r;
    int l = listener(A, PORT), b, a;
    connect_pair(PORT, l, &b, &a);
    size_t sent = 0, got = 0;
    uint32_t sum_out = 0, sum_in = 0;
    bool send_waiting = false;
    for (int rounds = 0; got < total && rounds < 100000; rounds++) {
        if (!send_waiting && sent < total) {
            size_t n = total - sent > SHM_BYTES ? SHM_BYTES : total - sent;
            for (size_t i = 0; i < n; i++)
                shm_b[i] = (uint8_t)((sent + i) * 13 + (sent + i) / 4099);
            n_later[B] = 0;
            int how = req(B, &r, NET_RPC_SEND, 4, (uint64_t)b, 0, n, 0);
            if (how == NET_SOCK_WAIT) {
                send_waiting = true;
            } else {
                assert_int_equal(r.label, 0);
                assert_true(r.mr[0] > 0 && r.mr[0] <= n);
                for (size_t i = 0; i < r.mr[0]; i++)
                    sum_out = sum_out * 31 + shm_b[i];
                sent += r.mr[0];
            }
        }
        pump();
        if (send_waiting && n_later[B] == 1) {
            send_waiting = false;
            assert_int_equal(later[B].label, 0);
            for (size_t i = 0; i < later[B].mr[0]; i++)
                sum_out = sum_out * 31 + shm_b[i];
            sent += later[B].mr[0];
        }
        assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 0, 100000, NET_RPC_NONBLOCK) ==
                                 LINUX_EAGAIN ||
                             r.label == 0,
                         1);
        if (r.label == 0) {
            for (size_t i = 0; i < r.mr[0]; i++)
                sum_in = sum_in * 31 + shm_a[i];
            got += r.mr[0];
        }
        pump();
    }
    assert_int_equal(got, total);
    assert_int_equal(sum_in, sum_out);
}

static void test_four_mib_arrive_intact_through_the_windows(void **state)
{
    (void)state;
    transfer(4u << 20);
}

static void test_four_mib_arrive_intact_when_data_is_copied_under_pressure(void **state)
{
    (void)state;
    pressure = true;
    transfer(4u << 20);
}

static void test_a_client_that_goes_leaves_no_socket_and_gets_no_reply(void **state)
{
    (void)state;
    net_reply_t r;
    int l = listener(A, PORT), b, a;
    connect_pair(PORT, l, &b, &a);
    n_later[A] = 0;
    assert_int_equal(req(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 0, 64, 0), NET_SOCK_WAIT);
    assert_true(net_sock_client_gone(A)); /* it had a waiting call */
    memcpy(shm_b, "late", 4);
    now(B, &r, NET_RPC_SEND, 4, (uint64_t)b, 0, 4, 0);
    pump();
    assert_int_equal(n_later[A], 0);
    /* B's peer was reset */
    assert_int_equal(now(B, &r, NET_RPC_RECV, 4, (uint64_t)b, 0, 4, 0), LINUX_ECONNRESET);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)b, 0, 4, 0), LINUX_EPIPE);
    assert_false(net_sock_client_gone(A));
    /* A's port is free again */
    assert_int_equal(listener(A, PORT), 0);
}

static void test_closing_a_listener_resets_the_connections_nobody_accepted(void **state)
{
    (void)state;
    net_reply_t r;
    int l = listener(A, PORT);
    int c = new_socket(B);
    assert_int_equal(req(B, &r, NET_RPC_CONNECT, 4, (uint64_t)c, NET_RPC_INADDR_LOOPBACK, PORT, 0),
                     NET_SOCK_WAIT);
    pump();
    assert_int_equal(net_sock_count(), 3); /* listener, B's socket, the queued connection */
    assert_int_equal(now(A, &r, NET_RPC_CLOSE, 1, (uint64_t)l, 0, 0, 0), 0);
    assert_int_equal(net_sock_count(), 1);
    pump();
    assert_int_equal(now(B, &r, NET_RPC_RECV, 4, (uint64_t)c, 0, 4, 0), LINUX_ECONNRESET);
}

static void test_a_thousand_connections_leave_nothing_behind(void **state)
{
    (void)state;
    net_reply_t r;
    int l = listener(A, PORT);
    for (int i = 0; i < 1000; i++) {
        int b, a;
        connect_pair(PORT, l, &b, &a);
        assert_int_equal(now(B, &r, NET_RPC_CLOSE, 1, (uint64_t)b, 0, 0, 0), 0);
        assert_int_equal(now(A, &r, NET_RPC_CLOSE, 1, (uint64_t)a, 0, 0, 0), 0);
        pump();
        net_test_advance_ms(250);
    }
    assert_int_equal(net_sock_count(), 1);
}

/* ---- UDP ---- */

static void test_udp_datagrams_keep_their_boundaries_and_sources(void **state)
{
    (void)state;
    net_reply_t r;
    int ua = new_udp_socket(A, 9000), ub = new_udp_socket(B, 9001);
    memcpy(shm_b, "one", 3);
    memcpy(shm_b + 3, "two!!", 5);
    assert_int_equal(sendto_now(B, &r, ub, 0, 3, NET_RPC_INADDR_LOOPBACK, 9000), 0);
    assert_int_equal(r.mr[0], 3);
    assert_int_equal(sendto_now(B, &r, ub, 3, 5, NET_RPC_INADDR_LOOPBACK, 9000), 0);
    pump();
    assert_int_equal(
        now(A, &r, NET_RPC_GETSOCKOPT, 3, (uint64_t)ua, NET_SOL_SOCKET, NET_SO_NREAD, 0), 0);
    assert_int_equal(r.mr[0], 3); /* the next datagram, not all queued bytes */
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)ua, 0, 100, NET_RPC_NONBLOCK), 0);
    assert_int_equal(r.mr[0], 3);
    assert_memory_equal(shm_a, "one", 3);
    assert_int_equal(r.mr[1], NET_RPC_INADDR_LOOPBACK);
    assert_int_equal(r.mr[2], 9001);
    /* a peek leaves it; a short read takes the datagram and drops its tail */
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)ua, 0, 100, NET_RPC_PEEK), 0);
    assert_int_equal(r.mr[0], 5);
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)ua, 0, 2, 0), 0);
    assert_int_equal(r.mr[0], 2);
    assert_int_equal(r.mr[3], 5);
    assert_memory_equal(shm_a, "tw", 2);
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)ua, 0, 100, NET_RPC_NONBLOCK),
                     LINUX_EAGAIN);
    /* a waiting recv is answered by the next datagram */
    n_later[A] = 0;
    assert_int_equal(req(A, &r, NET_RPC_RECV, 4, (uint64_t)ua, 0, 100, 0), NET_SOCK_WAIT);
    assert_int_equal(now(B, &r, NET_RPC_CONNECT, 4, (uint64_t)ub, NET_RPC_INADDR_LOOPBACK, 9000, 0),
                     0);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)ub, 0, 3, 0), 0);
    pump();
    assert_int_equal(n_later[A], 1);
    assert_int_equal(later[A].label, 0);
    assert_int_equal(later[A].mr[0], 3);
    assert_int_equal(now(B, &r, NET_RPC_GETNAME, 1, (uint64_t)ub, 0, 0, 0), 0);
    assert_int_equal(r.mr[1], 9001);
    assert_int_equal(r.mr[2], NET_RPC_INADDR_LOOPBACK);
    assert_int_equal(r.mr[3], 9000);
    /* the port is taken */
    int uc = new_udp_socket(B, 0);
    assert_int_equal(now(B, &r, NET_RPC_BIND, 3, (uint64_t)uc, 0, 9000, 0), LINUX_EADDRINUSE);
}

static void test_a_connected_udp_socket_learns_a_local_port_is_closed_at_its_next_call(void **state)
{
    (void)state;
    net_reply_t r;
    int u = new_udp_socket(B, 0);
    assert_int_equal(now(B, &r, NET_RPC_CONNECT, 4, (uint64_t)u, NET_RPC_INADDR_LOOPBACK, 9, 0), 0);
    memcpy(shm_b, "ping", 4);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)u, 0, 4, 0), 0);
    pump();
    assert_int_equal(now(B, &r, NET_RPC_POLL, 0, 0, 0, 0, 0), 0);
    assert_true(r.mr[NET_POLL_ERR] & (1ull << u));
    assert_int_equal(now(B, &r, NET_RPC_RECV, 4, (uint64_t)u, 0, 4, NET_RPC_NONBLOCK),
                     LINUX_ECONNREFUSED);
    /* reported once */
    assert_int_equal(now(B, &r, NET_RPC_RECV, 4, (uint64_t)u, 0, 4, NET_RPC_NONBLOCK),
                     LINUX_EAGAIN);
    /* an open port draws no error */
    int v = new_udp_socket(A, 9002);
    int w = new_udp_socket(B, 0);
    assert_int_equal(now(B, &r, NET_RPC_CONNECT, 4, (uint64_t)w, NET_RPC_INADDR_LOOPBACK, 9002, 0),
                     0);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)w, 0, 4, 0), 0);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)w, 0, 4, 0), 0);
    pump();
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)v, 0, 4, NET_RPC_NONBLOCK), 0);
}

/* ---- readiness ---- */

static uint64_t poll_word(uint64_t badge, int word)
{
    net_reply_t r;
    assert_int_equal(now(badge, &r, NET_RPC_POLL, 0, 0, 0, 0, 0), 0);
    assert_int_equal(r.n_words, NET_POLL_WORDS);
    return r.mr[word];
}

static void
test_poll_bits_follow_the_sockets_and_the_notification_comes_once_per_arming(void **state)
{
    (void)state;
    net_reply_t r;
    assert_int_equal(now(A, &r, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_DGRAM, 0, 0), 0);
    assert_int_equal(r.mr[1], 0); /* no notification yet */
    assert_int_equal(now(A, &r, NET_RPC_CLOSE, 1, r.mr[0], 0, 0, 0), 0);
    net_msg_t reg = {.label = NET_RPC_REGISTER_NTFN, .has_cap = true};
    assert_int_equal(net_sock_handle(A, &reg, &r), NET_SOCK_REPLY);
    assert_int_equal(r.label, 0);
    assert_int_equal(now(A, &r, NET_RPC_SOCKET, 3, NET_AF_INET, NET_SOCK_STREAM, 0, 0), 0);
    assert_int_equal(r.mr[1], 1); /* SOCKET says it is registered */
    assert_int_equal(now(A, &r, NET_RPC_CLOSE, 1, r.mr[0], 0, 0, 0), 0);
    int l = listener(A, PORT);
    assert_false(poll_word(A, NET_POLL_IN) & (1ull << l));
    int c = new_socket(B);
    assert_int_equal(now(B, &r, NET_RPC_CONNECT, 4, (uint64_t)c, NET_RPC_INADDR_LOOPBACK, PORT,
                         NET_RPC_NONBLOCK),
                     LINUX_EINPROGRESS);
    assert_false(poll_word(B, NET_POLL_OUT) & (1ull << c)); /* connecting */
    pump();
    assert_int_equal(n_notified[A], 1); /* the connection, and only one signal */
    assert_int_equal(n_notified[B], 0); /* B has no notification */
    assert_true(poll_word(B, NET_POLL_OUT) & (1ull << c));
    assert_true(poll_word(A, NET_POLL_IN) & (1ull << l));
    assert_int_equal(now(A, &r, NET_RPC_ACCEPT, 2, (uint64_t)l, NET_RPC_NONBLOCK, 0, 0), 0);
    int a = (int)r.mr[0];
    assert_false(poll_word(A, NET_POLL_IN) & (1ull << l));
    assert_false(poll_word(A, NET_POLL_IN) & (1ull << a));
    assert_true(poll_word(A, NET_POLL_OUT) & (1ull << a));
    int before = n_notified[A];
    assert_int_equal(
        now(B, &r, NET_RPC_SETSOCKOPT, 4, (uint64_t)c, NET_IPPROTO_TCP, NET_TCP_NODELAY, 1), 0);
    memcpy(shm_b, "data", 4);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)c, 0, 4, 0), 0);
    pump();
    assert_int_equal(n_notified[A], before + 1);
    assert_true(poll_word(A, NET_POLL_IN) & (1ull << a));
    /* not armed again by a request: more data brings no second signal */
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)c, 0, 4, 0), 0);
    pump();
    assert_int_equal(n_notified[A], before + 2); /* POLL above armed it */
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)c, 0, 4, 0), 0);
    pump();
    assert_int_equal(n_notified[A], before + 2);
    assert_int_equal(
        now(A, &r, NET_RPC_GETSOCKOPT, 3, (uint64_t)a, NET_SOL_SOCKET, NET_SO_NREAD, 0), 0);
    assert_int_equal(r.mr[0], 12);
    /* the peer closes: readable (EOF), then hung up once we shut our side */
    assert_int_equal(now(B, &r, NET_RPC_CLOSE, 1, (uint64_t)c, 0, 0, 0), 0);
    pump();
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 0, 100, 0), 0);
    assert_int_equal(r.mr[0], 12);
    assert_true(poll_word(A, NET_POLL_IN) & (1ull << a));
    assert_false(poll_word(A, NET_POLL_HUP) & (1ull << a));
    assert_int_equal(now(A, &r, NET_RPC_SHUTDOWN, 2, (uint64_t)a, NET_SHUT_WR, 0, 0), 0);
    assert_true(poll_word(A, NET_POLL_HUP) & (1ull << a));
}

static void test_peek_leaves_tcp_data_queued(void **state)
{
    (void)state;
    net_reply_t r;
    int l = listener(A, PORT), b, a;
    connect_pair(PORT, l, &b, &a);
    memcpy(shm_b, "hello", 5);
    assert_int_equal(now(B, &r, NET_RPC_SEND, 4, (uint64_t)b, 0, 5, 0), 0);
    pump();
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 0, 3, NET_RPC_PEEK), 0);
    assert_int_equal(r.mr[0], 3);
    assert_int_equal(now(A, &r, NET_RPC_RECV, 4, (uint64_t)a, 0, 100, 0), 0);
    assert_int_equal(r.mr[0], 5);
    assert_memory_equal(shm_a, "hello", 5);
}

int main(void)
{
    lwip_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_malformed_requests_get_their_errno, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_client_without_a_region_gets_eopnotsupp_for_data,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_the_65th_socket_gets_emfile_and_closing_one_frees_a_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_listeners_on_one_port_get_eaddrinuse, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_options_read_back_what_was_set, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_loopback_connection_carries_data_both_ways_and_ends_with_eof, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_waiting_recv_is_answered_when_data_arrives, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_waiting_accept_is_answered_when_a_peer_connects,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_to_a_closed_port_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_four_mib_arrive_intact_through_the_windows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_four_mib_arrive_intact_when_data_is_copied_under_pressure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_client_that_goes_leaves_no_socket_and_gets_no_reply,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_closing_a_listener_resets_the_connections_nobody_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_thousand_connections_leave_nothing_behind, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_udp_datagrams_keep_their_boundaries_and_sources, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_a_connected_udp_socket_learns_a_local_port_is_closed_at_its_next_call, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_poll_bits_follow_the_sockets_and_the_notification_comes_once_per_arming, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_peek_leaves_tcp_data_queued, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
