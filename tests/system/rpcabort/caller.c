// SPDX-License-Identifier: BSD-2-Clause
/* rpcabort's client: calls flaky, which dies inside two of the calls (a
 * fault, then a restart by the killer). Each of those must come back with
 * KAAL_RPC_LABEL_SERVER_GONE and no words; the calls after them must be
 * answered by the restarted server. Exits 0 only if all of that held. */
#include <stdbool.h>

#include <kaal/component.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "rpcabort_caller_caps.h"
#include "rpcabort.h"

static int failures;

static void add_one(seL4_Word n)
{
    seL4_SetMR(0, n);
    seL4_MessageInfo_t r = seL4_Call(KAAL_CAP_FLAKY, seL4_MessageInfo_new(RPCABORT_ADD_ONE, 0, 0, 1));
    bool ok = seL4_MessageInfo_get_label(r) == 0 && seL4_MessageInfo_get_length(r) == 1 &&
              seL4_GetMR(0) == n + 1;
    printf("caller: %lu -> %lu%s\n", (unsigned long)n, (unsigned long)seL4_GetMR(0),
           ok ? "" : " WRONG");
    failures += !ok;
}

static void dies_inside(seL4_Word label, const char *how)
{
    seL4_MessageInfo_t r = seL4_Call(KAAL_CAP_FLAKY, seL4_MessageInfo_new(label, 0, 0, 0));
    bool ok = seL4_MessageInfo_get_label(r) == KAAL_RPC_LABEL_SERVER_GONE &&
              seL4_MessageInfo_get_length(r) == 0;
    printf("caller: server %s during the call: %s\n", how, ok ? "server gone" : "WRONG reply");
    failures += !ok;
}

int main(void)
{
    add_one(41);
    dies_inside(RPCABORT_FAULT, "faulted");
    add_one(5);
    dies_inside(RPCABORT_SPIN, "restarted");
    add_one(7);
    return failures;
}
