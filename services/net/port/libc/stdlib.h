/* SPDX-License-Identifier: BSD-2-Clause */
/* <stdlib.h> for lwIP's sources in the guest: netif.c's atoi (netif_find),
 * implemented in services/net/port/sys_arch.c. */
#pragma once
int atoi(const char *s);
