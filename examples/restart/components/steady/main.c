// SPDX-License-Identifier: BSD-2-Clause
/* steady: stands for the rest of the system. It runs below fragile's
 * priority, so only after fragile has faulted its last time, and it runs
 * as if nothing had happened: address spaces and capabilities are
 * separate, a fault is contained in the component that made it. */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "steady_caps.h"

int main(void)
{
    printf("steady: the system goes on\n");
    return 0;
}
