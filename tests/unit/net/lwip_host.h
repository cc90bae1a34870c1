/* SPDX-License-Identifier: BSD-2-Clause */
/* The host tests' lwIP platform (lwip_host.c). */
#pragma once
#include "lwip/arch.h"
void net_test_advance_ms(u32_t ms);
