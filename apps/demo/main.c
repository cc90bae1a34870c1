// SPDX-License-Identifier: BSD-2-Clause
/* The default system's demo component: it says it is up and then waits for
 * ever on a notification nobody signals. `crash` in the shell makes init
 * resume it at address 0, so it faults; its restart policy ("always")
 * brings it back, which is what the crash/restart cycle shows. */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "demo_caps.h"

int main(void)
{
    printf("demo: up, waiting\n");
    for (;;) {
        seL4_Word bits;
        seL4_Wait(KAAL_CAP_IDLE, &bits);
    }
}
