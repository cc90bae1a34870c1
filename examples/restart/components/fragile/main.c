// SPDX-License-Identifier: BSD-2-Clause
/* fragile: writes through a null pointer. The kernel turns the page fault
 * into a VMFault message to init, the component's fault handler; init
 * reports it, takes back all the component had and, by its restart
 * policy, starts it again from its ELF. Nothing else in the system sees
 * more than the component's absence. */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "fragile_caps.h"

int main(void)
{
    printf("fragile: started; writing to address 0\n");
    *(volatile int *)0 = 1;
    printf("fragile: not reached\n");
    return 0;
}
