// SPDX-License-Identifier: BSD-2-Clause
/*
 * SPSC descriptor rings and the free/active channel built from two of them.
 *
 * Model. head and tail are free-running 32-bit counters; slot i lives at
 * slots[i & (capacity - 1)]; the ring holds tail - head descriptors
 * (unsigned arithmetic, so wrap-around of the counters is harmless because
 * capacity <= 2^30). Only the producer writes tail and only the consumer
 * writes head; each side keeps a private copy of its own counter and a
 * cached copy of the other's, so the common case touches no shared line
 * except the slot itself and one release store per batch.
 *
 * Ordering. The producer writes slots, then publishes them with a release
 * store of tail; the consumer's acquire load of tail makes those slot writes
 * visible before it reads them. Symmetrically the consumer's release store
 * of head, after it has copied the slots out, pairs with the producer's
 * acquire load of head, so the producer never overwrites a slot that is
 * still being read.
 *
 * Signal suppression is a store-buffering (Dekker) pattern: the waiter
 * stores its "wants signal" flag and then loads the index; the other side
 * stores the index and then loads the flag. A seq_cst fence between the
 * store and the load on both sides guarantees at least one of them sees the
 * other's store, so either the waiter sees the new work and does not sleep,
 * or the worker sees the flag and signals: no lost wake-up.
 */
#include <kaal/ring.h>

#define RING_MAGIC 0x6b72696eu /* "kring" */

static bool valid_capacity(uint32_t capacity)
{
    return capacity >= 2 && capacity <= KAAL_RING_MAX_CAPACITY && (capacity & (capacity - 1)) == 0;
}

size_t kaal_ring_bytes(uint32_t capacity)
{
    return sizeof(kaal_ring_t) + (size_t)capacity * sizeof(kaal_ring_desc_t);
}

kaal_error_t kaal_ring_init(void *mem, size_t mem_bytes, uint32_t capacity)
{
    if (mem == NULL || (uintptr_t)mem % KAAL_RING_CACHELINE_BYTES != 0 ||
        !valid_capacity(capacity) || mem_bytes < kaal_ring_bytes(capacity))
        return KAAL_EINVAL;
    kaal_ring_t *ring = mem;
    atomic_init(&ring->tail, 0);
    atomic_init(&ring->head, 0);
    atomic_init(&ring->consumer_wants_signal, 0);
    atomic_init(&ring->producer_wants_signal, 0);
    ring->capacity = capacity;
    ring->magic = RING_MAGIC;
    return KAAL_OK;
}

static kaal_ring_t *checked_ring(void *mem)
{
    kaal_ring_t *ring = mem;
    if (ring == NULL || (uintptr_t)mem % KAAL_RING_CACHELINE_BYTES != 0 ||
        ring->magic != RING_MAGIC || !valid_capacity(ring->capacity))
        return NULL;
    return ring;
}

kaal_error_t kaal_ring_producer_attach(kaal_ring_producer_t *p, void *mem)
{
    kaal_ring_t *ring = checked_ring(mem);
    if (ring == NULL)
        return KAAL_EINVAL;
    p->ring = ring;
    p->mask = ring->capacity - 1;
    p->tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    p->head_cache = atomic_load_explicit(&ring->head, memory_order_acquire);
    return KAAL_OK;
}

kaal_error_t kaal_ring_consumer_attach(kaal_ring_consumer_t *c, void *mem)
{
    kaal_ring_t *ring = checked_ring(mem);
    if (ring == NULL)
        return KAAL_EINVAL;
    c->ring = ring;
    c->mask = ring->capacity - 1;
    c->head = atomic_load_explicit(&ring->head, memory_order_relaxed);
    c->tail_cache = atomic_load_explicit(&ring->tail, memory_order_acquire);
    return KAAL_OK;
}

/* ---- producer ---- */

uint32_t kaal_ring_producer_space(kaal_ring_producer_t *p)
{
    p->head_cache = atomic_load_explicit(&p->ring->head, memory_order_acquire);
    return p->mask + 1 - (p->tail - p->head_cache);
}

