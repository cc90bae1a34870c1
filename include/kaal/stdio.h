/* SPDX-License-Identifier: BSD-2-Clause */
/* Console output for components: printf and friends (no FILE, no libc).
 * Output goes through kaal_console_putc: kaal_debug_putc by default; in a
 * component with a console channel the start code points it at the console
 * client (<kaal/console.h>), which hands the console whole lines. */
#pragma once

#include <kaal/format.h>

/* As ISO C 7.21.6 says, with the conversions <kaal/format.h> implements. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int putchar(int c);
int puts(const char *s);

/* Where console output goes; replaceable at run time. */
extern void (*kaal_console_putc)(char c);

/* seL4_DebugPutChar, or nothing in a component whose system withholds the
 * debug system calls (system.toml debug_syscalls = false: the start code
 * sets kaal_debug_syscalls_withheld), where the call would be a fault. */
void kaal_debug_putc(char c);
extern int kaal_debug_syscalls_withheld;
