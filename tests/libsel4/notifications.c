// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: notifications as the seL4 notifications tutorial and
 * sel4test's sync tests use them: badged signal caps, seL4_Signal,
 * seL4_Wait and seL4_Poll, and a notification bound to a TCB so one
 * seL4_Recv on an endpoint also returns signals.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>

seL4_Word notifications_main(seL4_CPtr cnode, seL4_CPtr ntfn, seL4_CPtr ep, seL4_CPtr free_slot);

seL4_Word notifications_main(seL4_CPtr cnode, seL4_CPtr ntfn, seL4_CPtr ep, seL4_CPtr free_slot)
{
    seL4_Word total = 0, badge = 0;
    seL4_Error error = seL4_CNode_Mint(cnode, free_slot, seL4_WordBits, cnode, ntfn,
                                       seL4_WordBits, seL4_CanWrite, 0x5);
    if (error != seL4_NoError)
        return 0;
    seL4_Signal(free_slot);
    seL4_Wait(ntfn, &badge);
    total += badge;

    seL4_Signal(free_slot);
    seL4_MessageInfo_t info = seL4_Poll(ntfn, &badge);
    (void)info;
    total += badge;

    error = seL4_TCB_BindNotification(seL4_CapInitThreadTCB, ntfn);
    if (error != seL4_NoError)
        return 0;
    seL4_Signal(free_slot);
    seL4_Recv(ep, &badge);
    total += badge;
    seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB);
    seL4_CNode_Delete(cnode, free_slot, seL4_WordBits);
    return total;
}
