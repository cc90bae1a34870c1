// SPDX-License-Identifier: BSD-2-Clause
/* kprintf and kpanic: the shared formatter (runtime/printf/format.c) writing
 * straight to the platform console. Polled output: kernel printing is for
 * boot messages and diagnostics, never a hot path. */
#include <kernel/kprintf.h>
#include <kernel/machine.h>

static void console_sink(void *ctx, char c)
{
    (void)ctx;
    if (c == '\n')
        arch_console_putc('\r');
    arch_console_putc(c);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kaal_vformat(console_sink, 0, fmt, ap);
    va_end(ap);
    return n;
}

void kpanic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    kprintf("\n[KaaL] KERNEL PANIC at %s:%d: ", file, line);
    va_start(ap, fmt);
    kaal_vformat(console_sink, 0, fmt, ap);
    va_end(ap);
    kprintf("\n");
    arch_backtrace((uint64_t)__builtin_frame_address(0));
    machine_halt(MACHINE_EXIT_KERNEL_FAULT);
}
