// SPDX-License-Identifier: BSD-2-Clause
/* lwIP's platform hooks for the host tests of the net server (the guest's
 * are services/net/port/sys_arch.c): a test clock the tests move by hand
 * (net_test_advance_ms), a fixed random sequence, diagnostics on stderr
 * and assertions that fail the test. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lwip/sys.h"
#include "lwip_host.h"

static u32_t now_ms;

u32_t sys_now(void)
{
    return now_ms;
}

void net_test_advance_ms(u32_t ms)
{
    now_ms += ms;
}

uint32_t kaal_lwip_rand(void)
{
    static uint32_t x = 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

void kaal_lwip_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

_Noreturn void kaal_lwip_assert(const char *msg, const char *file, int line)
{
    fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
    abort();
}
