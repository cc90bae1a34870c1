// SPDX-License-Identifier: BSD-2-Clause
/*
 * A TCP echo service on port 7777, built on the net server's client
 * library (<kaal/net_client.h>). At start it checks the stack's loopback
 * path through itself: a connection to 127.0.0.1:7777 opened, accepted and
 * used both ways (a short line, then 256 KiB of a pattern in 16 KiB
 * chunks, so windows fill and open), closed, and the result printed. Then
 * it echoes what every client sends until the client closes, one
 * connection after another.
 */
#include <kaal/linux_errno.h>
#include <kaal/net_client.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

#include "echo_caps.h"

#define ECHO_PORT 7777
#define CHUNK_BYTES (16 * 1024)
#define LOOPBACK_BYTES (256 * 1024)

static uint8_t buf_out[CHUNK_BYTES], buf_in[CHUNK_BYTES];

static bool recv_all(int s, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        long n = kaal_recv(s, buf + got, len - got, 0);
        if (n <= 0) {
            printf("echo: self-test: recv: %ld\n", n);
            return false;
        }
        got += (size_t)n;
    }
    return true;
}

static bool send_all(int s, const uint8_t *buf, size_t len)
{
    long n = kaal_send(s, buf, len, 0);
    if (n != (long)len) {
        printf("echo: self-test: send: %ld of %zu\n", n, len);
        return false;
    }
    return true;
}

/* The loopback path: client c to the listener's accepted a, both ways. */
static bool self_test(int listener)
{
    int c = kaal_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
    if (c < 0 || kaal_connect(c, NET_RPC_INADDR_LOOPBACK, ECHO_PORT) != 0) {
        printf("echo: self-test: connect to 127.0.0.1:%d failed\n", ECHO_PORT);
        return false;
    }
    uint32_t peer = 0;
    uint16_t port = 0;
    int a = kaal_accept(listener, &peer, &port);
    if (a < 0 || peer != NET_RPC_INADDR_LOOPBACK) {
        printf("echo: self-test: accept: %d (peer %x)\n", a, peer);
        return false;
    }
    bool ok = send_all(c, (const uint8_t *)"ping\n", 5) && recv_all(a, buf_in, 5) &&
              memcmp(buf_in, "ping\n", 5) == 0 && send_all(a, buf_in, 5) &&
              recv_all(c, buf_out, 5) && memcmp(buf_out, "ping\n", 5) == 0;
    uint32_t sum_out = 0, sum_in = 0;
    for (size_t off = 0; ok && off < LOOPBACK_BYTES; off += CHUNK_BYTES) {
        for (size_t i = 0; i < CHUNK_BYTES; i++) {
            buf_out[i] = (uint8_t)((off + i) * 7 + (off + i) / 251);
            sum_out = sum_out * 31 + buf_out[i];
        }
        ok = send_all(c, buf_out, CHUNK_BYTES) && recv_all(a, buf_in, CHUNK_BYTES);
        for (size_t i = 0; ok && i < CHUNK_BYTES; i++)
            sum_in = sum_in * 31 + buf_in[i];
    }
    ok = ok && sum_in == sum_out;
    /* the peer's close reads as end of file */
    ok = ok && kaal_close(c) == 0 && kaal_recv(a, buf_in, 1, 0) == 0;
    kaal_close(a);
    printf("echo: self-test over 127.0.0.1:%d %s (%d bytes each way, checksum %s)\n", ECHO_PORT,
           ok ? "passed" : "FAILED", LOOPBACK_BYTES + 5, sum_in == sum_out ? "equal" : "differs");
    return ok;
}

static void echo_connection(int s)
{
    for (;;) {
        long n = kaal_recv(s, buf_in, sizeof(buf_in), 0);
        if (n <= 0)
            break;
        if (kaal_send(s, buf_in, (size_t)n, 0) != n)
            break;
    }
    kaal_close(s);
}

int main(void)
{
    kaal_net_init(KAAL_CAP_NET, (void *)KAAL_RING_NET_SHM_DATA_VADDR,
                  KAAL_RING_NET_SHM_DATA_SIZE_BYTES);
    int l = kaal_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
    if (l < 0) {
        printf("echo: socket: %d\n", l);
        return 1;
    }
    kaal_setsockopt(l, NET_SOL_SOCKET, NET_SO_REUSEADDR, 1);
    int e = kaal_bind(l, NET_RPC_INADDR_ANY, ECHO_PORT);
    if (e == 0)
        e = kaal_listen(l, 8);
    if (e != 0) {
        printf("echo: bind/listen on port %d: %d\n", ECHO_PORT, e);
        return 1;
    }
    self_test(l);
    printf("echo: listening on port %d\n", ECHO_PORT);
    for (;;) {
        int s = kaal_accept(l, NULL, NULL);
        if (s < 0) {
            printf("echo: accept: %d\n", s);
            return 1;
        }
        kaal_setsockopt(s, NET_IPPROTO_TCP, NET_TCP_NODELAY, 1);
        echo_connection(s);
    }
}
