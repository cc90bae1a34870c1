// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: an echo server and its client in the style of the seL4
 * IPC tutorial: badged endpoint copies handed out by capability transfer,
 * messages longer than the four register MRs, seL4_ReplyRecv loops,
 * seL4_CNode_SaveCaller for a deferred reply, and the non-blocking forms.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>

void ipc_server(seL4_CPtr cnode, seL4_CPtr endpoint, seL4_CPtr free_slot);
seL4_Word ipc_client(seL4_CPtr cnode, seL4_CPtr endpoint, seL4_CPtr badged_slot, const char *msg);

void ipc_server(seL4_CPtr cnode, seL4_CPtr endpoint, seL4_CPtr free_slot)
{
    seL4_Word sender;
    seL4_MessageInfo_t info = seL4_Recv(endpoint, &sender);
    for (;;) {
        if (sender == 0) {
            /* No badge yet: mint one from MR0 and send it back as an extra cap. */
            seL4_Word badge = seL4_GetMR(0);
            seL4_Error error = seL4_CNode_Mint(cnode, free_slot, seL4_WordBits, cnode, endpoint,
                                               seL4_WordBits, seL4_AllRights, badge);
            if (error != seL4_NoError)
                seL4_DebugPutString("mint failed\n");
            seL4_SetCap(0, free_slot);
            seL4_Reply(seL4_MessageInfo_new(0, 0, 1, 0));
            seL4_CNode_Delete(cnode, free_slot, seL4_WordBits);
            info = seL4_Recv(endpoint, &sender);
            continue;
        }
        for (seL4_Word i = 0; i < seL4_MessageInfo_get_length(info); i++)
            seL4_DebugPutChar((char)seL4_GetMR((int)i));
        seL4_DebugPutChar('\n');
        if (seL4_MessageInfo_get_label(info) == 1) {
            /* Keep this caller waiting: save its reply cap, answer later. */
            seL4_CNode_SaveCaller(cnode, free_slot, seL4_WordBits);
            info = seL4_Recv(endpoint, &sender);
            seL4_Send(free_slot, seL4_MessageInfo_new(0, 0, 0, 0));
            seL4_CNode_Delete(cnode, free_slot, seL4_WordBits);
            continue;
        }
        seL4_MessageInfo_ptr_set_length(&info, 0);
        info = seL4_ReplyRecv(endpoint, info, &sender);
    }
}

seL4_Word ipc_client(seL4_CPtr cnode, seL4_CPtr endpoint, seL4_CPtr badged_slot, const char *msg)
{
    seL4_SetCapReceivePath(cnode, badged_slot, seL4_WordBits);
    seL4_SetMR(0, 7);
    seL4_MessageInfo_t info = seL4_Call(endpoint, seL4_MessageInfo_new(0, 0, 0, 1));
    if (seL4_MessageInfo_get_extraCaps(info) != 1)
        return 0;
    seL4_CPtr receive_cnode, receive_index;
    seL4_Word receive_depth;
    seL4_GetCapReceivePath(&receive_cnode, &receive_index, &receive_depth);

    int length = 0;
    while (msg[length] != '\0' && length < seL4_MsgMaxLength) {
        seL4_SetMR(length, (seL4_Word)msg[length]);
        length++;
    }
    info = seL4_Call(badged_slot, seL4_MessageInfo_new(0, 0, 0, (seL4_Word)length));
    seL4_NBSend(badged_slot, seL4_MessageInfo_new(0, 0, 0, seL4_FastMessageRegisters));
    seL4_Word badge = 0;
    seL4_NBRecv(endpoint, &badge);
    return seL4_MessageInfo_get_length(info) + badge + seL4_GetBadge(0) +
           seL4_MessageInfo_get_capsUnwrapped(info) + seL4_GetUserData();
}
