/* SPDX-License-Identifier: BSD-2-Clause */
/* A shadow model of the heap for randomized and fuzzed operation traces:
 * it remembers every live block (pointer, size, fill pattern) and checks
 * each heap answer against it. Shared by test_heap_trace and the heap
 * fuzz target. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kaal/heap.h>

#define SHADOW_SLOTS 256u

enum shadow_op {
    SHADOW_ALLOC,
    SHADOW_CALLOC,
    SHADOW_ALIGNED_ALLOC,
    SHADOW_REALLOC,
    SHADOW_FREE,
    SHADOW_DOUBLE_FREE,
    SHADOW_FOREIGN_FREE,
    SHADOW_CHECK,
    SHADOW_N_OPS
};

struct shadow_slot {
    unsigned char *ptr; /* NULL: slot empty */
    size_t size_bytes;
    uint8_t seed;
};

struct shadow {
    kaal_heap_t heap;
    struct shadow_slot slots[SHADOW_SLOTS];
    void *last_freed;
    uint64_t n_ops, n_failed_allocs;
};

/* Sets up the heap over the given memory, split into two regions at an odd
 * offset so both regions and unaligned edges are exercised. */
void shadow_init(struct shadow *s, void *mem, size_t mem_bytes);

/* Performs one operation on slot `slot % SHADOW_SLOTS`. Returns NULL if the
 * heap behaved, else a description of what went wrong. */
const char *shadow_step(struct shadow *s, enum shadow_op op, unsigned slot, size_t size_bytes,
                        unsigned align_log2);

/* Frees every live block (checking contents); returns NULL or a failure. */
const char *shadow_drain(struct shadow *s);
