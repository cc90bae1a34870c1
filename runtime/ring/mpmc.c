// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bounded multi-producer/multi-consumer queue (sequence-number design).
 *
 * Model. enqueue_pos and dequeue_pos are 64-bit counters that never wrap in
 * practice. Cell i carries a sequence number that says whose turn it is:
 *   seq == pos      the cell is empty and waits for the producer of pos;
 *   seq == pos + 1  the cell holds the element of pos for its consumer;
 * after the consumer of pos takes it, seq becomes pos + capacity, the next
 * producer position that maps to this cell. A producer claims position pos
 * by a CAS on enqueue_pos only when the cell's seq equals pos, writes the
 * descriptor, then publishes with a release store of seq = pos + 1; a
 * consumer claims with a CAS on dequeue_pos when seq == pos + 1 (acquire
 * load, so the descriptor is visible), copies it out, then releases the
 * cell with seq = pos + capacity (release, so its read happens before the
 * next producer's write). seq < pos means full (for producers) or empty
 * (for consumers); seq > pos means another thread won this position, so
 * reload the counter and retry.
 *
 * Lock-free but not wait-free: a thread preempted between its CAS and its
 * seq store holds up that one cell (and, once the queue wraps, the threads
 * behind it), never the whole queue's correctness.
 */
#include <kaal/ring.h>

#define MPMC_MAGIC 0x6d706d63u /* "mpmc" */

size_t kaal_mpmc_bytes(uint32_t capacity)
{
    return sizeof(kaal_mpmc_t) + (size_t)capacity * sizeof(kaal_mpmc_cell_t);
}

kaal_error_t kaal_mpmc_init(void *mem, size_t mem_bytes, uint32_t capacity)
{
    if (mem == NULL || (uintptr_t)mem % KAAL_RING_CACHELINE_BYTES != 0 || capacity < 2 ||
        capacity > KAAL_RING_MAX_CAPACITY || (capacity & (capacity - 1)) != 0 ||
        mem_bytes < kaal_mpmc_bytes(capacity))
        return KAAL_EINVAL;
    kaal_mpmc_t *q = mem;
    for (uint32_t i = 0; i < capacity; i++)
        atomic_init(&q->cells[i].seq, i);
    atomic_init(&q->enqueue_pos, 0);
    atomic_init(&q->dequeue_pos, 0);
    q->mask = capacity - 1;
    q->magic = MPMC_MAGIC;
    return KAAL_OK;
}

kaal_mpmc_t *kaal_mpmc_attach(void *mem)
{
    kaal_mpmc_t *q = mem;
    if (q == NULL || (uintptr_t)mem % KAAL_RING_CACHELINE_BYTES != 0 || q->magic != MPMC_MAGIC ||
        q->mask == 0 || q->mask >= KAAL_RING_MAX_CAPACITY || ((q->mask + 1) & q->mask) != 0)
        return NULL;
    return q;
}

kaal_error_t kaal_mpmc_enqueue(kaal_mpmc_t *q, const kaal_ring_desc_t *desc)
{
    uint64_t pos = atomic_load_explicit(&q->enqueue_pos, memory_order_relaxed);
    kaal_mpmc_cell_t *cell;
    for (;;) {
        cell = &q->cells[pos & q->mask];
        uint64_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
        int64_t diff = (int64_t)(seq - pos);
        if (diff == 0) {
            if (atomic_compare_exchange_weak_explicit(&q->enqueue_pos, &pos, pos + 1,
                                                      memory_order_relaxed, memory_order_relaxed))
                break;
        } else if (diff < 0) {
            return KAAL_EAGAIN;
        } else {
            pos = atomic_load_explicit(&q->enqueue_pos, memory_order_relaxed);
        }
    }
    cell->desc = *desc;
    atomic_store_explicit(&cell->seq, pos + 1, memory_order_release);
    return KAAL_OK;
}

kaal_error_t kaal_mpmc_dequeue(kaal_mpmc_t *q, kaal_ring_desc_t *out)
{
    uint64_t pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
    kaal_mpmc_cell_t *cell;
    for (;;) {
        cell = &q->cells[pos & q->mask];
        uint64_t seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
        int64_t diff = (int64_t)(seq - (pos + 1));
        if (diff == 0) {
            if (atomic_compare_exchange_weak_explicit(&q->dequeue_pos, &pos, pos + 1,
                                                      memory_order_relaxed, memory_order_relaxed))
                break;
        } else if (diff < 0) {
            return KAAL_EAGAIN;
        } else {
            pos = atomic_load_explicit(&q->dequeue_pos, memory_order_relaxed);
        }
    }
    *out = cell->desc;
    atomic_store_explicit(&cell->seq, pos + q->mask + 1, memory_order_release);
    return KAAL_OK;
}
