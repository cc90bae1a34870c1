/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64's cycle counter and spin-wait hint (included through
 * <kaal/arch/cpu.h>). kaal_rdtsc reads the TSC after an lfence, so it does
 * not run ahead of the loads before it; under QEMU TCG the guest TSC counts
 * host time scaled to the guest's rate.
 */
#pragma once

#include <stdint.h>

static inline uint64_t kaal_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* In a spin-wait loop: tells the CPU (and a hypervisor) we are spinning. */
static inline void kaal_cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}
