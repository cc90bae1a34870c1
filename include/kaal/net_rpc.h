/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The net server's socket protocol (services/net; client library
 * runtime/netclient, <kaal/net_client.h>).
 *
 * Transport: endpoint RPC. A client seL4_Calls its badged endpoint to the
 * server's "clients" end; the badge names the client, and socket numbers
 * (0 .. NET_RPC_MAX_SOCKETS - 1) are per badge, so one client cannot name
 * another's sockets.
 *
 * Request: label = one NET_RPC_* operation, MR0.. = its arguments (below).
 * Reply: label 0 = success, MR0.. = results; label != 0 = failure, the
 * label is a positive Linux errno (<kaal/linux_errno.h>). Every argument
 * is checked: an unknown label gives ENOSYS, a message shorter than the
 * operation's arguments EINVAL, a socket number that is not one of the
 * client's open sockets EBADF, bytes outside the shared region EFAULT.
 *
 * Data: the bytes of SEND and RECV travel through a per-client shared
 * region, the data region of a system.toml ring channel whose queues are
 * unused (as the VFS server's shmN): the client is the producer; the
 * server's consumer end is "shm<badge>" (badges 1 .. NET_RPC_MAX_SHM_CLIENTS).
 * A client without one gets EOPNOTSUPP from SEND and RECV.
 *
 * Blocking: ACCEPT, CONNECT, RECV and SEND that cannot complete now are
 * answered later (the server saves the caller's reply capability), unless
 * NET_RPC_NONBLOCK is set in their flags word: then EAGAIN (EINPROGRESS
 * for CONNECT). One client waiting never holds up another; a client has at
 * most one call waiting (a second, from another thread with the same
 * badge, gets EBUSY).
 *
 * Readiness (for poll, next): REGISTER_NTFN will take a notification cap
 * (extraCaps) the server signals when one of the client's sockets becomes
 * readable, writable or gets an error; POLL will return those bits per
 * socket without blocking. The labels are reserved; today they give ENOSYS.
 *
 * Addresses: IPv4 only; an address word is the address in host order
 * (127.0.0.1 is 0x7f000001), ports are host-order numbers.
 */
#pragma once

#include <sel4/sel4.h>

#define NET_RPC_MAX_SOCKETS 64
#define NET_RPC_MAX_CLIENTS 64 /* badges 1 .. 63 */
#define NET_RPC_MAX_SHM_CLIENTS 4

/* Socket domains, types, levels and options: Linux's numbers. */
#define NET_AF_INET 2
#define NET_SOCK_STREAM 1
#define NET_SOCK_DGRAM 2
#define NET_SOL_SOCKET 1
#define NET_IPPROTO_TCP 6
#define NET_SO_REUSEADDR 2
#define NET_SO_ERROR 4
#define NET_SO_SNDBUF 7
#define NET_SO_RCVBUF 8
#define NET_SO_KEEPALIVE 9
#define NET_TCP_NODELAY 1
#define NET_SHUT_RD 0
#define NET_SHUT_WR 1
#define NET_SHUT_RDWR 2

/* Flags word of ACCEPT, CONNECT, SEND and RECV. */
#define NET_RPC_NONBLOCK 0x1u

enum {
    /* MR0 = domain, MR1 = type, MR2 = protocol (0 or IPPROTO_TCP).
     * Reply MR0 = socket. EAFNOSUPPORT, EPROTONOSUPPORT (not a stream
     * socket: UDP is not served yet), EMFILE. */
    NET_RPC_SOCKET = 1,
    /* MR0 = socket, MR1 = address, MR2 = port. EADDRINUSE, EINVAL (bound). */
    NET_RPC_BIND = 2,
    /* MR0 = socket, MR1 = backlog. */
    NET_RPC_LISTEN = 3,
    /* MR0 = socket, MR1 = flags. Reply MR0 = new socket, MR1 = peer
     * address, MR2 = peer port. EINVAL (not listening). */
    NET_RPC_ACCEPT = 4,
    /* MR0 = socket, MR1 = address, MR2 = port, MR3 = flags. ECONNREFUSED,
     * EISCONN, EALREADY, EINPROGRESS (non-blocking). */
    NET_RPC_CONNECT = 5,
    /* MR0 = socket, MR1 = offset in the shared region, MR2 = bytes, MR3 =
     * flags. Reply MR0 = bytes taken (at least 1 unless 0 were given).
     * EPIPE after SHUT_WR or a reset, ENOTCONN. */
    NET_RPC_SEND = 6,
    /* MR0 = socket, MR1 = offset, MR2 = most bytes, MR3 = flags. Reply
     * MR0 = bytes written at offset (0: the peer closed). */
    NET_RPC_RECV = 7,
    /* MR0 = socket. Always closes it (a waiting call of it is answered
     * EBADF first). */
    NET_RPC_CLOSE = 8,
    /* MR0 = socket, MR1 = how (SHUT_*). ENOTCONN. */
    NET_RPC_SHUTDOWN = 9,
    /* MR0 = socket, MR1 = level, MR2 = option, MR3 = value. ENOPROTOOPT. */
    NET_RPC_SETSOCKOPT = 10,
    /* MR0 = socket, MR1 = level, MR2 = option. Reply MR0 = value. SO_ERROR
     * returns and clears the socket's pending error. */
    NET_RPC_GETSOCKOPT = 11,
    /* MR0 = socket. Reply MR0 = local address, MR1 = local port, MR2 =
     * peer address (0 if none), MR3 = peer port. */
    NET_RPC_GETNAME = 12,
    NET_RPC_REGISTER_NTFN = 13, /* reserved: readiness notifications */
    NET_RPC_POLL = 14,          /* reserved */
    NET_RPC_N_OPS
};

#define NET_RPC_INADDR_ANY 0u
#define NET_RPC_INADDR_LOOPBACK 0x7f000001u
