/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What src and sink of the ring benchmark agree on: message size, counts,
 * the payload pattern (each 64-bit word a function of message and index,
 * summed by both sides so the sink provably read every word), descriptor
 * flags and Call labels.
 */
#pragma once

#include <stdint.h>

#define RINGBENCH_MSG_BYTES 4096u
#define RINGBENCH_MSG_WORDS (RINGBENCH_MSG_BYTES / 8u)
#define RINGBENCH_MESSAGES 8192u /* 32 MiB per variant */
#define RINGBENCH_RT_SAMPLES 10000u

/* descriptor flags on `bulk` */
#define RINGBENCH_FLAG_END_PHASE 1u

/* Call labels */
#define RINGBENCH_LABEL_SHM 1u /* sum the 4 KiB in the shared buffer */
#define RINGBENCH_LABEL_MRS 2u /* sum the message registers */

static inline uint64_t ringbench_word(uint64_t seq, uint64_t j)
{
    return (seq << 16) ^ (j * 0x9e3779b97f4a7c15ull);
}

/* Sums n words at p. Volatile accesses: word by word as a device or a
 * careful reader would, and (measured) faster under QEMU TCG than the
 * vectorised loop the compiler makes otherwise. */
static inline uint64_t ringbench_sum(const volatile uint64_t *p, uint32_t n)
{
    uint64_t s = 0;
    for (uint32_t j = 0; j < n; j++)
        s += p[j];
    return s;
}

/* Fills n words of message seq at p starting at word index first;
 * returns their sum. */
static inline uint64_t ringbench_fill(volatile uint64_t *p, uint64_t seq, uint32_t first,
                                      uint32_t n)
{
    uint64_t s = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint64_t w = ringbench_word(seq, first + j);
        p[j] = w;
        s += w;
    }
    return s;
}
