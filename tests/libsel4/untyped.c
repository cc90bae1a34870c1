// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: carving objects out of untyped memory as the seL4 untyped
 * tutorial does: pick a RAM untyped from bootinfo, split it, retype TCB,
 * endpoint, notification and CNode objects, bind a notification, revoke.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>

seL4_Error untyped_main(seL4_BootInfo *info);

static seL4_CPtr find_ram_untyped(seL4_BootInfo *info, seL4_Word min_bits)
{
    for (seL4_CPtr slot = info->untyped.start; slot != info->untyped.end; slot++) {
        seL4_UntypedDesc *desc = &info->untypedList[slot - info->untyped.start];
        if (!desc->isDevice && desc->sizeBits >= min_bits)
            return slot;
    }
    return seL4_CapNull;
}

seL4_Error untyped_main(seL4_BootInfo *info)
{
    seL4_Word untyped_size_bits = seL4_TCBBits + 1;
    seL4_CPtr parent = find_ram_untyped(info, untyped_size_bits + 1);
    seL4_CPtr child = info->empty.start;
    seL4_CPtr tcb = child + 1, ep = child + 2, ntfn = child + 3, cnode = child + 4;

    seL4_Error error = seL4_Untyped_Retype(parent, seL4_UntypedObject, untyped_size_bits,
                                           seL4_CapInitThreadCNode, 0, 0, child, 1);
    if (error != seL4_NoError)
        return error;
    error = seL4_Untyped_Retype(child, seL4_TCBObject, seL4_TCBBits, seL4_CapInitThreadCNode, 0,
                                0, tcb, 1);
    if (error != seL4_NoError)
        return error;
    error = seL4_Untyped_Retype(parent, seL4_EndpointObject, seL4_EndpointBits,
                                seL4_CapInitThreadCNode, 0, 0, ep, 1);
    if (error != seL4_NoError)
        return error;
    error = seL4_Untyped_Retype(parent, seL4_NotificationObject, seL4_NotificationBits,
                                seL4_CapInitThreadCNode, 0, 0, ntfn, 1);
    if (error != seL4_NoError)
        return error;
    /* A CNode of 2^4 slots: size_bits counts slots, not bytes. */
    error = seL4_Untyped_Retype(parent, seL4_CapTableObject, 4, seL4_CapInitThreadCNode, 0, 0,
                                cnode, 1);
    if (error != seL4_NoError)
        return error;
    error = seL4_TCB_BindNotification(tcb, ntfn);
    if (error != seL4_NoError)
        return error;
    error = seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio);
    if (error != seL4_NoError)
        return error;
    /* Retyping into an occupied slot fails; revoking the parent frees it all. */
    error = seL4_Untyped_Retype(parent, seL4_EndpointObject, seL4_EndpointBits,
                                seL4_CapInitThreadCNode, 0, 0, ep, 1);
    if (error != seL4_DeleteFirst)
        return seL4_IllegalOperation;
    return seL4_CNode_Revoke(seL4_CapInitThreadCNode, parent, seL4_WordBits);
}
