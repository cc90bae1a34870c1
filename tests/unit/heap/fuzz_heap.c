// SPDX-License-Identifier: BSD-2-Clause
/* libFuzzer target: each input is a sequence of heap operations, 4 bytes
 * each (operation and alignment, slot, 16-bit size), replayed against the
 * shadow model (shadow.c) on a fresh 64 KiB heap; the heap's invariants are
 * checked after every operation. Any disagreement aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "heap/shadow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Alignas(4096) unsigned char heap_mem[64 << 10];
static struct shadow model;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shadow_init(&model, heap_mem, sizeof(heap_mem));
    for (size_t i = 0; i + 4 <= size; i += 4) {
        enum shadow_op op = (enum shadow_op)(data[i] % SHADOW_N_OPS);
        unsigned align_log2 = data[i] >> 4;
        size_t n = (size_t)data[i + 2] | (size_t)data[i + 3] << 8;
        if (data[i + 3] & 0x80) /* half the large sizes are small: more slab traffic */
            n &= 0x3ff;
        const char *err = shadow_step(&model, op, data[i + 1], n, align_log2);
        if (err == NULL)
            err = shadow_step(&model, SHADOW_CHECK, 0, 0, 0);
        if (err) {
            fprintf(stderr, "heap fuzz: op %zu: %s\n", i / 4, err);
            abort();
        }
    }
    const char *err = shadow_drain(&model);
    if (err) {
        fprintf(stderr, "heap fuzz: drain: %s\n", err);
        abort();
    }
    return 0;
}
