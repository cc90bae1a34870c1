/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timing for benchmarks and measurements: the cycle counter (kaal_rdtsc,
 * from <kaal/arch/cpu.h>) and the median of a set of samples
 * (runtime/timing).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <kaal/arch/cpu.h>

/* The median of samples[0..n) (the upper one of the middle two for even n);
 * sorts samples in place. 0 for n == 0. */
uint64_t kaal_median_u64(uint64_t *samples, size_t n);
