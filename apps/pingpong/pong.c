// SPDX-License-Identifier: BSD-2-Clause
/* RPC server: answers every request with its number plus one. */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "pong_caps.h"

int main(void)
{
    seL4_Word badge;
    seL4_MessageInfo_t req = seL4_Recv(KAAL_CAP_REQUESTS, &badge);
    printf("pong: serving (first client badge %lu)\n", (unsigned long)badge);
    for (;;) {
        seL4_Word n = seL4_GetMR(0);
        (void)req;
        seL4_SetMR(0, n + 1);
        req = seL4_ReplyRecv(KAAL_CAP_REQUESTS, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}
