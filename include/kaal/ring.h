/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared-memory queues for data paths between components (sDDF style).
 *
 * kaal_ring_t: a single-producer/single-consumer queue of descriptors
 * (offset, length, flags) that point into a shared data region. It lives in
 * memory both sides map; each side holds its own handle, and the handle's
 * type says which side it is: kaal_ring_producer_t or kaal_ring_consumer_t.
 * No locks: the producer publishes with a release store of `tail`, the
 * consumer with a release store of `head`; each side reads the other's
 * index with an acquire load (runtime/ring/README.md has the argument).
 *
 * Signal suppression: a side that runs out of work "arms" (says it wants a
 * notification) and then re-checks the ring; the other side asks
 * *_should_signal after publishing and only signals an armed peer. A busy
 * path therefore makes no system calls at all.
 *
 * Channel: a free queue and an active queue over one data region of
 * equal-sized buffers. The sender takes empty buffers from the free queue,
 * fills them and enqueues them on the active queue; the receiver dequeues
 * them, consumes the data and returns them on the free queue.
 *
 * kaal_mpmc_t: a bounded multi-producer/multi-consumer queue of the same
 * descriptors (per-cell sequence numbers; lock-free, not wait-free).
 *
 * Descriptors come from another component: never trust them. Use
 * kaal_ring_data_at, which checks them against the data region.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/error.h>

#define KAAL_RING_CACHELINE_BYTES 64
#define KAAL_RING_MAX_CAPACITY (1u << 30)

typedef struct {
    uint64_t offset;       /* into the data region */
    uint32_t length_bytes; /* valid bytes at offset */
    uint16_t flags;        /* meaning chosen by the protocol on top */
    uint16_t cookie;       /* free for the user, e.g. a buffer index */
} kaal_ring_desc_t;

/* The shared part of an SPSC ring. Each index sits on its own cache line so
 * the two sides do not invalidate each other's lines on every operation. */
typedef struct {
    /* written by the producer only; the consumer reads it */
    _Alignas(KAAL_RING_CACHELINE_BYTES) _Atomic uint32_t tail;
    /* written by the consumer only; the producer reads it */
    _Alignas(KAAL_RING_CACHELINE_BYTES) _Atomic uint32_t head;
    /* set by the consumer when it waits for data, cleared by the producer
     * when it signals (or by the consumer when it found data after all) */
    _Alignas(KAAL_RING_CACHELINE_BYTES) _Atomic uint32_t consumer_wants_signal;
    /* set by the producer when it waits for space, cleared by the consumer
     * when it signals (or by the producer when it found space after all) */
    _Atomic uint32_t producer_wants_signal;
    /* written once by kaal_ring_init, before either side attaches (the
     * component that formats the ring hands it over only afterwards) */
    uint32_t capacity; /* power of two */
    uint32_t magic;
    _Alignas(KAAL_RING_CACHELINE_BYTES) kaal_ring_desc_t slots[];
} kaal_ring_t;

/* The producer's private handle. */
typedef struct {
    kaal_ring_t *ring;
    uint32_t mask;
    uint32_t tail;       /* next slot to fill; mirrors ring->tail */
    uint32_t head_cache; /* last head seen; reloaded only when the ring looks full */
} kaal_ring_producer_t;

/* The consumer's private handle. */
typedef struct {
    kaal_ring_t *ring;
    uint32_t mask;
    uint32_t head;       /* next slot to read; mirrors ring->head */
    uint32_t tail_cache; /* last tail seen; reloaded only when the ring looks empty */
} kaal_ring_consumer_t;

/* Bytes of shared memory a ring of `capacity` descriptors needs. */
size_t kaal_ring_bytes(uint32_t capacity);
/* Formats an empty ring at mem (cache-line aligned, kaal_ring_bytes long).
 * capacity: a power of two, 2 .. KAAL_RING_MAX_CAPACITY. One side calls it
 * before either side attaches. */
kaal_error_t kaal_ring_init(void *mem, size_t mem_bytes, uint32_t capacity);
/* KAAL_EINVAL unless mem holds a ring made by kaal_ring_init. */
kaal_error_t kaal_ring_producer_attach(kaal_ring_producer_t *p, void *mem);
kaal_error_t kaal_ring_consumer_attach(kaal_ring_consumer_t *c, void *mem);

/* KAAL_EAGAIN when full. */
kaal_error_t kaal_ring_enqueue(kaal_ring_producer_t *p, const kaal_ring_desc_t *desc);
/* Enqueues as many of the n descriptors as fit (publishing them at once)
 * and returns how many. */
uint32_t kaal_ring_enqueue_batch(kaal_ring_producer_t *p, const kaal_ring_desc_t *descs,
                                 uint32_t n);
/* Free slots the producer can fill now (refreshes its view of head). */
uint32_t kaal_ring_producer_space(kaal_ring_producer_t *p);

/* KAAL_EAGAIN when empty. */
kaal_error_t kaal_ring_dequeue(kaal_ring_consumer_t *c, kaal_ring_desc_t *out);
/* Dequeues up to max descriptors (releasing their slots at once) and
 * returns how many. */
