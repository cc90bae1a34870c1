// SPDX-License-Identifier: BSD-2-Clause
/* A component that crashes on purpose (NULL dereference), to show init
 * reporting the fault, reclaiming the component and restarting it. */
#include <kaal/component.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

int main(void)
{
    printf("crasher: about to dereference NULL\n");
    volatile int *null_ptr;
    __asm__ volatile("" : "=r"(null_ptr) : "0"(0l));
    return *null_ptr;
}
