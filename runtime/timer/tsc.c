// SPDX-License-Identifier: BSD-2-Clause
/* TSC ticks <-> nanoseconds (<kaal/timer.h>): pure arithmetic, exact over
 * the whole 64-bit range through a 128-bit intermediate, host-tested. */
#include <kaal/timer.h>

#define NS_PER_S 1000000000u

uint64_t kaal_tsc_to_ns(uint64_t tsc, uint64_t tsc_hz)
{
    if (tsc_hz == 0)
        return 0;
    unsigned __int128 ns = (unsigned __int128)tsc * NS_PER_S / tsc_hz;
    return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

uint64_t kaal_ns_to_tsc(uint64_t ns, uint64_t tsc_hz)
{
    unsigned __int128 t = ((unsigned __int128)ns * tsc_hz + NS_PER_S - 1) / NS_PER_S;
    return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}
