// SPDX-License-Identifier: BSD-2-Clause
/* What lwIP's NO_SYS mode needs from the platform in the guest: sys_now()
 * (milliseconds for its timers, from the monotonic clock of <kaal/timer.h>:
 * the TSC, no system call), a random number (TCP initial sequence numbers,
 * DHCP transaction ids, ephemeral ports: TSC bits mixed by xorshift), the
 * diagnostic and assertion hooks of arch/cc.h, and netif.c's atoi. No
 * threads, semaphores or mailboxes: NO_SYS has none. The host unit tests
 * (tests/unit/net/) supply their own versions with a test clock. */
#include <stdarg.h>
#include <stdlib.h> /* the port's atoi prototype (port/libc/) */

#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/timer.h>
#include <kaal/timing.h>

#include "lwip/sys.h"

u32_t sys_now(void)
{
    return (u32_t)(kaal_time_ns() / 1000000u);
}

uint32_t kaal_lwip_rand(void)
{
    static uint64_t state;
    if (state == 0)
        state = kaal_rdtsc() | 1;
    state ^= kaal_rdtsc() << 7;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)(state >> 16);
}

void kaal_lwip_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

_Noreturn void kaal_lwip_assert(const char *msg, const char *file, int line)
{
    printf("net: lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
    kaal_exit(70);
}

int atoi(const char *s)
{
    int sign = 1, v = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return sign * v;
}
