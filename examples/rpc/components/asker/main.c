// SPDX-License-Identifier: BSD-2-Clause
/* asker: the client of tutorial 2. seL4_Call sends a request on its
 * "adder" end and blocks until the reply; the reply's label is the
 * server's kaal_error_t. It asks once correctly and once with a label the
 * server does not know, and prints both answers. */
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "../adder/adder.h"
#include "asker_caps.h"

int main(void)
{
    seL4_SetMR(0, 41);
    seL4_MessageInfo_t reply =
        seL4_Call(KAAL_CAP_ADDER, seL4_MessageInfo_new(ADDER_ADD_ONE, 0, 0, 1));
    printf("asker: 41 + 1 = %lu (error %ld)\n", (unsigned long)seL4_GetMR(0),
           (long)seL4_MessageInfo_get_label(reply));
    reply = seL4_Call(KAAL_CAP_ADDER, seL4_MessageInfo_new(99, 0, 0, 0));
    kaal_error_t err = (kaal_error_t)seL4_MessageInfo_get_label(reply);
    printf("asker: label 99 gives %s\n", err == KAAL_ENOSYS ? "KAAL_ENOSYS" : "something else");
    return 0;
}
