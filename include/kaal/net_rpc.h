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
 * badge, gets EBUSY). A client serving many users (the POSIX server) sets
 * NET_RPC_NONBLOCK on every call and waits with readiness instead:
 *
 * Readiness: REGISTER_NTFN passes a notification cap (extraCaps = 1; the
 * client's end needs Grant). Every request of the client arms it; the
 * server signals it once, and disarms it, when something happens on one of
 * the client's sockets after that (data, room, a connection, an error, the
 * peer's close). POLL answers, without blocking, which sockets are
 * readable, writable, hung up or have an error (one bit per socket number
 * in four words) and arms the notification too, so a client that polls,
 * finds nothing and waits on the notification never misses an event.
 *
 * UDP (NET_SOCK_DGRAM): SEND with MR4 = address, MR5 = port (n_words 6,
 * port != 0) is a sendto, else it goes to the connected peer; RECV takes
 * one datagram (the rest of a longer one is dropped, as Linux) and answers
 * its source. A connected UDP socket that sends to a closed port of this
 * host gets ECONNREFUSED at its next call (lwIP 2.1 does not pass ICMP
 * port-unreachable to UDP pcbs, so the server checks its own pcbs).
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
#define NET_IPPROTO_IP 0
#define NET_IPPROTO_TCP 6
#define NET_IPPROTO_UDP 17
#define NET_SO_REUSEADDR 2
#define NET_SO_TYPE 3
#define NET_SO_ERROR 4
#define NET_SO_BROADCAST 6
#define NET_SO_SNDBUF 7
#define NET_SO_RCVBUF 8
#define NET_SO_KEEPALIVE 9
#define NET_SO_LINGER 13 /* value: NET_LINGER(on, seconds) */
#define NET_SO_REUSEPORT 15
#define NET_SO_ACCEPTCONN 30
#define NET_IP_TTL 2
#define NET_TCP_NODELAY 1
/* KaaL's own (SOL_SOCKET, read only): bytes a RECV would return now (TCP:
 * all queued; UDP: the next datagram), for FIONREAD. */
#define NET_SO_NREAD 0x4b01
#define NET_LINGER(on, seconds) ((uint64_t)((on) != 0) | (uint64_t)(uint32_t)(seconds) << 32)
#define NET_SHUT_RD 0
#define NET_SHUT_WR 1
#define NET_SHUT_RDWR 2

/* Flags word of ACCEPT, CONNECT, SEND and RECV. */
#define NET_RPC_NONBLOCK 0x1u
#define NET_RPC_PEEK 0x2u /* RECV: the data stays queued */

/* POLL's answer: bit n of each word is socket n. */
enum { NET_POLL_IN, NET_POLL_OUT, NET_POLL_HUP, NET_POLL_ERR, NET_POLL_WORDS };

enum {
    /* MR0 = domain, MR1 = type (SOCK_STREAM or SOCK_DGRAM), MR2 =
     * protocol (0, IPPROTO_TCP for a stream, IPPROTO_UDP for a datagram
     * socket). Reply MR0 = socket, MR1 = 1 if the client's readiness
     * notification is registered (0 after the server restarted: register
     * again). EAFNOSUPPORT, EPROTONOSUPPORT, EMFILE. */
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
     * flags, UDP only: MR4 = address, MR5 = port. Reply MR0 = bytes taken
     * (at least 1 unless 0 were given; UDP: all or an error). EPIPE after
     * SHUT_WR or a reset, ENOTCONN, EDESTADDRREQ, EMSGSIZE (UDP). */
    NET_RPC_SEND = 6,
    /* MR0 = socket, MR1 = offset, MR2 = most bytes, MR3 = flags. Reply
     * MR0 = bytes written at offset (0: the peer closed), UDP: MR1 =
     * source address, MR2 = source port, MR3 = the datagram's length. */
    NET_RPC_RECV = 7,
    /* MR0 = socket. Always closes it (a waiting call of it is answered
     * EBADF first). */
    NET_RPC_CLOSE = 8,
    /* MR0 = socket, MR1 = how (SHUT_*). ENOTCONN. */
    NET_RPC_SHUTDOWN = 9,
    /* MR0 = socket, MR1 = level, MR2 = option, MR3 = value. ENOPROTOOPT.
     * SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST, SO_RCVBUF,
     * SO_SNDBUF (kept and read back; lwIP's buffers are fixed per build),
     * SO_LINGER (on with 0 seconds: close resets), IP_TTL, TCP_NODELAY. */
    NET_RPC_SETSOCKOPT = 10,
    /* MR0 = socket, MR1 = level, MR2 = option. Reply MR0 = value. SO_ERROR
     * returns and clears the socket's pending error; also SO_TYPE,
     * SO_ACCEPTCONN, NET_SO_NREAD. */
    NET_RPC_GETSOCKOPT = 11,
    /* MR0 = socket. Reply MR0 = local address, MR1 = local port, MR2 =
     * peer address (0 if none), MR3 = peer port. */
    NET_RPC_GETNAME = 12,
    /* extraCaps[0] = a notification (no words). EINVAL without one. */
    NET_RPC_REGISTER_NTFN = 13,
    /* No arguments. Reply MR0..3 = the NET_POLL_* bitmaps of the client's
     * sockets (readable: data, EOF or a queued connection; writable: room
     * to send; hung up: closed both ways or reset; error: SO_ERROR set). */
    NET_RPC_POLL = 14,
    NET_RPC_N_OPS
};

#define NET_RPC_INADDR_ANY 0u
#define NET_RPC_INADDR_LOOPBACK 0x7f000001u
