// SPDX-License-Identifier: BSD-2-Clause
/* IPC benchmark server: answers every Call at once with one word. */
#include <kaal/runtime.h>

#include "ipcbench_server_caps.h"

int main(void)
{
    seL4_Word badge;
    seL4_Recv(KAAL_CAP_REQUESTS, &badge);
    for (;;)
        seL4_ReplyRecv(KAAL_CAP_REQUESTS, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
}
