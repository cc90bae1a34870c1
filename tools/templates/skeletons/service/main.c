// SPDX-License-Identifier: BSD-2-Clause
/* @COMP@: an RPC service. It waits on its "clients" endpoint and answers
 * every call: label 1 (add one) replies with MR0 + 1, any other label with
 * KAAL_ENOSYS, so a client's mistake is an error code, never a crash. The
 * badge names the client (system.toml's channel `badge`). */
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "@COMP@_caps.h"

enum { @COMP_UPPER@_ADD_ONE = 1 };

int main(void)
{
    printf("@COMP@: serving on its clients end\n");
    seL4_Word badge;
    seL4_MessageInfo_t req = seL4_Recv(KAAL_CAP_CLIENTS, &badge);
    for (;;) {
        seL4_MessageInfo_t reply;
        if (seL4_MessageInfo_get_label(req) == @COMP_UPPER@_ADD_ONE &&
            seL4_MessageInfo_get_length(req) >= 1) {
            seL4_SetMR(0, seL4_GetMR(0) + 1);
            reply = seL4_MessageInfo_new(KAAL_OK, 0, 0, 1);
        } else {
            reply = seL4_MessageInfo_new((seL4_Word)KAAL_ENOSYS, 0, 0, 0);
        }
        req = seL4_ReplyRecv(KAAL_CAP_CLIENTS, reply, &badge);
    }
}
