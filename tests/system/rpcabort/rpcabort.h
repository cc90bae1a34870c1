/* SPDX-License-Identifier: BSD-2-Clause */
/* Request labels of the rpcabort test server (tests/system/rpcabort). */
#pragma once

#define RPCABORT_ADD_ONE 1      /* MR0 -> MR0 + 1 */
#define RPCABORT_FAULT 2        /* the server faults while serving it */
#define RPCABORT_SPIN 3         /* the server signals the killer and spins */
