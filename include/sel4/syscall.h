/* SPDX-License-Identifier: BSD-2-Clause */
/* System call numbers (classic, non-MCS seL4, debug build), in rdx on x86_64. */
#pragma once

typedef enum {
    seL4_SysCall = -1,
    seL4_SysReplyRecv = -2,
    seL4_SysSend = -3,
    seL4_SysNBSend = -4,
    seL4_SysRecv = -5,
    seL4_SysReply = -6,
    seL4_SysYield = -7,
    seL4_SysNBRecv = -8,
    seL4_SysDebugPutChar = -9,
    seL4_SysDebugDumpScheduler = -10,
    seL4_SysDebugHalt = -11,
    seL4_SysDebugCapIdentify = -12,
    seL4_SysDebugSnapshot = -13,
    seL4_SysDebugNameThread = -14,
    /* CONFIG_SET_TLS_BASE_SELF (x86_64 without FSGSBASE instructions): seL4
     * numbers its optional calls the same in every configuration. */
    seL4_SysSetTLSBase = -30,
    /* KaaL extensions (debug), <kaal/kdebug.h>: the kernel's no-aliasing
     * check, and the caller's page-table entry for an address. */
    KAAL_SysDebugCheckObjects = -64,
    KAAL_SysDebugPageEntry = -65,
} seL4_Syscall_ID;
