// SPDX-License-Identifier: BSD-2-Clause
/* printf and friends for components, on top of the shared formatter. */
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <sel4/sel4.h>

int kaal_debug_syscalls_withheld;

void kaal_debug_putc(char c)
{
    if (!kaal_debug_syscalls_withheld)
        seL4_DebugPutChar(c);
}

void (*kaal_console_putc)(char c) = kaal_debug_putc;

static void console_sink(void *ctx, char c)
{
    (void)ctx;
    kaal_console_putc(c);
}

int vprintf(const char *fmt, va_list ap)
{
    return kaal_vformat(console_sink, 0, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return kaal_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kaal_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int putchar(int c)
{
    kaal_console_putc((char)c);
    return (unsigned char)c;
}

int puts(const char *s)
{
    while (*s)
        kaal_console_putc(*s++);
    kaal_console_putc('\n');
    return 0;
}