kaal_error_t kaal_ring_enqueue(kaal_ring_producer_t *p, const kaal_ring_desc_t *desc)
{
    if (p->tail - p->head_cache > p->mask && kaal_ring_producer_space(p) == 0)
        return KAAL_EAGAIN;
    p->ring->slots[p->tail & p->mask] = *desc;
    p->tail++;
    atomic_store_explicit(&p->ring->tail, p->tail, memory_order_release);
    return KAAL_OK;
}

uint32_t kaal_ring_enqueue_batch(kaal_ring_producer_t *p, const kaal_ring_desc_t *descs, uint32_t n)
{
    uint32_t space = p->mask + 1 - (p->tail - p->head_cache);
    if (space < n)
        space = kaal_ring_producer_space(p);
    if (n > space)
        n = space;
    for (uint32_t i = 0; i < n; i++)
        p->ring->slots[(p->tail + i) & p->mask] = descs[i];
    if (n) {
        p->tail += n;
        atomic_store_explicit(&p->ring->tail, p->tail, memory_order_release);
    }
    return n;
}

/* ---- consumer ---- */

uint32_t kaal_ring_consumer_available(kaal_ring_consumer_t *c)
{
    c->tail_cache = atomic_load_explicit(&c->ring->tail, memory_order_acquire);
    return c->tail_cache - c->head;
}

kaal_error_t kaal_ring_dequeue(kaal_ring_consumer_t *c, kaal_ring_desc_t *out)
{
    if (c->head == c->tail_cache && kaal_ring_consumer_available(c) == 0)
        return KAAL_EAGAIN;
    *out = c->ring->slots[c->head & c->mask];
    c->head++;
    atomic_store_explicit(&c->ring->head, c->head, memory_order_release);
    return KAAL_OK;
}

uint32_t kaal_ring_dequeue_batch(kaal_ring_consumer_t *c, kaal_ring_desc_t *out, uint32_t max)
{
    uint32_t avail = c->tail_cache - c->head;
    if (avail < max)
        avail = kaal_ring_consumer_available(c);
    if (max > avail)
        max = avail;
    for (uint32_t i = 0; i < max; i++)
        out[i] = c->ring->slots[(c->head + i) & c->mask];
    if (max) {
        c->head += max;
        atomic_store_explicit(&c->ring->head, c->head, memory_order_release);
    }
    return max;
}

/* ---- signal suppression ---- */

bool kaal_ring_consumer_arm(kaal_ring_consumer_t *c)
{
    atomic_store_explicit(&c->ring->consumer_wants_signal, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    if (kaal_ring_consumer_available(c) == 0)
        return true;
    atomic_store_explicit(&c->ring->consumer_wants_signal, 0, memory_order_relaxed);
    return false;
}

bool kaal_ring_producer_should_signal(kaal_ring_producer_t *p)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&p->ring->consumer_wants_signal, memory_order_relaxed) == 0)
        return false;
    return atomic_exchange_explicit(&p->ring->consumer_wants_signal, 0, memory_order_relaxed) != 0;
}

bool kaal_ring_producer_arm(kaal_ring_producer_t *p)
{
    atomic_store_explicit(&p->ring->producer_wants_signal, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    if (kaal_ring_producer_space(p) == 0)
        return true;
    atomic_store_explicit(&p->ring->producer_wants_signal, 0, memory_order_relaxed);
    return false;
}

bool kaal_ring_consumer_should_signal(kaal_ring_consumer_t *c)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&c->ring->producer_wants_signal, memory_order_relaxed) == 0)
        return false;
    return atomic_exchange_explicit(&c->ring->producer_wants_signal, 0, memory_order_relaxed) != 0;
}

void *kaal_ring_data_at(void *data, size_t data_bytes, const kaal_ring_desc_t *desc)
{
    if (desc->offset > data_bytes || desc->length_bytes > data_bytes - desc->offset)
        return NULL;
    return (uint8_t *)data + desc->offset;
}

/* ---- channel ---- */

