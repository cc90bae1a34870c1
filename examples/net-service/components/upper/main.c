// SPDX-License-Identifier: BSD-2-Clause
/* upper: tutorial 8. Sockets as in BSD, over the net server
 * (<kaal/net_client.h>): every call is an RPC to it, the bytes travel in
 * the region shared with it (the "net_shm" end), and every result is a
 * value or a negative Linux errno. One connection at a time: read until
 * the peer shuts its side, answer the bytes in capitals, close. */
#include <kaal/linux_errno.h>
#include <kaal/net_client.h>
#include <kaal/stdio.h>

#include "upper_caps.h"

#define UPPER_PORT 7070

static char buf[4096];

static void serve(int s, unsigned long n)
{
    size_t got = 0;
    long r;
    while (got < sizeof(buf) && (r = kaal_recv(s, buf + got, sizeof(buf) - got, 0)) > 0)
        got += (size_t)r;
    for (size_t i = 0; i < got; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
    long sent = kaal_send(s, buf, got, 0);
    kaal_close(s);
    printf("upper: connection %lu: %zu bytes in, %ld out\n", n, got, sent);
}

int main(void)
{
    kaal_net_init(KAAL_CAP_NET, (void *)KAAL_RING_NET_SHM_DATA_VADDR,
                  KAAL_RING_NET_SHM_DATA_SIZE_BYTES);
    int l = kaal_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
    int e = l < 0 ? l : kaal_bind(l, NET_RPC_INADDR_ANY, UPPER_PORT);
    if (e == 0)
        e = kaal_listen(l, 4);
    if (e != 0) {
        printf("upper: cannot listen on port %d: error %d\n", UPPER_PORT, e);
        return 1;
    }
    printf("upper: listening on port %d\n", UPPER_PORT);
    for (unsigned long n = 1;; n++) {
        int s = kaal_accept(l, NULL, NULL);
        if (s < 0) {
            printf("upper: accept: error %d\n", s);
            continue;
        }
        serve(s, n);
    }
}
