// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: the ABI facts a program may rely on, as compile-time
 * checks: enum member values, that the enums libsel4 declares with
 * SEL4_FORCE_LONG_ENUM are word-sized (the fault tag, generated without
 * it, is int-sized), the mapping-failure levels, the fault message
 * layouts and a few type sizes. The same file compiles against real
 * libsel4 (make check-libsel4), so every number here is libsel4's.
 */
#include <sel4/sel4.h>
#include <sel4/arch/mapping.h>

#define SAME(a, b) _Static_assert((a) == (b), #a " == " #b)

/* Sizes: word-sized enums travel in message registers. */
SAME(sizeof(seL4_X86_VMAttributes), sizeof(seL4_Word));
SAME(sizeof(seL4_LookupFailureType), sizeof(seL4_Word));
SAME(sizeof(seL4_CapFault_Msg), sizeof(seL4_Word));
SAME(sizeof(seL4_VMFault_Msg), sizeof(seL4_Word));
SAME(sizeof(seL4_UnknownSyscall_Msg), sizeof(seL4_Word));
SAME(sizeof(seL4_UserException_Msg), sizeof(seL4_Word));
SAME(sizeof(seL4_Fault_tag_t), sizeof(int));
SAME(sizeof(seL4_Bool), 1);
SAME(sizeof(seL4_MessageInfo_t), sizeof(seL4_Word));
SAME(sizeof(seL4_CapRights_t), sizeof(seL4_Word));
SAME(sizeof(seL4_UserContext), 20 * sizeof(seL4_Word));
SAME(sizeof(seL4_IPCBuffer), 1 << seL4_IPCBufferSizeBits);
SAME(sizeof(seL4_UntypedDesc), sizeof(seL4_Word) * 2);

/* The fault tag (the label of a fault message). */
SAME(seL4_Fault_NullFault, 0);
SAME(seL4_Fault_CapFault, 1);
SAME(seL4_Fault_UnknownSyscall, 2);
SAME(seL4_Fault_UserException, 3);
SAME(seL4_Fault_VMFault, 5);

/* Fault message word indices. */
SAME(seL4_VMFault_IP, 0);
SAME(seL4_VMFault_Addr, 1);
SAME(seL4_VMFault_PrefetchFault, 2);
SAME(seL4_VMFault_FSR, 3);
SAME(seL4_VMFault_Length, 4);
SAME(seL4_CapFault_IP, 0);
SAME(seL4_CapFault_Addr, 1);
SAME(seL4_CapFault_InRecvPhase, 2);
SAME(seL4_CapFault_LookupFailureType, 3);
SAME(seL4_CapFault_BitsLeft, 4);
SAME(seL4_CapFault_DepthMismatch_BitsFound, 5);
SAME(seL4_CapFault_GuardMismatch_GuardFound, 5);
SAME(seL4_CapFault_GuardMismatch_BitsFound, 6);
SAME(seL4_UnknownSyscall_RAX, 0);
SAME(seL4_UnknownSyscall_R15, 14);
SAME(seL4_UnknownSyscall_FaultIP, 15);
SAME(seL4_UnknownSyscall_SP, 16);
SAME(seL4_UnknownSyscall_FLAGS, 17);
SAME(seL4_UnknownSyscall_Syscall, 18);
SAME(seL4_UnknownSyscall_Length, 19);
SAME(seL4_UserException_FaultIP, 0);
SAME(seL4_UserException_SP, 1);
SAME(seL4_UserException_FLAGS, 2);
SAME(seL4_UserException_Number, 3);
SAME(seL4_UserException_Code, 4);
SAME(seL4_UserException_Length, 5);

/* Lookup failures and x86 page attributes. */
SAME(seL4_NoFailure, 0);
SAME(seL4_InvalidRoot, 1);
SAME(seL4_MissingCapability, 2);
SAME(seL4_DepthMismatch, 3);
SAME(seL4_GuardMismatch, 4);
SAME(seL4_X86_Default_VMAttributes, 0);
SAME(seL4_X86_WriteBack, 0);
SAME(seL4_X86_WriteThrough, 1);
SAME(seL4_X86_CacheDisabled, 2);
SAME(seL4_X86_Uncacheable, 3);
SAME(seL4_X86_WriteCombining, 4);

/* Mapping failures: MR2 holds the bits left, which name the level. */
SAME(SEL4_MAPPING_LOOKUP_LEVEL, 2);
SAME(SEL4_MAPPING_LOOKUP_NO_PT, 21);
SAME(SEL4_MAPPING_LOOKUP_NO_PD, 30);
SAME(SEL4_MAPPING_LOOKUP_NO_PDPT, 39);
SAME(SEL4_MAPPING_LOOKUP_NO_EPTPDPT, 39);
SAME(SEL4_MAPPING_LOOKUP_NO_EPTPD, 30);
SAME(SEL4_MAPPING_LOOKUP_NO_EPTPT, 21);

/* Errors, object types and constants the other corpus programs use. */
SAME(seL4_NoError, 0);
SAME(seL4_FailedLookup, 6);
SAME(seL4_NotEnoughMemory, 10);
SAME(seL4_NumErrors, 11);
SAME(seL4_UntypedObject, 0);
SAME(seL4_CapTableObject, 4);
SAME(seL4_X86_PDPTObject, 5);
SAME(seL4_X64_PML4Object, 6);
SAME(seL4_X64_HugePageObject, 7);
SAME(seL4_X86_4K, 8);
SAME(seL4_X86_LargePageObject, 9);
SAME(seL4_X86_PageTableObject, 10);
SAME(seL4_X86_PageDirectoryObject, 11);
SAME(seL4_ObjectTypeCount, 12);
SAME(seL4_TCBBits, 11);
SAME(seL4_EndpointBits, 4);
SAME(seL4_NotificationBits, 5);
SAME(seL4_SlotBits, 5);
SAME(seL4_MsgMaxLength, 120);
SAME(seL4_MsgMaxExtraCaps, 3);
SAME(seL4_FastMessageRegisters, 4);
SAME(seL4_MaxPrio, 255);
SAME(seL4_CapInitThreadCNode, 2);
SAME(seL4_CapIOPortControl, 7);
SAME(seL4_NumInitialCaps, 16);
SAME(seL4_SysCall, -1);
SAME(seL4_SysReplyRecv, -2);
SAME(seL4_SysNBRecv, -8);
SAME(seL4_SysDebugPutChar, -9);
