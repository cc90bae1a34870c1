// SPDX-License-Identifier: BSD-2-Clause
/* The net server's client library (<kaal/net_client.h>): each call is one
 * seL4_Call per <kaal/net_rpc.h> (send and recv loop over the shared
 * region's size). A reply label is 0 or a Linux errno; init's
 * KAAL_RPC_LABEL_SERVER_GONE (the server died in our call) reads as
 * ECONNRESET, a call on an unset endpoint as ENETDOWN. */
#include <kaal/component.h>
#include <kaal/linux_errno.h>
#include <kaal/net_client.h>
#include <kaal/string.h>

static seL4_CPtr net_ep;
static uint8_t *net_shm;
static size_t net_shm_bytes;

void kaal_net_init(seL4_CPtr server_ep, void *shm, size_t shm_bytes)
{
    net_ep = server_ep;
    net_shm = shm;
    net_shm_bytes = shm ? shm_bytes : 0;
}

/* One call: n argument words; returns 0 or -errno, results in MR0.. */
static long call(seL4_Word label, unsigned n, seL4_Word a0, seL4_Word a1, seL4_Word a2,
                 seL4_Word a3)
{
    if (net_ep == 0)
        return -LINUX_ENETDOWN;
    seL4_SetMR(0, a0);
    seL4_SetMR(1, a1);
    seL4_SetMR(2, a2);
    seL4_SetMR(3, a3);
    seL4_MessageInfo_t info = seL4_Call(net_ep, seL4_MessageInfo_new(label, 0, 0, n));
    seL4_Word l = seL4_MessageInfo_get_label(info);
    if (l == 0)
        return 0;
    if (l == KAAL_RPC_LABEL_SERVER_GONE || l > 4095)
        return -LINUX_ECONNRESET;
    return -(long)l;
}

int kaal_socket(int domain, int type, int protocol)
{
    long e = call(NET_RPC_SOCKET, 3, (seL4_Word)domain, (seL4_Word)type, (seL4_Word)protocol, 0);
    return e < 0 ? (int)e : (int)seL4_GetMR(0);
}

int kaal_bind(int s, uint32_t addr, uint16_t port)
{
    return (int)call(NET_RPC_BIND, 3, (seL4_Word)s, addr, port, 0);
}

int kaal_listen(int s, int backlog)
{
    return (int)call(NET_RPC_LISTEN, 2, (seL4_Word)s, (seL4_Word)(backlog < 0 ? 0 : backlog), 0, 0);
}

int kaal_accept(int s, uint32_t *peer_addr, uint16_t *peer_port)
{
    long e = call(NET_RPC_ACCEPT, 2, (seL4_Word)s, 0, 0, 0);
    if (e < 0)
        return (int)e;
    if (peer_addr)
        *peer_addr = (uint32_t)seL4_GetMR(1);
    if (peer_port)
        *peer_port = (uint16_t)seL4_GetMR(2);
    return (int)seL4_GetMR(0);
}

int kaal_connect(int s, uint32_t addr, uint16_t port)
{
    return (int)call(NET_RPC_CONNECT, 4, (seL4_Word)s, addr, port, 0);
}

static seL4_Word rpc_flags(int flags)
{
    return flags & KAAL_MSG_DONTWAIT ? NET_RPC_NONBLOCK : 0;
}

static bool in_region(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    return net_shm != NULL && p >= net_shm && len <= net_shm_bytes &&
           (size_t)(p - net_shm) <= net_shm_bytes - len;
}

long kaal_send(int s, const void *buf, size_t len, int flags)
{
    if (net_shm == NULL)
        return -LINUX_EOPNOTSUPP;
    const uint8_t *p = buf;
    size_t done = 0;
    bool in_place = in_region(buf, len);
    do {
        size_t n = len - done, off = 0;
        if (in_place) {
            off = (size_t)(p + done - net_shm);
        } else {
            if (n > net_shm_bytes)
                n = net_shm_bytes;
            memcpy(net_shm, p + done, n);
        }
        long e = call(NET_RPC_SEND, 4, (seL4_Word)s, off, n, rpc_flags(flags));
        if (e < 0)
            return done > 0 ? (long)done : e;
        size_t took = (size_t)seL4_GetMR(0);
        if (took > n)
            return -LINUX_EIO; /* a server bug */
        done += took;
        if (took < n && (flags & KAAL_MSG_DONTWAIT))
            break;
    } while (done < len);
    return (long)done;
}

long kaal_recv(int s, void *buf, size_t len, int flags)
{
    if (net_shm == NULL)
        return -LINUX_EOPNOTSUPP;
    bool in_place = in_region(buf, len);
    size_t n = in_place || len <= net_shm_bytes ? len : net_shm_bytes;
    size_t off = in_place ? (size_t)((uint8_t *)buf - net_shm) : 0;
    long e = call(NET_RPC_RECV, 4, (seL4_Word)s, off, n, rpc_flags(flags));
    if (e < 0)
        return e;
    size_t got = (size_t)seL4_GetMR(0);
    if (got > n)
        return -LINUX_EIO; /* a server bug: never trust it with our buffer */
    if (!in_place)
        memcpy(buf, net_shm, got);
    return (long)got;
}

int kaal_shutdown(int s, int how)
{
    return (int)call(NET_RPC_SHUTDOWN, 2, (seL4_Word)s, (seL4_Word)how, 0, 0);
}

int kaal_close(int s)
{
    return (int)call(NET_RPC_CLOSE, 1, (seL4_Word)s, 0, 0, 0);
}

int kaal_setsockopt(int s, int level, int option, int value)
{
    return (int)call(NET_RPC_SETSOCKOPT, 4, (seL4_Word)s, (seL4_Word)level, (seL4_Word)option,
                     (seL4_Word)value);
}

int kaal_getsockopt(int s, int level, int option, int *value)
{
    long e = call(NET_RPC_GETSOCKOPT, 3, (seL4_Word)s, (seL4_Word)level, (seL4_Word)option, 0);
    if (e == 0 && value)
        *value = (int)seL4_GetMR(0);
    return (int)e;
}
