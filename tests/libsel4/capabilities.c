// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: CNode operations on the root task's CSpace the way the
 * seL4 capabilities tutorial and sel4test's cnodeops tests do them: copy,
 * move, mint, mutate, rotate, delete, revoke, save caller, and the error
 * codes they check for.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>

int capabilities_main(seL4_BootInfo *info);

static int failures;

static void expect(seL4_Error got, seL4_Error want)
{
    if (got != want) {
        failures++;
        seL4_DebugPutString("unexpected error\n");
    }
}

int capabilities_main(seL4_BootInfo *info)
{
    seL4_CPtr first_free = info->empty.start;
    seL4_CPtr last_slot = info->empty.end - 1;
    seL4_Word cnode_size = 1ul << info->initThreadCNodeSizeBits;
    seL4_Word cnode_bytes = cnode_size * (1ul << seL4_SlotBits);
    (void)cnode_bytes;

    expect(seL4_CNode_Copy(seL4_CapInitThreadCNode, first_free, seL4_WordBits,
                           seL4_CapInitThreadCNode, seL4_CapInitThreadTCB, seL4_WordBits,
                           seL4_AllRights),
           seL4_NoError);
    expect(seL4_TCB_SetPriority(first_free, seL4_CapInitThreadTCB, 10), seL4_NoError);
    expect(seL4_CNode_Move(seL4_CapInitThreadCNode, last_slot, seL4_WordBits,
                           seL4_CapInitThreadCNode, first_free, seL4_WordBits),
           seL4_NoError);
    /* A move to an occupied slot is refused. */
    expect(seL4_CNode_Move(seL4_CapInitThreadCNode, seL4_CapInitThreadTCB, seL4_WordBits,
                           seL4_CapInitThreadCNode, last_slot, seL4_WordBits),
           seL4_DeleteFirst);
    expect(seL4_CNode_Delete(seL4_CapInitThreadCNode, last_slot, seL4_WordBits), seL4_NoError);
    /* The slot is empty now: using it fails the lookup. */
    expect(seL4_TCB_Suspend(last_slot), seL4_InvalidCapability);
    expect(seL4_CNode_Copy(seL4_CapInitThreadCNode, first_free, seL4_WordBits,
                           seL4_CapInitThreadCNode, last_slot, seL4_WordBits, seL4_AllRights),
           seL4_FailedLookup);

    expect(seL4_CNode_Mint(seL4_CapInitThreadCNode, first_free, seL4_WordBits,
                           seL4_CapInitThreadCNode, seL4_CapInitThreadCNode, seL4_WordBits,
                           seL4_CanRead, seL4_CNode_CapData_new(0, 0).words[0]),
           seL4_NoError);
    expect(seL4_CNode_Mutate(seL4_CapInitThreadCNode, first_free + 1, seL4_WordBits,
                             seL4_CapInitThreadCNode, first_free, seL4_WordBits, seL4_NilData),
           seL4_NoError);
    expect(seL4_CNode_Rotate(seL4_CapInitThreadCNode, first_free + 2, seL4_WordBits, 0,
                             seL4_CapInitThreadCNode, first_free + 1, seL4_WordBits, 0,
                             seL4_CapInitThreadCNode, first_free + 2, seL4_WordBits),
           seL4_DeleteFirst);
    expect(seL4_CNode_SaveCaller(seL4_CapInitThreadCNode, first_free + 1, seL4_WordBits),
           seL4_DeleteFirst);
    expect(seL4_CNode_CancelBadgedSends(seL4_CapInitThreadCNode, first_free + 1, seL4_WordBits),
           seL4_IllegalOperation);
    expect(seL4_CNode_Revoke(seL4_CapInitThreadCNode, seL4_CapInitThreadTCB, seL4_WordBits),
           seL4_NoError);
    expect(seL4_CNode_Delete(seL4_CapInitThreadCNode, first_free + 1, seL4_WordBits),
           seL4_NoError);

    seL4_UserContext regs = { 0 };
    expect(seL4_TCB_ReadRegisters(seL4_CapInitThreadTCB, 0, 0, sizeof(regs) / sizeof(seL4_Word),
                                  &regs),
           seL4_IllegalOperation);
    regs.rip = 0;
    expect(seL4_TCB_WriteRegisters(seL4_CapInitThreadTCB, 0, 0, 1, &regs),
           seL4_IllegalOperation);
    return failures;
}
