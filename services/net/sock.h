/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The socket layer of the net server: the requests of <kaal/net_rpc.h>
 * decoded, checked and carried out on lwIP's raw TCP and UDP APIs, per client
 * badge. It knows nothing of seL4: a request comes in as a net_msg_t and
 * is answered with a net_reply_t, now (NET_SOCK_REPLY) or later
 * (NET_SOCK_WAIT: the caller saves the client's reply capability and the
 * layer calls ops->reply_later once the operation completes), so the host
 * tests drive it directly.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/net_rpc.h>

#define NET_MSG_MAX_WORDS 6

typedef struct {
    uint64_t label;
    uint64_t mr[NET_MSG_MAX_WORDS];
    unsigned n_words; /* the message's length (words beyond it read as 0) */
    bool has_cap;     /* a capability came with it (the caller keeps it for REGISTER_NTFN) */
} net_msg_t;

typedef struct {
    uint64_t label; /* 0 or a Linux errno */
    uint64_t mr[4];
    unsigned n_words;
} net_reply_t;

typedef struct {
    /* Answers the client's waiting call. */
    void (*reply_later)(void *ctx, unsigned client, const net_reply_t *r);
    /* true if lwIP holds many driver buffers (copy data kept for a reader) */
    bool (*rx_pressure)(void *ctx);
    /* Signals the client's readiness notification (REGISTER_NTFN). */
    void (*notify)(void *ctx, unsigned client);
} net_sock_ops_t;

enum { NET_SOCK_REPLY, NET_SOCK_WAIT };

void net_sock_init(const net_sock_ops_t *ops, void *ctx);

/* The shared region of a client (badge); NULL base: none. */
void net_sock_set_shm(uint64_t badge, void *base, size_t size_bytes);

/* One request from the client with this badge. */
int net_sock_handle(uint64_t badge, const net_msg_t *m, net_reply_t *r);

/* The client went: every socket it had is aborted, its waiting call (if
 * any) forgotten. Returns true if it had one (the caller drops the saved
 * reply capability). */
bool net_sock_client_gone(uint64_t badge);

/* Open sockets of all clients (tests: no leak). */
unsigned net_sock_count(void);
