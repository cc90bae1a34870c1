/* SPDX-License-Identifier: BSD-2-Clause */
/* DDE-Linux: what the shim's files share and the driver does not see. */
#pragma once

#include <dde/platform.h>

/* The C library's allocator (libkaal's malloc in a component, libc's on
 * the host). */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

/* printk's formatter: Linux's conversions and %pM into buf. */
int dde_vformat(char *buf, size_t size, const char *fmt, va_list ap);
const char *strchr_dde(const char *s, char c);

/* time.c: one round of expired timers and queued work; true if any ran. */
bool dde_time_run_due(void);
/* netdev.c: one round of NAPI polls; true if one is still scheduled. */
bool dde_napi_round(void);
/* netdev.c: a NAPI poll is scheduled. */
bool dde_napi_round_pending(void);
