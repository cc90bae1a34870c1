/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timing for benchmarks and measurements: the cycle counter and the median
 * of a set of samples (runtime/timing). kaal_rdtsc is x86_64's TSC read
 * after an lfence, so it does not run ahead of the loads before it; under
 * QEMU TCG the guest TSC counts host time scaled to the guest's rate.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

static inline uint64_t kaal_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* The median of samples[0..n) (the upper one of the middle two for even n);
 * sorts samples in place. 0 for n == 0. */
uint64_t kaal_median_u64(uint64_t *samples, size_t n);
