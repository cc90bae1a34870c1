/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printf-style formatting without a libc. Freestanding and dependency-free,
 * so the kernel compiles the same file for kprintf.
 *
 * Conversions: %d %i %u %x %X %o %p %c %s %%; flags - 0 + space #; field
 * width and precision as numbers or *; length modifiers hh h l ll z t j.
 * Unknown conversions are printed literally, never read an argument.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* Receives each output character; ctx is passed through untouched. */
typedef void (*kaal_putc_fn)(void *ctx, char c);

/* Returns the number of characters produced. */
int kaal_vformat(kaal_putc_fn out, void *ctx, const char *fmt, va_list ap);
int kaal_format(kaal_putc_fn out, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* C99 snprintf semantics: always NUL-terminates when size > 0 and returns
 * the length the full output would have had. */
int kaal_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kaal_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
