// SPDX-License-Identifier: BSD-2-Clause
/* rpcabort's killer: when flaky signals that it is spinning inside a call,
 * asks init (as a supervisor) to restart it. */
#include <kaal/component.h>
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>
#include <kaal/sysdesc.h>

#include "rpcabort_killer_caps.h"

int main(void)
{
    seL4_Word bits;
    seL4_Wait(KAAL_CAP_EVENTS, &bits);
    seL4_Word name[KAAL_INIT_NAME_WORDS] = {0};
    memcpy(name, "flaky", 6);
    seL4_SetMR(0, KAAL_INIT_OP_RESTART);
    for (unsigned i = 0; i < KAAL_INIT_NAME_WORDS; i++)
        seL4_SetMR(1 + i, name[i]);
    seL4_MessageInfo_t r = seL4_Call(KAAL_SYSDESC_SLOT_INIT_EP,
                                     seL4_MessageInfo_new(KAAL_INIT_LABEL_LIFECYCLE, 0, 0,
                                                          1 + KAAL_INIT_NAME_WORDS));
    printf("killer: restart flaky: %s\n",
           kaal_strerror((kaal_error_t)seL4_MessageInfo_get_label(r)));
    return 0;
}