uint32_t kaal_ring_dequeue_batch(kaal_ring_consumer_t *c, kaal_ring_desc_t *out, uint32_t max);
/* Descriptors the consumer can read now (refreshes its view of tail). */
uint32_t kaal_ring_consumer_available(kaal_ring_consumer_t *c);

/* Signal suppression, consumer waiting for data:
 *   consumer: if (kaal_ring_consumer_arm(&c)) wait for the notification;
 *   producer: after enqueueing, if (kaal_ring_producer_should_signal(&p))
 *             signal the notification.
 * arm returns true if the ring is still empty (safe to wait: the producer
 * will see the request), false if data arrived (the request is withdrawn). */
bool kaal_ring_consumer_arm(kaal_ring_consumer_t *c);
bool kaal_ring_producer_should_signal(kaal_ring_producer_t *p);
/* The same, the other way round: producer waiting for space. */
bool kaal_ring_producer_arm(kaal_ring_producer_t *p);
bool kaal_ring_consumer_should_signal(kaal_ring_consumer_t *c);

/* The bytes a descriptor names inside a data region, or NULL if it does
 * not lie entirely inside [data, data + data_bytes). */
void *kaal_ring_data_at(void *data, size_t data_bytes, const kaal_ring_desc_t *desc);

/* ---- channel: free queue + active queue over a buffer region ---- */

/* Bytes of shared memory for the two rings of a channel. */
size_t kaal_ring_channel_bytes(uint32_t capacity);
/* Formats both rings in rings_mem and puts n_buffers buffers of
 * buffer_bytes (offsets 0, buffer_bytes, ...) on the free queue.
 * n_buffers <= capacity. */
kaal_error_t kaal_ring_channel_init(void *rings_mem, size_t rings_bytes, uint32_t capacity,
                                    uint32_t n_buffers, uint32_t buffer_bytes);

/* The sending side: consumes the free queue, produces the active queue. */
typedef struct {
    kaal_ring_consumer_t free;
    kaal_ring_producer_t active;
    uint8_t *data;
    size_t data_bytes;
} kaal_ring_sender_t;

/* The receiving side: consumes the active queue, produces the free queue. */
typedef struct {
    kaal_ring_consumer_t active;
    kaal_ring_producer_t free;
    uint8_t *data;
    size_t data_bytes;
} kaal_ring_receiver_t;

kaal_error_t kaal_ring_sender_attach(kaal_ring_sender_t *s, void *rings_mem, void *data,
                                     size_t data_bytes);
kaal_error_t kaal_ring_receiver_attach(kaal_ring_receiver_t *r, void *rings_mem, void *data,
                                       size_t data_bytes);
/* An empty buffer: *buf names it, the return value is where to write (NULL
 * if none is free, or the peer put a bad descriptor on the free queue). */
void *kaal_ring_sender_get_buffer(kaal_ring_sender_t *s, kaal_ring_desc_t *buf);
/* Hands a filled buffer (buf.length_bytes set) to the receiver.
 * KAAL_EINVAL if buf lies outside the data region. */
kaal_error_t kaal_ring_sender_send(kaal_ring_sender_t *s, const kaal_ring_desc_t *buf);
/* The next filled buffer (NULL if none; KAAL_EINVAL-worthy descriptors from
 * the peer are returned to the free queue unread and skipped). */
void *kaal_ring_receiver_recv(kaal_ring_receiver_t *r, kaal_ring_desc_t *buf);
/* Gives a consumed buffer back to the sender. */
kaal_error_t kaal_ring_receiver_release(kaal_ring_receiver_t *r, const kaal_ring_desc_t *buf);

/* ---- bounded MPMC queue ---- */

typedef struct {
    _Atomic uint64_t seq; /* position this cell is ready for (see mpmc.c) */
    kaal_ring_desc_t desc;
    uint64_t pad;
} kaal_mpmc_cell_t;

typedef struct {
    _Alignas(KAAL_RING_CACHELINE_BYTES) _Atomic uint64_t enqueue_pos; /* producers' counter */
    _Alignas(KAAL_RING_CACHELINE_BYTES) _Atomic uint64_t dequeue_pos; /* consumers' counter */
    _Alignas(KAAL_RING_CACHELINE_BYTES) uint64_t mask; /* written once by kaal_mpmc_init */
    uint32_t magic;
    _Alignas(KAAL_RING_CACHELINE_BYTES) kaal_mpmc_cell_t cells[];
} kaal_mpmc_t;

size_t kaal_mpmc_bytes(uint32_t capacity);
/* capacity: a power of two, 2 .. KAAL_RING_MAX_CAPACITY. */
kaal_error_t kaal_mpmc_init(void *mem, size_t mem_bytes, uint32_t capacity);
/* The queue formatted at mem, or NULL if mem holds none. */
kaal_mpmc_t *kaal_mpmc_attach(void *mem);
/* Any thread. KAAL_EAGAIN when full. */
kaal_error_t kaal_mpmc_enqueue(kaal_mpmc_t *q, const kaal_ring_desc_t *desc);
/* Any thread. KAAL_EAGAIN when empty. */
kaal_error_t kaal_mpmc_dequeue(kaal_mpmc_t *q, kaal_ring_desc_t *out);
