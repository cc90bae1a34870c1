/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seL4 system calls and message-register accessors, as in libsel4 with
 * LibSel4UseThreadLocals=ON: each thread finds its own IPC buffer through
 * the thread-local __sel4_ipc_buffer. The runtime gives every thread a TLS
 * block with fs_base pointing at it and sets the pointer there: the start
 * code for the main thread, kaal_thread_start() for the others
 * (<kaal/thread.h>, runtime/README.md "Threads and TLS"). The local-exec
 * model makes seL4_GetMR one %fs-relative load: every KaaL program is a
 * static executable whose TLS block sits at a link-time offset from fs_base.
 */
#pragma once

#include <sel4/macros.h>
#include <sel4/types.h>
#include <sel4/syscall.h>
#include <sel4/arch/syscalls.h>

extern LIBSEL4_THREAD_LOCAL seL4_IPCBuffer *__sel4_ipc_buffer __attribute__((tls_model("local-exec")));

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}
static inline void seL4_SetIPCBuffer(seL4_IPCBuffer *ipc_buffer)
{
    __sel4_ipc_buffer = ipc_buffer;
}
/* The calling thread's fs_base (seL4's CONFIG_SET_TLS_BASE_SELF system
 * call, x86_64 without FSGSBASE). Registers only: it works before the
 * thread has a TLS block or an IPC buffer. */
static inline void seL4_SetTLSBase(seL4_Word tls_base)
{
    x64_sys_send_null(seL4_SysSetTLSBase, tls_base, 0);
}
static inline seL4_Word seL4_GetMR(int i)
{
    return seL4_GetIPCBuffer()->msg[i];
}
static inline void seL4_SetMR(int i, seL4_Word mr)
{
    seL4_GetIPCBuffer()->msg[i] = mr;
}
static inline seL4_Word seL4_GetUserData(void)
{
    return seL4_GetIPCBuffer()->userData;
}
static inline void seL4_SetUserData(seL4_Word data)
{
    seL4_GetIPCBuffer()->userData = data;
}
static inline seL4_Word seL4_GetBadge(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}
static inline seL4_CPtr seL4_GetCap(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}
static inline void seL4_SetCap(int i, seL4_CPtr cptr)
{
    seL4_GetIPCBuffer()->caps_or_badges[i] = cptr;
}
static inline void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex,
                                          seL4_Word *receiveDepth)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    if (receiveCNode) *receiveCNode = ipc->receiveCNode;
    if (receiveIndex) *receiveIndex = ipc->receiveIndex;
    if (receiveDepth) *receiveDepth = ipc->receiveDepth;
}
static inline void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex,
                                          seL4_Word receiveDepth)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    ipc->receiveCNode = receiveCNode;
    ipc->receiveIndex = receiveIndex;
    ipc->receiveDepth = receiveDepth;
}

/* The first four message registers travel in CPU registers; the kernel
 * reads the rest from the IPC buffer. These helpers load/store them. */
#define SEL4__MR_IN(n) ((n) > 0 ? seL4_GetMR(0) : 0), ((n) > 1 ? seL4_GetMR(1) : 0), \
                       ((n) > 2 ? seL4_GetMR(2) : 0), ((n) > 3 ? seL4_GetMR(3) : 0)

static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4_Word n = seL4_MessageInfo_get_length(msgInfo);
    x64_sys_send(seL4_SysSend, dest, msgInfo.words[0], SEL4__MR_IN(n));
}

static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4_Word n = seL4_MessageInfo_get_length(msgInfo);
    x64_sys_send(seL4_SysNBSend, dest, msgInfo.words[0], SEL4__MR_IN(n));
}

static inline void seL4_Reply(seL4_MessageInfo_t msgInfo)
{
    seL4_Word n = seL4_MessageInfo_get_length(msgInfo);
    x64_sys_reply(seL4_SysReply, msgInfo.words[0], SEL4__MR_IN(n));
}

/* Length 1 as in libsel4 (a notification ignores it; on an endpoint the
 * receiver gets one word, whatever MR0's register held). */
static inline void seL4_Signal(seL4_CPtr dest)
{
    x64_sys_send_null(seL4_SysSend, dest, seL4_MessageInfo_new(0, 0, 0, 1).words[0]);
}

