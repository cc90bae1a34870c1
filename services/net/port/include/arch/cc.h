/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP's compiler and platform glue (lwip/arch.h reads it first): KaaL's
 * guest has no hosted libc, so nothing here pulls in stdio, inttypes or
 * ctype. The same file serves the host unit tests (tests/unit/net/), which
 * compile lwIP with the host's libc.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_LIMITS_H 1 /* gcc's limits.h wants a libc one behind it */
#define SSIZE_MAX __LONG_MAX__
typedef long ssize_t; /* as on Linux x86_64 (the host tests' libc agrees) */

/* Formatters for lwIP's own debug output (LWIP_DEBUG is off by default). */
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#ifndef BYTE_ORDER /* the host libc defines it (tests) */
#define BYTE_ORDER LITTLE_ENDIAN
#endif

/* The net server's port (services/net/port/sys_arch.c). */
uint32_t kaal_lwip_rand(void);
void kaal_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void kaal_lwip_assert(const char *msg, const char *file, int line);

#define LWIP_RAND() kaal_lwip_rand()
#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        kaal_lwip_diag x;                                                                          \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) kaal_lwip_assert((x), __FILE__, __LINE__)
