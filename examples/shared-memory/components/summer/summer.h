/* SPDX-License-Identifier: BSD-2-Clause */
/* The summer's protocol: label SUMMER_SUM, MR0 = offset and MR1 = length
 * in bytes of a range of the region the client shares with the server;
 * reply label a kaal_error_t, MR0 the sum of the bytes (mod 2^64). */
#pragma once

enum { SUMMER_SUM = 1 };
