/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * BSD-like sockets for native components, over the net server's protocol
 * (<kaal/net_rpc.h>; runtime/netclient). Call kaal_net_init once with the
 * endpoint to the server's "clients" end and the shared region (the data
 * region of the client's ring end wired to the server's shm<badge>). Every
 * call returns its result (>= 0) or a negative Linux errno
 * (-LINUX_ECONNRESET, ...). Addresses and ports are in host order
 * (127.0.0.1 is NET_RPC_INADDR_LOOPBACK). kaal_send and kaal_recv block
 * unless flags has KAAL_MSG_DONTWAIT; kaal_send returns once every byte is
 * with the server. A buffer inside the shared region is used in place;
 * any other is copied through the region.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4/sel4.h>

#include <kaal/net_rpc.h>

#define KAAL_MSG_DONTWAIT 0x40 /* Linux's MSG_DONTWAIT */

void kaal_net_init(seL4_CPtr server_ep, void *shm, size_t shm_bytes);

int kaal_socket(int domain, int type, int protocol);
int kaal_bind(int s, uint32_t addr, uint16_t port);
int kaal_listen(int s, int backlog);
/* peer_addr, peer_port may be NULL */
int kaal_accept(int s, uint32_t *peer_addr, uint16_t *peer_port);
int kaal_connect(int s, uint32_t addr, uint16_t port);
long kaal_send(int s, const void *buf, size_t len, int flags);
long kaal_recv(int s, void *buf, size_t len, int flags);
int kaal_shutdown(int s, int how);
int kaal_close(int s);
int kaal_setsockopt(int s, int level, int option, int value);
int kaal_getsockopt(int s, int level, int option, int *value);
