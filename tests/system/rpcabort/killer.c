// SPDX-License-Identifier: BSD-2-Clause
/* rpcabort's killer: when flaky signals that it is spinning inside a call,
 * asks init (as a supervisor) to restart it. */
#include <kaal/component.h>
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/supervisor.h>
#include <kaal/sysdesc.h>

#include "rpcabort_killer_caps.h"

int main(void)
{
    seL4_Word bits;
    seL4_Wait(KAAL_CAP_EVENTS, &bits);
    printf("killer: restart flaky: %s\n",
           kaal_strerror(kaal_supervisor_lifecycle(KAAL_INIT_OP_RESTART, "flaky")));
    return 0;
}
