// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shadow model of the heap (see shadow.h). Every live block is filled with
 * a pattern derived from its own seed, so a block that overlaps another, or
 * a realloc that loses data, shows up as a pattern mismatch. On top of the
 * patterns the model checks alignment, explicit non-overlap with every live
 * block, the heap's in_use_bytes against the sum of usable sizes, the error
 * codes of misuse, and kaal_heap_check.
 */
#include "shadow.h"

#include <string.h>

static unsigned char pattern(uint8_t seed, size_t i)
{
    return (unsigned char)(seed * 31u + i * 13u + (i >> 8));
}

static void fill(struct shadow_slot *sl, size_t from)
{
    for (size_t i = from; i < sl->size_bytes; i++)
        sl->ptr[i] = pattern(sl->seed, i);
}

static int intact(const struct shadow_slot *sl, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (sl->ptr[i] != pattern(sl->seed, i))
            return 0;
    return 1;
}

void shadow_init(struct shadow *s, void *mem, size_t mem_bytes)
{
    memset(s, 0, sizeof(*s));
    kaal_heap_init(&s->heap);
    size_t first = mem_bytes / 3 + 5;
    kaal_heap_add_region(&s->heap, (char *)mem + 3, first - 3);
    kaal_heap_add_region(&s->heap, (char *)mem + first, mem_bytes - first);
}

/* A fresh block must not overlap any other live block. */
static const char *check_new_block(struct shadow *s, unsigned idx, size_t align)
{
    struct shadow_slot *sl = &s->slots[idx];
    uintptr_t a = (uintptr_t)sl->ptr;
    if (a % align != 0 || a % KAAL_HEAP_MIN_ALIGN_BYTES != 0)
        return "block is misaligned";
    if (kaal_heap_usable_size(&s->heap, sl->ptr) < sl->size_bytes)
        return "usable size is smaller than requested";
    for (unsigned j = 0; j < SHADOW_SLOTS; j++) {
        const struct shadow_slot *o = &s->slots[j];
        if (j == idx || o->ptr == NULL)
            continue;
        uintptr_t b = (uintptr_t)o->ptr;
        if (a < b + o->size_bytes && b < a + sl->size_bytes)
            return "two live blocks overlap";
    }
    return NULL;
}

static const char *release(struct shadow *s, struct shadow_slot *sl)
{
    if (!intact(sl, sl->size_bytes))
        return "block contents changed while it was live";
    if (kaal_heap_free(&s->heap, sl->ptr) != KAAL_OK)
        return "free of a live block failed";
    s->last_freed = sl->ptr;
    sl->ptr = NULL;
    return NULL;
}

static const char *check_totals(struct shadow *s)
{
    size_t usable = 0;
    for (unsigned j = 0; j < SHADOW_SLOTS; j++)
        if (s->slots[j].ptr)
            usable += kaal_heap_usable_size(&s->heap, s->slots[j].ptr);
    kaal_heap_stats_t st = kaal_heap_stats(&s->heap);
    if (st.in_use_bytes != usable)
        return "in_use_bytes differs from the live blocks' usable sizes";
    if (st.in_use_bytes + st.free_bytes + st.overhead_bytes != st.total_bytes ||
        st.largest_free_bytes > st.free_bytes)
        return "statistics do not add up";
    if (!kaal_heap_check(&s->heap))
        return "kaal_heap_check found a broken invariant";
    return NULL;
}