/* Two rings back to back: the free queue, then the active queue. */
static size_t ring_stride(uint32_t capacity)
{
    return (kaal_ring_bytes(capacity) + KAAL_RING_CACHELINE_BYTES - 1) &
           ~(size_t)(KAAL_RING_CACHELINE_BYTES - 1);
}

size_t kaal_ring_channel_bytes(uint32_t capacity)
{
    return 2 * ring_stride(capacity);
}

kaal_error_t kaal_ring_channel_init(void *rings_mem, size_t rings_bytes, uint32_t capacity,
                                    uint32_t n_buffers, uint32_t buffer_bytes)
{
    if (!valid_capacity(capacity) || rings_bytes < kaal_ring_channel_bytes(capacity) ||
        n_buffers > capacity || buffer_bytes == 0)
        return KAAL_EINVAL;
    uint8_t *base = rings_mem;
    kaal_error_t err = kaal_ring_init(base, ring_stride(capacity), capacity);
    if (err == KAAL_OK)
        err = kaal_ring_init(base + ring_stride(capacity), ring_stride(capacity), capacity);
    if (err != KAAL_OK)
        return err;
    kaal_ring_producer_t free_q;
    kaal_ring_producer_attach(&free_q, base);
    for (uint32_t i = 0; i < n_buffers; i++) {
        kaal_ring_desc_t d = {.offset = (uint64_t)i * buffer_bytes,
                              .length_bytes = buffer_bytes,
                              .cookie = (uint16_t)i};
        kaal_ring_enqueue(&free_q, &d);
    }
    return KAAL_OK;
}

static kaal_error_t attach_pair(kaal_ring_consumer_t *c, kaal_ring_producer_t *p, void *rings_mem,
                                bool consume_free)
{
    kaal_ring_t *first = checked_ring(rings_mem);
    if (first == NULL)
        return KAAL_EINVAL;
    uint8_t *second = (uint8_t *)rings_mem + ring_stride(first->capacity);
    void *consumed = consume_free ? rings_mem : (void *)second;
    void *produced = consume_free ? (void *)second : rings_mem;
    if (kaal_ring_consumer_attach(c, consumed) != KAAL_OK ||
        kaal_ring_producer_attach(p, produced) != KAAL_OK)
        return KAAL_EINVAL;
    return KAAL_OK;
}

kaal_error_t kaal_ring_sender_attach(kaal_ring_sender_t *s, void *rings_mem, void *data,
                                     size_t data_bytes)
{
    s->data = data;
    s->data_bytes = data_bytes;
    return attach_pair(&s->free, &s->active, rings_mem, true);
}

kaal_error_t kaal_ring_receiver_attach(kaal_ring_receiver_t *r, void *rings_mem, void *data,
                                       size_t data_bytes)
{
    r->data = data;
    r->data_bytes = data_bytes;
    return attach_pair(&r->active, &r->free, rings_mem, false);
}

void *kaal_ring_sender_get_buffer(kaal_ring_sender_t *s, kaal_ring_desc_t *buf)
{
    if (kaal_ring_dequeue(&s->free, buf) != KAAL_OK)
        return NULL;
    return kaal_ring_data_at(s->data, s->data_bytes, buf);
}

kaal_error_t kaal_ring_sender_send(kaal_ring_sender_t *s, const kaal_ring_desc_t *buf)
{
    if (kaal_ring_data_at(s->data, s->data_bytes, buf) == NULL)
        return KAAL_EINVAL;
    return kaal_ring_enqueue(&s->active, buf);
}

void *kaal_ring_receiver_recv(kaal_ring_receiver_t *r, kaal_ring_desc_t *buf)
{
    while (kaal_ring_dequeue(&r->active, buf) == KAAL_OK) {
        void *p = kaal_ring_data_at(r->data, r->data_bytes, buf);
        if (p)
            return p;
        /* A bad descriptor: hand it back so the sender's accounting holds. */
        kaal_ring_enqueue(&r->free, buf);
    }
    return NULL;
}

kaal_error_t kaal_ring_receiver_release(kaal_ring_receiver_t *r, const kaal_ring_desc_t *buf)
{
    return kaal_ring_enqueue(&r->free, buf);
}
