// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: a fault handler as in the seL4 fault-handlers tutorial
 * and sel4test's faults tests: give a thread a fault endpoint with
 * seL4_TCB_SetSpace, receive its fault, decode the fault message by the
 * index enums (VM fault address, cap fault address, unknown syscall
 * registers, user exception number) and resume it with a reply.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>

seL4_Word faults_main(seL4_CPtr cnode, seL4_CPtr faulter_tcb, seL4_CPtr fault_ep,
                      seL4_CPtr badged_slot);

static seL4_Word handle_one(seL4_CPtr fault_ep)
{
    seL4_Word badge;
    seL4_MessageInfo_t tag = seL4_Recv(fault_ep, &badge);
    seL4_Fault_tag_t type = (seL4_Fault_tag_t)seL4_MessageInfo_get_label(tag);
    seL4_Word result = 0;

    switch (type) {
    case seL4_Fault_VMFault:
        if (seL4_MessageInfo_get_length(tag) != seL4_VMFault_Length)
            return 0;
        result = seL4_GetMR(seL4_VMFault_Addr) + seL4_GetMR(seL4_VMFault_IP) +
                 seL4_GetMR(seL4_VMFault_PrefetchFault) + seL4_GetMR(seL4_VMFault_FSR);
        break;
    case seL4_Fault_CapFault: {
        seL4_CapFault_Msg where = seL4_CapFault_Addr;
        result = seL4_GetMR(where) + seL4_GetMR(seL4_CapFault_IP);
        seL4_LookupFailureType failure =
            (seL4_LookupFailureType)seL4_GetMR(seL4_CapFault_LookupFailureType);
        if (failure == seL4_MissingCapability)
            result += seL4_GetMR(seL4_CapFault_BitsLeft);
        else if (failure == seL4_GuardMismatch)
            result += seL4_GetMR(seL4_CapFault_GuardMismatch_GuardFound) +
                      seL4_GetMR(seL4_CapFault_GuardMismatch_BitsFound);
        break;
    }
    case seL4_Fault_UnknownSyscall: {
        if (seL4_MessageInfo_get_length(tag) != seL4_UnknownSyscall_Length)
            return 0;
        result = seL4_GetMR(seL4_UnknownSyscall_RAX) + seL4_GetMR(seL4_UnknownSyscall_Syscall);
        /* Skip the syscall instruction and resume. */
        seL4_SetMR(seL4_UnknownSyscall_FaultIP, seL4_GetMR(seL4_UnknownSyscall_FaultIP) + 2);
        seL4_SetMR(seL4_UnknownSyscall_RAX, 0);
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UnknownSyscall_Length));
        return result;
    }
    case seL4_Fault_UserException:
        result = seL4_GetMR(seL4_UserException_Number) + seL4_GetMR(seL4_UserException_Code);
        seL4_SetMR(seL4_UserException_FaultIP, seL4_GetMR(seL4_UserException_FaultIP) + 1);
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UserException_Length));
        return result;
    case seL4_Fault_NullFault:
        break;
    }
    if (seL4_isVMFault_tag(tag) || seL4_isCapFault_tag(tag))
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    else if (seL4_isUnknownSyscall_tag(tag) || seL4_isUserException_tag(tag) ||
             seL4_isNullFault_tag(tag))
        result = 0;
    return result;
}

seL4_Word faults_main(seL4_CPtr cnode, seL4_CPtr faulter_tcb, seL4_CPtr fault_ep,
                      seL4_CPtr badged_slot)
{
    seL4_Error error = seL4_CNode_Mint(cnode, badged_slot, seL4_WordBits, cnode, fault_ep,
                                       seL4_WordBits, seL4_AllRights, 0x61);
    if (error != seL4_NoError)
        return 0;
    error = seL4_TCB_SetSpace(faulter_tcb, badged_slot, seL4_CapInitThreadCNode, seL4_NilData,
                              seL4_CapInitThreadVSpace, seL4_NilData);
    if (error != seL4_NoError)
        return 0;
    seL4_TCB_Resume(faulter_tcb);
    return handle_one(fault_ep);
}
