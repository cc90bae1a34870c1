// SPDX-License-Identifier: BSD-2-Clause
/* probe: the client of tutorial 4's driver. The DDDK answers each call
 * with the driver's rpc op: label 1 reads the scratch register (one word
 * back); any other label is KAAL_ENOSYS from the op. */
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "probe_caps.h"

int main(void)
{
    seL4_MessageInfo_t reply = seL4_Call(KAAL_CAP_SCRATCH, seL4_MessageInfo_new(1, 0, 0, 0));
    printf("probe: scratch register reads 0x%02lx (error %ld)\n", (unsigned long)seL4_GetMR(0),
           (long)seL4_MessageInfo_get_label(reply));
    reply = seL4_Call(KAAL_CAP_SCRATCH, seL4_MessageInfo_new(5, 0, 0, 0));
    printf("probe: label 5 gives %s\n",
           (kaal_error_t)seL4_MessageInfo_get_label(reply) == KAAL_ENOSYS ? "KAAL_ENOSYS"
                                                                          : "something else");
    return 0;
}
