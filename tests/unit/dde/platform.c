// SPDX-License-Identifier: BSD-2-Clause
/*
 * The host side of <dde/platform.h> for tests/unit/dde: a clock the test
 * sets (delays advance it, so a driver's msleep takes no wall time), the
 * console captured into a buffer the test can search, no I/O ports, and
 * BUG() as abort (a test that expects one says so).
 */
#include <stdlib.h>
#include <string.h>

#include "platform_fake.h"

uint64_t fake_now_ns;
char fake_console[8192];
static size_t console_len;

uint64_t dde_platform_now_ns(void)
{
    return fake_now_ns;
}

void dde_platform_delay_ns(uint64_t ns)
{
    fake_now_ns += ns;
}

void dde_platform_print(const char *text)
{
    size_t n = strlen(text);
    if (console_len + n >= sizeof(fake_console))
        console_len = 0; /* keep the latest lines */
    memcpy(fake_console + console_len, text, n + 1);
    console_len += n;
}

void fake_console_clear(void)
{
    console_len = 0;
    fake_console[0] = '\0';
}

bool fake_console_has(const char *text)
{
    return strstr(fake_console, text) != NULL;
}

_Noreturn void dde_platform_halt(void)
{
    abort();
}

bool dde_platform_port_in(uint16_t port, unsigned bytes, uint32_t *value)
{
    (void)port, (void)bytes;
    *value = 0;
    return false;
}

bool dde_platform_port_out(uint16_t port, unsigned bytes, uint32_t value)
{
    (void)port, (void)bytes, (void)value;
    return false;
}
