/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/unit/dde/platform.c: the fake platform's controls. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <dde/platform.h>

extern uint64_t fake_now_ns; /* what dde_platform_now_ns returns */
extern char fake_console[];  /* everything printk printed since the last clear */
void fake_console_clear(void);
bool fake_console_has(const char *text);
