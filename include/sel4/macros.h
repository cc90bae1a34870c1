/* SPDX-License-Identifier: BSD-2-Clause */
/* libsel4's helper macros that its public types are declared with. */
#pragma once

/* An enum member that makes the enum as wide as a long, as libsel4 does for
 * every enum whose values travel in message registers: compilers may
 * otherwise pick a smaller type, and the ABI would depend on it. */
#define SEL4_FORCE_LONG_ENUM(type) _enum_pad_##type = ((1ULL << ((sizeof(long) * 8) - 1)) - 1)

#define LIBSEL4_BIT(n) (1ul << (n))

/* libsel4 with LibSel4UseThreadLocals=ON: per-thread libsel4 state such as
 * __sel4_ipc_buffer is a __thread variable. */
#define LIBSEL4_THREAD_LOCAL __thread
