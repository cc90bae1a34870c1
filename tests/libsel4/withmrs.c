// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: the *WithMRs system calls as sel4test uses them (its
 * syscall tests pass null pointers for every MR, its register regression
 * test sends from a thread that never set an IPC buffer) and a short-message
 * server that keeps MR0-3 in local variables.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <stddef.h>
#include <sel4/sel4.h>

void withmrs_null_pointers(seL4_CPtr cnode);
void withmrs_reply_to_parent(seL4_CPtr parent_ep, seL4_Word result);
void withmrs_server(seL4_CPtr ep);
seL4_Word withmrs_client(seL4_CPtr ep, seL4_Word a, seL4_Word b);

#define TEST_MRS 0, 0, 0, 0

void withmrs_null_pointers(seL4_CPtr cnode)
{
    /* Invoking a CNode cap as an endpoint: the calls return an error or
     * are dropped, which is all these sel4test cases look at. */
    seL4_SendWithMRs(cnode, seL4_MessageInfo_new(0, 0, 0, 0), TEST_MRS);
    seL4_NBSendWithMRs(cnode, seL4_MessageInfo_new(0, 0, 0, 0), TEST_MRS);
    seL4_ReplyWithMRs(seL4_MessageInfo_new(0, 0, 0, 0), TEST_MRS);
    seL4_CallWithMRs(cnode, seL4_MessageInfo_new(0, 0, 0, 0), TEST_MRS);
}

void withmrs_reply_to_parent(seL4_CPtr parent_ep, seL4_Word result)
{
    seL4_MessageInfo_t info = seL4_MessageInfo_new(result, 0, 0, 0);
    seL4_Word badge = 0;
    seL4_Word empty = 0;
    seL4_SendWithMRs(parent_ep, info, &empty, &empty, &empty, &empty);
    seL4_Wait(parent_ep, &badge);
}

void withmrs_server(seL4_CPtr ep)
{
    seL4_Word badge, mr0, mr1, mr2, mr3;
    seL4_MessageInfo_t info = seL4_RecvWithMRs(ep, &badge, &mr0, &mr1, &mr2, &mr3);
    for (;;) {
        seL4_Word label = seL4_MessageInfo_get_label(info);
        if (label == 0) {
            mr0 = mr0 + mr1;
            info = seL4_ReplyRecvWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge, &mr0,
                                         seL4_Null, seL4_Null, seL4_Null);
        } else {
            seL4_ReplyWithMRs(seL4_MessageInfo_new(label, 0, 0, 4), &mr3, &mr2, &mr1, &mr0);
            info = seL4_RecvWithMRs(ep, &badge, &mr0, &mr1, NULL, NULL);
        }
    }
}

seL4_Word withmrs_client(seL4_CPtr ep, seL4_Word a, seL4_Word b)
{
    seL4_Word mr0 = a, mr1 = b;
    seL4_MessageInfo_t info = seL4_CallWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 2), &mr0, &mr1,
                                               seL4_Null, seL4_Null);
    if (seL4_MessageInfo_get_length(info) != 1)
        return 0;
    seL4_NBSendWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &mr0, NULL, NULL, NULL);
    return mr0;
}
