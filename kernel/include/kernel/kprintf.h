/* SPDX-License-Identifier: BSD-2-Clause */
/* Kernel console output and the last-resort stop for broken invariants. */
#pragma once

#include <kaal/format.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* kpanic() is only for broken kernel invariants, never for anything user
 * space can cause: those get a seL4 error code or a fault message. */
_Noreturn void kpanic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define kpanic(...) kpanic_at(__FILE__, __LINE__, __VA_ARGS__)
#define kassert(cond)                                                                  \
    do {                                                                               \
        if (!(cond))                                                                   \
            kpanic("assertion failed: %s", #cond);                                     \
    } while (0)
