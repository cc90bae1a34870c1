/* SPDX-License-Identifier: BSD-2-Clause */
/* <stdlib.h> for lwIP's sources in the guest: malloc/calloc/free of the
 * component heap (runtime/heap, MEM_LIBC_MALLOC) and netif.c's atoi
 * (netif_find), implemented in services/net/port/sys_arch.c. */
#pragma once
#include <kaal/heap.h>
int atoi(const char *s);
