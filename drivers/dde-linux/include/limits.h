/* SPDX-License-Identifier: BSD-2-Clause */
/* DDE-Linux: <limits.h> for Linux's uapi headers (ethtool.h wants INT_MAX)
 * in a freestanding build without a C library's limits.h. */
#pragma once
#define CHAR_BIT __CHAR_BIT__
#define SCHAR_MAX __SCHAR_MAX__
#define SHRT_MAX __SHRT_MAX__
#define INT_MAX __INT_MAX__
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX (INT_MAX * 2u + 1u)
#define LONG_MAX __LONG_MAX__
#define LONG_MIN (-LONG_MAX - 1l)
#define ULONG_MAX (LONG_MAX * 2ul + 1ul)
#define USHRT_MAX 0xffff
