// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: starting a thread in the root task's address space as the
 * seL4 threads tutorial does: retype a TCB, configure it with the root
 * CSpace and VSpace, set its registers, priority and TLS base, resume it,
 * yield, and read its registers back.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>

seL4_Error threads_main(seL4_BootInfo *info, seL4_CPtr untyped);

static seL4_Word thread_stack[512] __attribute__((aligned(16)));
static volatile seL4_Word counter;

static void thread_fn(seL4_Word arg0, seL4_Word arg1)
{
    counter = arg0 + arg1;
    for (;;)
        seL4_Yield();
}

seL4_Error threads_main(seL4_BootInfo *info, seL4_CPtr untyped)
{
    seL4_CPtr tcb = info->empty.start;
    seL4_Error error = seL4_Untyped_Retype(untyped, seL4_TCBObject, seL4_TCBBits,
                                           seL4_CapInitThreadCNode, 0, 0, tcb, 1);
    if (error != seL4_NoError)
        return error;
    error = seL4_TCB_Configure(tcb, seL4_CapNull, seL4_CapInitThreadCNode, 0,
                               seL4_CapInitThreadVSpace, 0, 0, seL4_CapNull);
    if (error != seL4_NoError)
        return error;
    error = seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio - 1);
    if (error != seL4_NoError)
        return error;
    error = seL4_TCB_SetMCPriority(tcb, seL4_CapInitThreadTCB, seL4_MinPrio);
    if (error != seL4_NoError)
        return error;

    seL4_UserContext regs = { 0 };
    error = seL4_TCB_ReadRegisters(tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    if (error != seL4_NoError)
        return error;
    regs.rip = (seL4_Word)thread_fn;
    regs.rsp = (seL4_Word)&thread_stack[512 - 1];
    regs.rdi = 1;
    regs.rsi = 2;
    error = seL4_TCB_WriteRegisters(tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    if (error != seL4_NoError)
        return error;
    error = seL4_TCB_SetTLSBase(tcb, 0);
    if (error != seL4_NoError)
        return error;
    seL4_DebugNameThread(tcb, "corpus-thread");
    error = seL4_TCB_Resume(tcb);
    if (error != seL4_NoError)
        return error;
    seL4_Yield();
    seL4_DebugDumpScheduler();
    error = seL4_TCB_Suspend(tcb);
    if (error != seL4_NoError)
        return error;
    return seL4_TCB_CopyRegisters(tcb, seL4_CapInitThreadTCB, 0, 0, 1, 1, 0);
}
