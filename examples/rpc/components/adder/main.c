// SPDX-License-Identifier: BSD-2-Clause
/* adder: the server of tutorial 2. One loop: seL4_Recv for the first
 * request, then seL4_ReplyRecv answers one and waits for the next. The
 * badge says which client called (system.toml gives asker badge 7). A
 * request it does not know is answered KAAL_ENOSYS: a client's mistake
 * is an error code, never a crash of the server. */
#include <kaal/error.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "adder.h"
#include "adder_caps.h"

int main(void)
{
    seL4_Word badge;
    seL4_MessageInfo_t req = seL4_Recv(KAAL_CAP_CLIENTS, &badge);
    for (;;) {
        seL4_MessageInfo_t reply;
        if (seL4_MessageInfo_get_label(req) == ADDER_ADD_ONE &&
            seL4_MessageInfo_get_length(req) == 1) {
            printf("adder: client %lu asks for %lu + 1\n", (unsigned long)badge,
                   (unsigned long)seL4_GetMR(0));
            seL4_SetMR(0, seL4_GetMR(0) + 1);
            reply = seL4_MessageInfo_new(KAAL_OK, 0, 0, 1);
        } else {
            reply = seL4_MessageInfo_new((seL4_Word)KAAL_ENOSYS, 0, 0, 0);
        }
        req = seL4_ReplyRecv(KAAL_CAP_CLIENTS, reply, &badge);
    }
}
