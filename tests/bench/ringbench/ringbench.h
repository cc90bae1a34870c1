/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What src and sink of the ring benchmark agree on: message size, counts,
 * the payload pattern (each 64-bit word a function of message and index,
 * summed by both sides so the sink provably read every word), descriptor
 * flags and Call labels.
 */
#pragma once

#include <stdint.h>

#include <kaal/string.h>

#define RINGBENCH_MSG_BYTES 4096u
#define RINGBENCH_MSG_WORDS (RINGBENCH_MSG_BYTES / 8u)
#define RINGBENCH_MESSAGES 8192u /* 32 MiB per variant */
#define RINGBENCH_RT_SAMPLES 10000u

/* descriptor flags on `bulk` */
#define RINGBENCH_FLAG_END_PHASE 1u
#define RINGBENCH_FLAG_COPY 2u /* copy variant: see ringbench_copy_out */

/* Call labels */
#define RINGBENCH_LABEL_SHM 1u /* sum the 4 KiB in the shared buffer */
#define RINGBENCH_LABEL_MRS 2u /* sum the message registers */
#define RINGBENCH_LABEL_SHM_COPY 3u /* copy the 4 KiB out (ringbench_copy_out) */

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

/* The copy variants move each message as programs usually do: the
 * producer memcpy's a prepared 4 KiB block (word 0 stamped with the
 * message number) into the buffer, the consumer memcpy's it out. What the
 * consumer reports is word 0 plus the last word of its copy, which src
 * knows to expect (ringbench_copy_expect). */
static inline uint64_t ringbench_copy_out(const void *buffer, uint32_t n_bytes)
{
    static uint64_t copy[RINGBENCH_MSG_WORDS];
    if (n_bytes > sizeof(copy))
        n_bytes = sizeof(copy);
    memcpy(copy, buffer, n_bytes);
    return copy[0] + copy[n_bytes / 8 - 1];
}

static inline uint64_t ringbench_copy_expect(uint64_t seq)
{
    return seq + ringbench_word(0, RINGBENCH_MSG_WORDS - 1);
}
