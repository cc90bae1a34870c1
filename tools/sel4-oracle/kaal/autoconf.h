/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <autoconf.h> for building the oracle probe against KaaL's include/sel4
 * (build-probe.sh --kaal). Real libsel4 gets this header from seL4's build;
 * KaaL has one fixed configuration, which is seL4's debug build as far as
 * the probe can tell (the debug system calls are there by default,
 * docs/sel4-deviations.md "Debug system calls").
 *
 * It also replaces two debug calls the probe makes from the root thread:
 * seL4_DebugCapIdentify (not in KaaL's include/sel4, a libsel4 gap in
 * docs/sel4-deviations.md) and seL4_DebugDumpScheduler (declared there, but
 * not implemented by the kernel). KaaL answers both numbers with an
 * UnknownSyscall fault, and the root thread has no fault handler, so the
 * real call would stop the probe. Here they make no system call at all;
 * the lines they feed (S0, S3) are skipped by
 * tests/system/test_sel4_oracle.py.
 * The same numbers are still probed as raw syscalls from a thread with a
 * fault handler (S1/S2), where KaaL's answer is compared.
 */
#pragma once

#define CONFIG_DEBUG_BUILD 1
#define CONFIG_PRINTING 1

#include <sel4/sel4.h>

/* Not a cap tag seL4 uses: shows in S0 that the call was not made. */
#define PROBE_KAAL_NO_CAP_IDENTIFY 0xffffffffu

static inline seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    (void)cap;
    return PROBE_KAAL_NO_CAP_IDENTIFY;
}

static inline void probe_kaal_no_dump_scheduler(void)
{
}
#define seL4_DebugDumpScheduler probe_kaal_no_dump_scheduler
