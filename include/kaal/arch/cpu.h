/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The few CPU instructions generic runtime code needs, from the
 * architecture's header: kaal_rdtsc() (the cycle counter, monotonic, its
 * rate in the start record's tsc_hz) and kaal_cpu_relax() (a spin-wait
 * hint). A new architecture adds include/kaal/arch/<arch>/cpu.h and a line
 * here.
 */
#pragma once

#if defined(__x86_64__)
#include <kaal/arch/x86_64/cpu.h>
#else
#error "KaaL: no include/kaal/arch/<arch>/cpu.h for this architecture"
#endif