/* Four plain 64-bit stores: GCC's SLP vectoriser would pair them into SSE
 * stores, and a thread that uses SSE costs a lazy FPU switch (a #NM trap
 * and a state save and load) each time it alternates with another thread
 * that does, such as a server thread and its client (call_rt_same_as in
 * tests/bench/ipcbench: 2,000 cycles became 6,000). */
static inline void seL4__store_mrs(seL4_Word mr0, seL4_Word mr1, seL4_Word mr2, seL4_Word mr3)
{
    seL4_Word *msg = seL4_GetIPCBuffer()->msg;
    __asm__ volatile("movq %4, %0\n\tmovq %5, %1\n\tmovq %6, %2\n\tmovq %7, %3"
                     : "=m"(msg[0]), "=m"(msg[1]), "=m"(msg[2]), "=m"(msg[3])
                     : "r"(mr0), "r"(mr1), "r"(mr2), "r"(mr3));
}

static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word badge, mr0, mr1, mr2, mr3;
    x64_sys_recv(seL4_SysRecv, src, &badge, &info.words[0], &mr0, &mr1, &mr2, &mr3);
    seL4__store_mrs(mr0, mr1, mr2, mr3);
    if (sender) *sender = badge;
    return info;
}

static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word badge, mr0, mr1, mr2, mr3;
    x64_sys_recv(seL4_SysNBRecv, src, &badge, &info.words[0], &mr0, &mr1, &mr2, &mr3);
    seL4__store_mrs(mr0, mr1, mr2, mr3);
    if (sender) *sender = badge;
    return info;
}

static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    seL4_MessageInfo_t info;
    seL4_Word n = seL4_MessageInfo_get_length(msgInfo);
    seL4_Word mr0 = n > 0 ? seL4_GetMR(0) : 0, mr1 = n > 1 ? seL4_GetMR(1) : 0;
    seL4_Word mr2 = n > 2 ? seL4_GetMR(2) : 0, mr3 = n > 3 ? seL4_GetMR(3) : 0;
    seL4_Word unused;
    x64_sys_send_recv(seL4_SysCall, dest, &unused, msgInfo.words[0], &info.words[0], &mr0, &mr1,
                      &mr2, &mr3);
    seL4__store_mrs(mr0, mr1, mr2, mr3);
    return info;
}

static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word n = seL4_MessageInfo_get_length(msgInfo);
    seL4_Word mr0 = n > 0 ? seL4_GetMR(0) : 0, mr1 = n > 1 ? seL4_GetMR(1) : 0;
    seL4_Word mr2 = n > 2 ? seL4_GetMR(2) : 0, mr3 = n > 3 ? seL4_GetMR(3) : 0;
    seL4_Word badge;
    x64_sys_send_recv(seL4_SysReplyRecv, src, &badge, msgInfo.words[0], &info.words[0], &mr0,
                      &mr1, &mr2, &mr3);
    seL4__store_mrs(mr0, mr1, mr2, mr3);
    if (sender) *sender = badge;
    return info;
}

/*
 * The *WithMRs forms (libsel4's x86_64 non-MCS set): MR0-3 travel through
 * the caller's variables instead of the IPC buffer, so with at most four
 * words they work with no IPC buffer set at all. A NULL pointer sends 0
 * and receives nothing. As in libsel4, Send/NBSend/Reply send every word
 * whose pointer is given, Call/ReplyRecv only those below the message
 * length; every receiving form writes all four non-NULL pointers. Words 4
 * and up are the IPC buffer's, as for the plain forms.
 */
static inline seL4_Word seL4__mr_in(const seL4_Word *mr)
{
    return mr ? *mr : 0;
}

static inline seL4_Word seL4__mr_in_below(const seL4_Word *mr, seL4_MessageInfo_t msgInfo,
                                          seL4_Word i)
{
    return mr && seL4_MessageInfo_get_length(msgInfo) > i ? *mr : 0;
}

static inline void seL4__mr_out(seL4_Word *mr, seL4_Word value)
{
    if (mr) *mr = value;
}

/* Every receiving form's copy-out of MR0-3. */
static inline void seL4__mrs_out(seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3,
                                 seL4_Word msg0, seL4_Word msg1, seL4_Word msg2, seL4_Word msg3)
{
    seL4__mr_out(mr0, msg0);
    seL4__mr_out(mr1, msg1);
    seL4__mr_out(mr2, msg2);
    seL4__mr_out(mr3, msg3);
}