const char *shadow_step(struct shadow *s, enum shadow_op op, unsigned slot, size_t size_bytes,
                        unsigned align_log2)
{
    unsigned idx = slot % SHADOW_SLOTS;
    struct shadow_slot *sl = &s->slots[idx];
    const char *err = NULL;
    size_t align = (size_t)1 << (align_log2 % 17);
    s->n_ops++;

    switch (op % SHADOW_N_OPS) {
    case SHADOW_ALLOC:
    case SHADOW_CALLOC:
    case SHADOW_ALIGNED_ALLOC:
        if (sl->ptr && (err = release(s, sl)) != NULL)
            return err;
        if (op == SHADOW_ALLOC)
            sl->ptr = kaal_heap_alloc(&s->heap, size_bytes);
        else if (op == SHADOW_CALLOC)
            sl->ptr = kaal_heap_calloc(&s->heap, size_bytes, 1);
        else
            sl->ptr = kaal_heap_aligned_alloc(&s->heap, align, size_bytes);
        if (sl->ptr == NULL) {
            s->n_failed_allocs++;
            return NULL;
        }
        if (size_bytes == 0)
            return "a zero-size allocation returned a block";
        sl->size_bytes = size_bytes;
        sl->seed = (uint8_t)(s->n_ops * 7);
        if (op == SHADOW_CALLOC)
            for (size_t i = 0; i < size_bytes; i++)
                if (sl->ptr[i] != 0)
                    return "calloc returned non-zero bytes";
        if ((err = check_new_block(s, idx, op == SHADOW_ALIGNED_ALLOC ? align : 1)) != NULL)
            return err;
        fill(sl, 0);
        return NULL;

    case SHADOW_REALLOC: {
        if (sl->ptr == NULL)
            return NULL;
        if (!intact(sl, sl->size_bytes))
            return "block contents changed while it was live";
        unsigned char *p = kaal_heap_realloc(&s->heap, sl->ptr, size_bytes);
        if (size_bytes == 0) {
            if (p != NULL)
                return "realloc to 0 returned a block";
            s->last_freed = sl->ptr;
            sl->ptr = NULL;
            return NULL;
        }
        if (p == NULL) {
            s->n_failed_allocs++;
            return intact(sl, sl->size_bytes) ? NULL : "failed realloc changed the old block";
        }
        size_t kept = sl->size_bytes < size_bytes ? sl->size_bytes : size_bytes;
        sl->ptr = p;
        if (!intact(sl, kept))
            return "realloc lost contents";
        sl->size_bytes = size_bytes;
        if ((err = check_new_block(s, idx, 1)) != NULL)
            return err;
        fill(sl, kept);
        return NULL;
    }

    case SHADOW_FREE:
        if (sl->ptr)
            return release(s, sl);
        return NULL;

    case SHADOW_DOUBLE_FREE: {
        void *p = s->last_freed;
        if (p == NULL)
            return NULL;
        for (unsigned j = 0; j < SHADOW_SLOTS; j++)
            if (s->slots[j].ptr == p)
                return NULL; /* handed out again: freeing it would be legal */
        uint64_t misuse = kaal_heap_stats(&s->heap).n_misuse;
        if (kaal_heap_free(&s->heap, p) != KAAL_ENOENT)
            return "double free was not reported as KAAL_ENOENT";
        if (kaal_heap_stats(&s->heap).n_misuse != misuse + 1)
            return "double free was not counted";
        return check_totals(s);
    }

    case SHADOW_FOREIGN_FREE: {
        unsigned char local[32];
        if (kaal_heap_free(&s->heap, local + (slot % 32)) != KAAL_EINVAL)
            return "foreign pointer was not reported as KAAL_EINVAL";
        return NULL;
    }

    case SHADOW_CHECK:
    default: return check_totals(s);
    }
}

const char *shadow_drain(struct shadow *s)
{
    const char *err;
    for (unsigned j = 0; j < SHADOW_SLOTS; j++)
        if (s->slots[j].ptr && (err = release(s, &s->slots[j])) != NULL)
            return err;
    if ((err = check_totals(s)) != NULL)
        return err;
    kaal_heap_trim(&s->heap);
    kaal_heap_stats_t st = kaal_heap_stats(&s->heap);
    if (st.in_use_bytes != 0 || st.free_bytes != st.total_bytes)
        return "memory was lost after freeing everything";
    return NULL;
}
