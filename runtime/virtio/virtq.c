// SPDX-License-Identifier: BSD-2-Clause
/*
 * Split virtqueues (virtio 1.2 §2.7), driver side.
 *
 * Layout in one DMA block: descriptor table (16 * size, 16-aligned), the
 * available ring (flags, idx, ring[size], used_event; 2-aligned) and, at
 * the next 4-byte boundary... rounded to 64 bytes here for cache lines,
 * the used ring (flags, idx, ring[size] of {id, len}, avail_event).
 *
 * Ownership: the descriptor table and the available ring are written by
 * the driver only; the used ring by the device only. The free list, each
 * chain's length, device-writable bytes and token live in kaal_virtq_t,
 * which the device cannot reach, so whatever it writes into shared memory
 * can at worst name a wrong chain, which the checks below catch:
 *
 *   - used->idx may advance by at most `size` past last_used (it can hold
 *     only that many entries); a larger jump breaks the queue for good;
 *   - a used id must be < size and the head of a chain in flight
 *     (chain_len[id] != 0), else the entry is dropped;
 *   - a used len above the chain's device-writable bytes is reported and
 *     the buffer given back with length 0.
 *
 * Ordering: descriptors and the ring slot are written before the release
 * store of avail->idx; used entries are read after an acquire fence that
 * follows the read of used->idx (§2.7.13, §2.7.14).
 */
#include <kaal/virtio.h>

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static size_t avail_offset(uint16_t size)
{
    return (size_t)size * sizeof(kaal_virtq_desc_t);
}

static size_t used_offset(uint16_t size)
{
    return align_up(avail_offset(size) + 6 + 2 * (size_t)size, 64);
}

size_t kaal_virtq_bytes(uint16_t size)
{
    return align_up(used_offset(size) + 6 + 8 * (size_t)size, 64);
}

kaal_error_t kaal_virtq_init(kaal_virtq_t *q, uint16_t index, uint16_t size, void *mem,
                             uint64_t paddr)
{
    if (size < 2 || size > KAAL_VIRTQ_MAX_SIZE || (size & (size - 1)) || mem == NULL ||
        ((uintptr_t)mem & 15) || (paddr & 15))
        return KAAL_EINVAL;
    volatile uint8_t *m = mem;
    for (size_t i = 0; i < kaal_virtq_bytes(size); i++)
        m[i] = 0;
    *q = (kaal_virtq_t){.index = index, .size = size};
    q->desc = (volatile kaal_virtq_desc_t *)m;
    q->avail = (volatile kaal_virtq_avail_t *)(m + avail_offset(size));
    q->used = (volatile kaal_virtq_used_t *)(m + used_offset(size));
    q->desc_paddr = paddr;
    q->avail_paddr = paddr + avail_offset(size);
    q->used_paddr = paddr + used_offset(size);
    for (uint16_t i = 0; i < size; i++)
        q->next_free[i] = (uint16_t)(i + 1);
    q->free_head = 0;
    q->n_free = size;
    return KAAL_OK;
}

unsigned kaal_virtq_free_count(const kaal_virtq_t *q)
{
    return q->n_free;
}

kaal_error_t kaal_virtq_add(kaal_virtq_t *q, const kaal_virtq_buf_t *bufs, unsigned n,
                            uint64_t token)
{
    if (n == 0 || n > KAAL_VIRTQ_MAX_SIZE || n > 255)
        return KAAL_EINVAL;
    for (unsigned i = 1; i < n; i++)
        if (bufs[i - 1].device_writes && !bufs[i].device_writes)
            return KAAL_EINVAL; /* readable buffers come first (§2.7.4.2) */
    if (n > q->n_free)
        return KAAL_EAGAIN;
    uint16_t head = q->free_head, d = head;
    uint32_t writable = 0;
    for (unsigned i = 0; i < n; i++) {
        uint16_t next = q->next_free[d];
        q->desc[d].addr = bufs[i].paddr;
        q->desc[d].len = bufs[i].len;
        q->desc[d].flags = (uint16_t)((bufs[i].device_writes ? KAAL_VIRTQ_DESC_F_WRITE : 0) |
                                      (i + 1 < n ? KAAL_VIRTQ_DESC_F_NEXT : 0));
        q->desc[d].next = i + 1 < n ? next : 0;
        if (bufs[i].device_writes)
            writable += bufs[i].len;
        if (i + 1 < n)
            d = next;
        else
            q->free_head = next;
    }
    q->n_free = (uint16_t)(q->n_free - n);
    q->chain_len[head] = (uint8_t)n;
    q->writable_bytes[head] = writable;
    q->token[head] = token;
    q->avail->ring[q->avail_idx & (q->size - 1)] = head;
    q->avail_idx++;
    return KAAL_OK;
}

bool kaal_virtq_publish(kaal_virtq_t *q)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
    q->avail->idx = q->avail_idx;
    /* The device may set NO_NOTIFY only after it saw idx: order the store
     * before the load. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return !(q->used->flags & KAAL_VIRTQ_USED_F_NO_NOTIFY);
}

void kaal_virtq_suppress_interrupts(kaal_virtq_t *q, bool suppress)
{
    q->avail->flags = suppress ? KAAL_VIRTQ_AVAIL_F_NO_INTERRUPT : 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Puts the chain at head back on the free list. kaal_virtq_add took the
 * chain's descriptors off the free list in next_free order and nothing
 * changes next_free while they are in flight, so the private links still
 * join them: shared memory (desc[].next) is never followed. */
static void free_chain(kaal_virtq_t *q, uint16_t head)
{
    unsigned n = q->chain_len[head];
    uint16_t d = head;
    for (unsigned i = 1; i < n; i++)
        d = q->next_free[d];
    q->next_free[d] = q->free_head;
    q->free_head = head;
    q->n_free = (uint16_t)(q->n_free + n);
    q->chain_len[head] = 0;
}

kaal_virtq_used_ret_t kaal_virtq_get_used(kaal_virtq_t *q)
{
    if (q->broken)
        return (kaal_virtq_used_ret_t){.err = KAAL_EIO};
    uint16_t idx = q->used->idx;
    uint16_t pending = (uint16_t)(idx - q->last_used);
    if (pending == 0)
        return (kaal_virtq_used_ret_t){.err = KAAL_EAGAIN};
    if (pending > q->size) {
        q->broken = true;
        return (kaal_virtq_used_ret_t){.err = KAAL_EIO};
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    kaal_virtq_used_elem_t e;
    e.id = q->used->ring[q->last_used & (q->size - 1)].id;
    e.len = q->used->ring[q->last_used & (q->size - 1)].len;
    q->last_used++;
    if (e.id >= q->size || q->chain_len[e.id] == 0) {
        q->n_bad_id++;
        return (kaal_virtq_used_ret_t){.err = KAAL_EFORMAT};
    }
    uint16_t head = (uint16_t)e.id;
    kaal_virtq_used_ret_t r = {.err = KAAL_OK, .token = q->token[head], .len = e.len};
    if (e.len > q->writable_bytes[head]) {
        q->n_bad_len++;
        r.err = KAAL_EINVAL;
        r.len = 0;
    }
    free_chain(q, head);
    return r;
}