static inline void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                    seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    x64_sys_send(seL4_SysSend, dest, msgInfo.words[0], seL4__mr_in(mr0), seL4__mr_in(mr1),
                 seL4__mr_in(mr2), seL4__mr_in(mr3));
}

static inline void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                      seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    x64_sys_send(seL4_SysNBSend, dest, msgInfo.words[0], seL4__mr_in(mr0), seL4__mr_in(mr1),
                 seL4__mr_in(mr2), seL4__mr_in(mr3));
}

static inline void seL4_ReplyWithMRs(seL4_MessageInfo_t msgInfo, seL4_Word *mr0, seL4_Word *mr1,
                                     seL4_Word *mr2, seL4_Word *mr3)
{
    x64_sys_reply(seL4_SysReply, msgInfo.words[0], seL4__mr_in(mr0), seL4__mr_in(mr1),
                  seL4__mr_in(mr2), seL4__mr_in(mr3));
}

static inline seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_MessageInfo_t info;
    seL4_Word badge, msg0, msg1, msg2, msg3;
    x64_sys_recv(seL4_SysRecv, src, &badge, &info.words[0], &msg0, &msg1, &msg2, &msg3);
    seL4__mrs_out(mr0, mr1, mr2, mr3, msg0, msg1, msg2, msg3);
    seL4__mr_out(sender, badge);
    return info;
}

static inline seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                  seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                                  seL4_Word *mr3)
{
    seL4_MessageInfo_t info;
    seL4_Word msg0 = seL4__mr_in_below(mr0, msgInfo, 0), msg1 = seL4__mr_in_below(mr1, msgInfo, 1);
    seL4_Word msg2 = seL4__mr_in_below(mr2, msgInfo, 2), msg3 = seL4__mr_in_below(mr3, msgInfo, 3);
    seL4_Word unused;
    x64_sys_send_recv(seL4_SysCall, dest, &unused, msgInfo.words[0], &info.words[0], &msg0, &msg1,
                      &msg2, &msg3);
    seL4__mrs_out(mr0, mr1, mr2, mr3, msg0, msg1, msg2, msg3);
    return info;
}

static inline seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                       seL4_Word *sender, seL4_Word *mr0,
                                                       seL4_Word *mr1, seL4_Word *mr2,
                                                       seL4_Word *mr3)
{
    seL4_MessageInfo_t info;
    seL4_Word msg0 = seL4__mr_in_below(mr0, msgInfo, 0), msg1 = seL4__mr_in_below(mr1, msgInfo, 1);
    seL4_Word msg2 = seL4__mr_in_below(mr2, msgInfo, 2), msg3 = seL4__mr_in_below(mr3, msgInfo, 3);
    seL4_Word badge;
    x64_sys_send_recv(seL4_SysReplyRecv, src, &badge, msgInfo.words[0], &info.words[0], &msg0,
                      &msg1, &msg2, &msg3);
    seL4__mrs_out(mr0, mr1, mr2, mr3, msg0, msg1, msg2, msg3);
    seL4__mr_out(sender, badge);
    return info;
}

static inline void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Recv(src, sender);
}

static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBRecv(src, sender);
}

static inline void seL4_Yield(void)
{
    x64_sys_null(seL4_SysYield);
}

static inline void seL4_DebugPutChar(char c)
{
    seL4_Word unused0 = 0, unused1 = 0, unused2 = 0, unused3 = 0, unused4 = 0, unused5 = 0;
    x64_sys_send_recv(seL4_SysDebugPutChar, (seL4_Word)(unsigned char)c, &unused0, 0, &unused1,
                      &unused2, &unused3, &unused4, &unused5);
}

static inline void seL4_DebugPutString(char *str)
{
    for (char *s = str; *s; s++)
        seL4_DebugPutChar(*s);
}

/* Stops the machine. Under the test harness QEMU reports success. */
static inline void seL4_DebugHalt(void)
{
    x64_sys_null(seL4_SysDebugHalt);
}

static inline void seL4_DebugDumpScheduler(void)
{
    x64_sys_null(seL4_SysDebugDumpScheduler);
}
