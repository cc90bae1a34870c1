// SPDX-License-Identifier: BSD-2-Clause
/*
 * IPC, notification, fault, TCB and scheduling tests: the root thread
 * talks to threads it starts in its own address space (thread_env.c).
 * Child threads use the normal seL4_* calls on their own IPC buffer and
 * TLS (thread_env.c); the root thread uses the raw stubs where a test
 * checks the register convention itself.
 * The root thread runs at priority 255; children below it run only while
 * the root thread is blocked, which makes every interleaving here
 * deterministic.
 */
#include "thread_env.h"

#include <kaal/tls.h>

static volatile seL4_Word shared[16];

static seL4_MessageInfo_t recv_raw(seL4_CPtr ep, seL4_Word *badge, seL4_Word mr[4])
{
    seL4_MessageInfo_t info;
    x64_sys_recv(seL4_SysRecv, ep, badge, &info.words[0], &mr[0], &mr[1], &mr[2], &mr[3]);
    return info;
}

/* ---- children ---- */

static void child_send4(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_SetMR(0, 11);
    seL4_SetMR(1, 22);
    seL4_SetMR(2, 33);
    seL4_SetMR(3, 44);
    seL4_Send(ep, seL4_MessageInfo_new(0x42, 0, 0, 4));
}

static void child_server(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    shared[0] = seL4_MessageInfo_get_label(info);
    shared[1] = badge;
    seL4_SetMR(0, seL4_GetMR(0) + 1);
    seL4_SetMR(1, seL4_GetMR(1) * 2);
    seL4_Reply(seL4_MessageInfo_new(7, 0, 0, 2));
}

static void child_send_badge_order(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_SetMR(0, arg >> 16);
    seL4_Send(arg & 0xffff, seL4_MessageInfo_new(0, 0, 0, 1));
}

static void child_send_long(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    for (int i = 0; i < 10; i++)
        seL4_SetMR(i, 100 + (seL4_Word)i);
    seL4_Send(ep, seL4_MessageInfo_new(1, 0, 0, 10));
}

static void child_send_cap(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_SetCap(0, arg >> 16);
    seL4_Send(arg & 0xffff, seL4_MessageInfo_new(3, 0, 1, 0));
}

static void child_recv_forever(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Recv(ep, NULL);
    shared[2] = 1;
}

static void child_count(seL4_Word slot, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    for (;;) {
        shared[slot]++;
        seL4_Yield();
    }
}

/* ---- endpoint IPC ---- */

static void test_send_delivers_label_length_and_register_mrs(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, child_send4, ep, 100, 0);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0x42);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 4);
    CHECK_EQ(badge, 0);
    CHECK_EQ(mr[0], 11);
    CHECK_EQ(mr[1], 22);
    CHECK_EQ(mr[2], 33);
    CHECK_EQ(mr[3], 44);
}

static void test_call_gets_the_servers_reply(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr badged = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x77));
    kthread_start(0, child_server, ep, 100, 0);
    seL4_Word mr[4] = { 5, 6, 0, 0 }, unused;
    seL4_MessageInfo_t out;
    x64_sys_send_recv(seL4_SysCall, badged, &unused, seL4_MessageInfo_new(9, 0, 0, 2).words[0],
                      &out.words[0], &mr[0], &mr[1], &mr[2], &mr[3]);
    CHECK_EQ(seL4_MessageInfo_get_label(out), 7);
    CHECK_EQ(seL4_MessageInfo_get_length(out), 2);
    CHECK_EQ(mr[0], 6);
    CHECK_EQ(mr[1], 12);
    CHECK_EQ(shared[0], 9);
    CHECK_EQ(shared[1], 0x77);
}

static void test_senders_are_received_in_fifo_order(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    for (unsigned i = 0; i < 3; i++)
        kthread_start(i, child_send_badge_order, ep | ((seL4_Word)(i + 1) << 16), 100, 0);
    /* Let all three block in Send, in start order. */
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    seL4_Word b;
    x64_sys_recv(seL4_SysNBRecv, ntfn, &b, &b, &b, &b, &b, &b);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    for (seL4_Word i = 1; i <= 3; i++) {
        seL4_Word badge, mr[4];
        recv_raw(ep, &badge, mr);
        CHECK_EQ(mr[0], i);
    }
}

static void test_long_message_goes_through_both_ipc_buffers(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, child_send_long, ep, 100, 0);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 10);
    CHECK_EQ(mr[3], 103);
    for (int i = 4; i < 10; i++)
        CHECK_EQ(seL4_GetMR(i), 100 + (seL4_Word)i);
}

static void test_nbsend_without_receiver_is_dropped(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr badged = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 5));
    x64_sys_send(seL4_SysNBSend, badged, seL4_MessageInfo_new(1, 0, 0, 0).words[0], 0, 0, 0, 0);
    seL4_Word badge = 99, info, m0, m1, m2, m3;
    x64_sys_recv(seL4_SysNBRecv, ep, &badge, &info, &m0, &m1, &m2, &m3);
    CHECK_EQ(badge, 0);
}

static void test_call_on_receive_only_endpoint_is_invalid_capability(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr ro = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, ro, DEPTH, ROOT, ep, DEPTH, seL4_CanRead));
    seL4_Word mr[4] = { 0, 0, 0, 0 };
    seL4_MessageInfo_t out = seL4__invoke(ro, seL4_MessageInfo_new(0, 0, 0, 0), mr);
    CHECK_EQ(seL4_MessageInfo_get_label(out), seL4_InvalidCapability);
}

static void test_granted_cap_lands_in_the_receive_slot(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    seL4_CPtr dest = env_slot();
    seL4_SetCapReceivePath(ROOT, dest, DEPTH);
    kthread_start(0, child_send_cap, ep | (ntfn << 16), 100, 0);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 1);
    CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(info), 0);
    /* The received cap works: signal through it, poll the original. */
    seL4_Signal(dest);
    seL4_Word b = 0, x;
    x64_sys_recv(seL4_SysNBRecv, ntfn, &b, &x, &x, &x, &x, &x);
    CHECK_EQ(b, 0);  /* unbadged signal: badge 0 but... */
    CHECK_OK(seL4_CNode_Delete(ROOT, dest, DEPTH)); /* the slot held a cap */
    CHECK_ERR(seL4_CNode_Delete(ROOT, dest, DEPTH), seL4_NoError);
}

static void test_untyped_sent_over_ipc_leaves_the_senders_copy_full(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), dest = env_slot();
    seL4_SetCapReceivePath(ROOT, dest, DEPTH);
    kthread_start(0, child_send_cap, ep | (ut << 16), 100, 0);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 1);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, env_slot(), 1),
              seL4_NotEnoughMemory);
    CHECK_OK(seL4_Untyped_Retype(dest, seL4_X86_4K, 0, ROOT, 0, 0, env_slot(), 1));
}

static void test_cap_without_grant_right_is_not_transferred(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr nogrant = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, nogrant, DEPTH, ROOT, ep, DEPTH, seL4_ReadWrite));
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    seL4_CPtr dest = env_slot();
    seL4_SetCapReceivePath(ROOT, dest, DEPTH);
    kthread_start(0, child_send_cap, nogrant | (ntfn << 16), 100, 0);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 3);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 0);
    /* dest is still empty: moving something into it works */
    CHECK_OK(seL4_CNode_Copy(ROOT, dest, DEPTH, ROOT, ntfn, DEPTH, seL4_AllRights));
}

static void test_cap_to_the_same_endpoint_is_unwrapped_to_its_badge(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr badged = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x1234));
    seL4_SetCapReceivePath(ROOT, env_slot(), DEPTH);
    kthread_start(0, child_send_cap, ep | (badged << 16), 100, 0);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(info), 1);
    CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(info), 1);
    CHECK_EQ(seL4_GetBadge(0), 0x1234);
}

static void test_deleting_an_endpoint_restarts_its_blocked_receiver(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr fault_ep = env_object(seL4_EndpointObject, 0);
    shared[2] = 0;
    kthread_start(0, child_recv_forever, ep, 100, fault_ep);
    /* let it block */
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_OK(seL4_CNode_Delete(ROOT, ep, DEPTH));
    /* It re-executes its Recv on the now empty slot: a CapFault. */
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(fault_ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault);
    CHECK_EQ(mr[seL4_CapFault_Addr], ep);
    CHECK_EQ(mr[seL4_CapFault_InRecvPhase], 1);
    CHECK_EQ(shared[2], 0);
}

static void test_suspended_sender_leaves_the_queue(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    struct kthread k = kthread_start(0, child_send4, ep, 100, 0);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_OK(seL4_TCB_Suspend(k.tcb));
    seL4_Word badge = 1, info = 0, m0 = 0, m1, m2, m3;
    x64_sys_recv(seL4_SysNBRecv, ep, &badge, &info, &m0, &m1, &m2, &m3);
    CHECK_EQ(m0 == 11, 0);
    /* Resumed, it re-executes its Send. */
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    seL4_Word mr[4];
    recv_raw(ep, &badge, mr);
    CHECK_EQ(mr[0], 11);
}

/* ---- notifications ---- */

static void test_signal_then_wait_returns_the_badge(void)
{
    seL4_CPtr n = env_object(seL4_NotificationObject, 0);
    seL4_CPtr b = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, b, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x10));
    seL4_Signal(b);
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    CHECK_EQ(badge, 0x10);
}

static void test_signal_badges_are_ored(void)
{
    seL4_CPtr n = env_object(seL4_NotificationObject, 0);
    seL4_CPtr b1 = env_slot(), b2 = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, b1, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x1));
    CHECK_OK(seL4_CNode_Mint(ROOT, b2, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x4));
    seL4_Signal(b1);
    seL4_Signal(b2);
    seL4_Word badge = 0;
    seL4_Poll(n, &badge);
    CHECK_EQ(badge, 0x5);
    seL4_Poll(n, &badge);
    CHECK_EQ(badge, 0);
}

static void child_signal(seL4_Word n, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Signal(n);
}

/* libsel4's seL4_Signal is a Send of length 1: on an endpoint the
 * receiver gets a one-word message with label 0. */
static void test_signal_on_an_endpoint_is_a_one_word_send(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, child_signal, ep, 100, 0);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 1);
}

static void test_wait_blocks_until_a_signal(void)
{
    seL4_CPtr n = env_object(seL4_NotificationObject, 0);
    seL4_CPtr b = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, b, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x99));
    kthread_start(0, child_signal, b, 100, 0);
    seL4_Word badge = 0;
    seL4_Wait(n, &badge);
    CHECK_EQ(badge, 0x99);
}

static void test_bound_notification_wakes_a_receive_on_the_endpoint(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr n = env_object(seL4_NotificationObject, 0);
    seL4_CPtr b = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, b, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x8));
    CHECK_OK(seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n));
    CHECK_ERR(seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n), seL4_IllegalOperation);
    kthread_start(0, child_signal, b, 100, 0);
    seL4_Word badge, mr[4];
    recv_raw(ep, &badge, mr);
    CHECK_EQ(badge, 0x8);
    CHECK_OK(seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB));
    CHECK_ERR(seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB), seL4_IllegalOperation);
}

/* ---- faults ---- */

static void child_touch(seL4_Word addr, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    *(volatile seL4_Word *)addr = 0xabc;
    shared[3] = *(volatile seL4_Word *)addr;
}

static void test_vmfault_message_and_reply_resumes_the_thread(void)
{
    seL4_CPtr fault_ep = env_object(seL4_EndpointObject, 0);
    seL4_Word va = ENV_VADDR;
    env_map_tables(va);
    shared[3] = 0;
    kthread_start(0, child_touch, va, 100, fault_ep);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(fault_ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_VMFault_Length);
    CHECK_EQ(mr[seL4_VMFault_Addr], va);
    CHECK_EQ(mr[seL4_VMFault_PrefetchFault], 0);
    CHECK_EQ(mr[seL4_VMFault_FSR] & 2, 2); /* a write */
    CHECK_TRUE(mr[seL4_VMFault_IP] > 0x400000);
    seL4_CPtr f = env_object(seL4_X86_4K, 0);
    CHECK_OK(seL4_X86_Page_Map(f, seL4_CapInitThreadVSpace, va, seL4_ReadWrite, 0));
    seL4_Word unused;
    seL4_Word z0 = 0, z1 = 0, z2 = 0, z3 = 0;
    /* ReplyRecv: resume it, then wait (it finishes and suspends). */
    x64_sys_send_recv(seL4_SysReply, 0, &unused, seL4_MessageInfo_new(0, 0, 0, 0).words[0],
                      &unused, &z0, &z1, &z2, &z3);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(shared[3], 0xabc);
}

static void child_ud2(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)arg;
    (void)ipc;
    __asm__ volatile("ud2\n\tud2");
    shared[4] = 1;
}

static void test_user_exception_reply_with_new_rip_resumes_there(void)
{
    seL4_CPtr fault_ep = env_object(seL4_EndpointObject, 0);
    shared[4] = 0;
    kthread_start(0, child_ud2, 0, 100, fault_ep);
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(fault_ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException);
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_UserException_Length);
    CHECK_EQ(mr[seL4_UserException_Number], 6);
    seL4_Word ip = mr[seL4_UserException_FaultIP];
    CHECK_EQ(*(volatile uint16_t *)ip, 0x0b0f);
    /* Skip both ud2s: reply FaultIP + 4, same SP and FLAGS. */
    seL4_Word r0 = ip + 4, r1 = mr[1], r2 = mr[2], r3 = 0, unused;
    x64_sys_send_recv(seL4_SysReply, 0, &unused, seL4_MessageInfo_new(0, 0, 0, 3).words[0],
                      &unused, &r0, &r1, &r2, &r3);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(shared[4], 1);
}

/* A Linux-ABI program: write(1, msg, 6) then exit_group(3), raw syscalls. */
static void child_linux(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)arg;
    (void)ipc;
    static const char msg[] = "linux\n";
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(1L), "D"(1L), "S"(msg), "d"(6L) : "rcx", "r11", "memory");
    shared[5] = (seL4_Word)ret;
    __asm__ volatile("syscall" : : "a"(231L), "D"(3L) : "rcx", "r11", "memory");
    shared[6] = 1; /* never: exit_group does not return */
}

static void test_foreign_abi_thread_syscalls_reach_its_handler(void)
{
    seL4_CPtr fault_ep = env_object(seL4_EndpointObject, 0);
    shared[5] = shared[6] = 0;
    struct kthread k = kthread_create(0, child_linux, 0, 100, fault_ep);
    seL4_TCB_SetFlags_t fl = seL4_TCB_SetFlags(k.tcb, 0, KAAL_TCBFlag_ForeignABI);
    CHECK_OK(fl.error);
    CHECK_EQ(fl.flags, KAAL_TCBFlag_ForeignABI);
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    char out[16] = { 0 };
    seL4_Word exit_code = ~0ul;
    for (int served = 0; served < 2; served++) {
        seL4_Word badge, mr[4];
        seL4_MessageInfo_t info = recv_raw(fault_ep, &badge, mr);
        CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall);
        CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_UnknownSyscall_Length);
        seL4_Word regs[18];
        for (int i = 0; i < 18; i++)
            regs[i] = i < 4 ? mr[i] : seL4_GetMR(i);
        seL4_Word nr = regs[seL4_UnknownSyscall_RAX];
        /* Syscall is the seL4 number register (rdx); Linux's is rax */
        CHECK_EQ(seL4_GetMR(seL4_UnknownSyscall_Syscall), regs[seL4_UnknownSyscall_RDX]);
        if (nr == 1) {
            CHECK_EQ(regs[seL4_UnknownSyscall_RDI], 1);
            seL4_Word len = regs[seL4_UnknownSyscall_RDX];
            memcpy(out, (const void *)regs[seL4_UnknownSyscall_RSI], len < 15 ? len : 15);
            regs[seL4_UnknownSyscall_RAX] = len;
            regs[seL4_UnknownSyscall_FaultIP] += 2; /* past the syscall */
            for (int i = 4; i < 18; i++)
                seL4_SetMR(i, regs[i]);
            seL4_Word r0 = regs[0], r1 = regs[1], r2 = regs[2], r3 = regs[3], unused;
            x64_sys_send_recv(seL4_SysReply, 0, &unused, seL4_MessageInfo_new(0, 0, 0, 18).words[0],
                              &unused, &r0, &r1, &r2, &r3);
        } else {
            CHECK_EQ(nr, 231);
            exit_code = regs[seL4_UnknownSyscall_RDI];
            CHECK_OK(seL4_TCB_Suspend(k.tcb));
        }
    }
    CHECK_EQ(strcmp(out, "linux\n"), 0);
    CHECK_EQ(shared[5], 6);
    CHECK_EQ(exit_code, 3);
    CHECK_EQ(shared[6], 0);
}

static void test_unknown_syscall_without_handler_stops_only_that_thread(void)
{
    shared[5] = 0;
    struct kthread k = kthread_create(0, child_linux, 0, 100, 0);
    seL4_TCB_SetFlags(k.tcb, 0, KAAL_TCBFlag_ForeignABI);
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(shared[5], 0);
}

/* ---- TCB ---- */

static void test_read_registers_returns_what_write_registers_set(void)
{
    struct kthread k = kthread_create(0, child_signal, 0, 100, 0);
    seL4_UserContext r;
    memset(&r, 0, sizeof(r));
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &r));
    CHECK_EQ(r.rsi, 0); /* kaal_thread_configure's arg: thread_env's slot 0 */
    CHECK_TRUE(r.fs_base != 0);
    r.rbx = 0x1111;
    r.r12 = 0x2222;
    r.r15 = 0x3333;
    r.fs_base = 0x4444;
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 0, 0, 20, &r));
    seL4_UserContext back;
    memset(&back, 0, sizeof(back));
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &back));
    CHECK_EQ(back.rbx, 0x1111);
    CHECK_EQ(back.r12, 0x2222);
    CHECK_EQ(back.r15, 0x3333);
    CHECK_EQ(back.fs_base, 0x4444);
    CHECK_EQ(back.rip, r.rip);
}

static void test_read_registers_count_out_of_range_is_range_error(void)
{
    struct kthread k = kthread_create(0, child_signal, 0, 100, 0);
    seL4_UserContext r;
    CHECK_ERR(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 21, &r), seL4_RangeError);
    CHECK_ERR(seL4_TCB_ReadRegisters(seL4_CapInitThreadTCB, 0, 0, 1, &r), seL4_IllegalOperation);
}

static void test_kernel_sanitises_written_rflags_and_rip(void)
{
    struct kthread k = kthread_create(0, child_signal, 0, 100, 0);
    seL4_UserContext r;
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &r));
    r.rflags = 0x3000; /* IOPL 3 */
    r.rip = 0x0000800000000000ul; /* not canonical: 0, as seL4 */
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 0, 0, 3, &r));
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 3, &r));
    CHECK_EQ(r.rflags & 0x3200, 0x200);
    CHECK_EQ(r.rip, 0);
    r.rip = 0xffff800000000000ul; /* canonical kernel half: kept, as seL4 */
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 0, 0, 3, &r));
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 3, &r));
    CHECK_EQ(r.rip, 0xffff800000000000ul);
}

/* A thread sent to run kernel code faults in user mode, with the address. */
static void test_thread_started_at_a_kernel_address_gets_a_vm_fault(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    struct kthread k = kthread_create(0, child_signal, 0, 100, ep);
    seL4_UserContext r;
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &r));
    r.rip = 0xffffffff80001000ul;
    r.gs_base = r.fs_base = 0xffff800000000000ul;
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 1, 0, 20, &r));
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault);
    CHECK_EQ(mr[seL4_VMFault_IP], 0xffffffff80001000ul);
    CHECK_EQ(mr[seL4_VMFault_Addr], 0xffffffff80001000ul);
    CHECK_EQ(mr[seL4_VMFault_PrefetchFault], 1);
    CHECK_OK(seL4_TCB_Suspend(k.tcb));
}

static void test_priority_above_mcp_is_range_error(void)
{
    struct kthread k = kthread_create(0, child_signal, 0, 100, 0);
    CHECK_OK(seL4_TCB_SetMCPriority(k.tcb, seL4_CapInitThreadTCB, 120));
    CHECK_ERR(seL4_TCB_SetPriority(k.tcb, k.tcb, 121), seL4_RangeError);
    CHECK_OK(seL4_TCB_SetPriority(k.tcb, k.tcb, 120));
    CHECK_ERR(seL4_TCB_SetSchedParams(k.tcb, k.tcb, 200, 1), seL4_RangeError);
    CHECK_ERR(seL4_TCB_SetPriority(k.tcb, ROOT, 1), seL4_InvalidCapability);
}

static void test_higher_priority_child_runs_first(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, child_send_badge_order, ep | (1ul << 16), 100, 0);
    kthread_start(1, child_send_badge_order, ep | (2ul << 16), 200, 0);
    seL4_Word badge, mr[4];
    recv_raw(ep, &badge, mr);
    CHECK_EQ(mr[0], 2);
    recv_raw(ep, &badge, mr);
    CHECK_EQ(mr[0], 1);
}

static void test_yield_round_robins_equal_priorities(void)
{
    shared[8] = shared[9] = 0;
    struct kthread a = kthread_start(0, child_count, 8, 255, 0);
    struct kthread b = kthread_start(1, child_count, 9, 255, 0);
    for (int i = 0; i < 10; i++)
        seL4_Yield();
    CHECK_OK(seL4_TCB_Suspend(a.tcb));
    CHECK_OK(seL4_TCB_Suspend(b.tcb));
    CHECK_TRUE(shared[8] >= 9 && shared[8] <= 11);
    CHECK_TRUE(shared[9] >= 9 && shared[9] <= 11);
}

static void test_low_priority_thread_does_not_run_while_root_is_busy(void)
{
    shared[10] = 0;
    struct kthread a = kthread_start(0, child_count, 10, 10, 0);
    for (int i = 0; i < 5; i++)
        seL4_Yield();
    CHECK_EQ(shared[10], 0);
    CHECK_OK(seL4_TCB_Suspend(a.tcb));
}

static void child_sse(seL4_Word slot, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    double acc = (double)slot;
    for (int i = 0; i < 200; i++) {
        __asm__ volatile("movq %0, %%xmm3" : : "r"((seL4_Word)slot * 0x0101010101010101ul) : "xmm3");
        seL4_Yield();
        seL4_Word back;
        __asm__ volatile("movq %%xmm3, %0" : "=r"(back));
        if (back != slot * 0x0101010101010101ul)
            shared[slot] = 0xbad;
        acc += 1.0;
    }
    if (shared[slot] != 0xbad)
        shared[slot] = (seL4_Word)acc;
}

static void test_two_threads_using_sse_keep_their_registers(void)
{
    shared[11] = shared[12] = 0;
    kthread_start(0, child_sse, 11, 255, 0);
    kthread_start(1, child_sse, 12, 255, 0);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(shared[11], 211);
    CHECK_EQ(shared[12], 212);
}

static seL4_Word tls_word = 0x5eed;

static void child_tls(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)arg;
    (void)ipc;
    seL4_Word v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    shared[13] = v;
}

static void test_tls_base_is_the_fs_base(void)
{
    shared[13] = 0;
    struct kthread k = kthread_create(0, child_tls, 0, 100, 0);
    CHECK_OK(seL4_TCB_SetTLSBase(k.tcb, (seL4_Word)&tls_word));
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(shared[13], 0x5eed);
}

static void child_sets_its_own_tls_base(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)arg;
    uintptr_t mine = kaal_tls_self();
    seL4_SetTLSBase((seL4_Word)&tls_word);
    shared[13] = kaal_tls_self();
    seL4_SetTLSBase(0x0000800000000000ul); /* not canonical: changes nothing */
    shared[14] = kaal_tls_self();
    seL4_SetTLSBase(mine);
    shared[15] = seL4_GetIPCBuffer() == ipc;
}

static void test_set_tls_base_syscall_moves_only_the_callers_fs_base(void)
{
    shared[13] = shared[14] = shared[15] = 0;
    uintptr_t root_tp = kaal_tls_self();
    kthread_start(0, child_sets_its_own_tls_base, 0, 100, 0);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(shared[13], 0x5eed);
    CHECK_EQ(shared[14], 0x5eed);
    CHECK_EQ(shared[15], 1);
    CHECK_EQ(kaal_tls_self(), root_tp);
}

/* ---- per-thread IPC buffers and TLS ---- */

#define N_TLS_CLIENTS 3
#define TLS_ROUNDS 16
#define TLS_MRS 6 /* two past the four that travel in registers */

static __thread seL4_Word thread_tag = 0x7a6; /* .tdata: every thread starts with it */
static __thread seL4_Word thread_id;          /* .tbss */
static volatile seL4_Word tls_client_good[N_TLS_CLIENTS];

static seL4_Word tls_mr(seL4_Word id, seL4_Word round, int i)
{
    return (id + 1) * 100000 + round * 100 + (seL4_Word)i;
}

/* Fills a long message, lets the other clients fill theirs, then calls:
 * with one IPC buffer for all threads the message would be the last
 * writer's, and the reply would land where the thread does not look. */
static void tls_client(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    seL4_Word id = arg >> 16;
    seL4_CPtr ep = arg & 0xffff;
    seL4_Word good = thread_tag == 0x7a6 && thread_id == 0 && seL4_GetIPCBuffer() == ipc;
    thread_id = id + 1;
    for (seL4_Word r = 0; r < TLS_ROUNDS; r++) {
        for (int i = 0; i < TLS_MRS; i++)
            seL4_SetMR(i, tls_mr(id, r, i));
        seL4_Yield();
        seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(id, 0, 0, TLS_MRS));
        bool ok = seL4_MessageInfo_get_length(info) == TLS_MRS && thread_id == id + 1;
        for (int i = 0; i < TLS_MRS; i++)
            ok = ok && seL4_GetMR(i) == tls_mr(id, r, i) + 1;
        good += ok;
        seL4_Yield();
    }
    tls_client_good[id] = good;
}

static void test_each_thread_has_its_own_ipc_buffer_and_tls(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_IPCBuffer *root_buffer = seL4_GetIPCBuffer();
    for (seL4_Word id = 0; id < N_TLS_CLIENTS; id++) {
        tls_client_good[id] = 0;
        kthread_start((unsigned)id, tls_client, id << 16 | ep, 100, 0);
    }
    thread_id = 0xbeef;
    unsigned bad = 0;
    seL4_Word label = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
    for (unsigned n = 0; n < N_TLS_CLIENTS * TLS_ROUNDS; n++) {
        label = seL4_MessageInfo_get_label(info);
        seL4_Word first = seL4_GetMR(0), round = (first % 100000) / 100;
        if (seL4_MessageInfo_get_length(info) != TLS_MRS || first != tls_mr(label, round, 0))
            bad++;
        for (int i = 0; i < TLS_MRS; i++) {
            if (seL4_GetMR(i) != tls_mr(label, round, i))
                bad++;
            seL4_SetMR(i, seL4_GetMR(i) + 1);
        }
        if (n + 1 < N_TLS_CLIENTS * TLS_ROUNDS)
            info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, TLS_MRS), NULL);
        else
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, TLS_MRS));
    }
    /* Let the clients check their last replies. */
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(bad, 0);
    for (seL4_Word id = 0; id < N_TLS_CLIENTS; id++)
        CHECK_EQ(tls_client_good[id], 1 + TLS_ROUNDS);
    CHECK_EQ(thread_id, 0xbeef);
    CHECK_TRUE(seL4_GetIPCBuffer() == root_buffer);
}

static void test_debug_name_thread_does_not_disturb_it(void)
{
    struct kthread k = kthread_create(0, child_signal, 0, 100, 0);
    seL4_DebugNameThread(k.tcb, "named-thread");
    seL4_DebugNameThread(seL4_CapNull, "nobody");
    seL4_UserContext r;
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 1, &r));
}

/* ---- I/O ports ---- */

static void test_io_port_range_is_enforced(void)
{
    seL4_CPtr p = env_slot(), q = env_slot();
    CHECK_OK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x70, 0x71, ROOT, p, DEPTH));
    CHECK_ERR(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x71, 0x72, ROOT, q, DEPTH),
              seL4_RevokeFirst);
    CHECK_ERR(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x72, 0x71, ROOT, q, DEPTH),
              seL4_InvalidArgument);
    CHECK_OK(seL4_X86_IOPort_Out8(p, 0x70, 0x0a)); /* CMOS status register A */
    seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(p, 0x71);
    CHECK_OK(r.error);
    CHECK_ERR(seL4_X86_IOPort_In8(p, 0x72).error, seL4_IllegalOperation);
    CHECK_ERR(seL4_X86_IOPort_In16(p, 0x71).error, seL4_IllegalOperation);
    CHECK_OK(seL4_CNode_Delete(ROOT, p, DEPTH));
    CHECK_OK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x71, 0x72, ROOT, q, DEPTH));
}

/* ---- interrupts: the PIT (ISA IRQ 0, IOAPIC pin 2 on QEMU) ---- */

static void test_pit_interrupt_signals_the_handlers_notification(void)
{
    seL4_CPtr ports = env_slot(), irq = env_slot();
    CHECK_OK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x40, 0x43, ROOT, ports, DEPTH));
    CHECK_OK(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, irq, DEPTH, 0, 2, 0, 0, 5));
    CHECK_ERR(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, env_slot(), DEPTH, 0, 2, 0, 0, 5),
              seL4_RevokeFirst);
    seL4_CPtr n = env_object(seL4_NotificationObject, 0);
    seL4_CPtr nb = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, nb, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x20));
    CHECK_OK(seL4_IRQHandler_SetNotification(irq, nb));
    /* PIT channel 0, mode 2 (rate generator), ~1 kHz. */
    CHECK_OK(seL4_X86_IOPort_Out8(ports, 0x43, 0x34));
    CHECK_OK(seL4_X86_IOPort_Out8(ports, 0x40, 1193 & 0xff));
    CHECK_OK(seL4_X86_IOPort_Out8(ports, 0x40, 1193 >> 8));
    CHECK_OK(seL4_IRQHandler_Ack(irq));
    for (int i = 0; i < 3; i++) {
        seL4_Word badge = 0;
        seL4_Wait(n, &badge);
        CHECK_EQ(badge, 0x20);
        CHECK_OK(seL4_IRQHandler_Ack(irq));
    }
    CHECK_OK(seL4_X86_IOPort_Out8(ports, 0x43, 0x30)); /* one-shot, stop */
    CHECK_OK(seL4_IRQHandler_Clear(irq));
    CHECK_OK(seL4_CNode_Delete(ROOT, irq, DEPTH));
}

KTEST_LIST(ipc_tests) = {
    KTEST(test_send_delivers_label_length_and_register_mrs),
    KTEST(test_call_gets_the_servers_reply),
    KTEST(test_senders_are_received_in_fifo_order),
    KTEST(test_long_message_goes_through_both_ipc_buffers),
    KTEST(test_nbsend_without_receiver_is_dropped),
    KTEST(test_call_on_receive_only_endpoint_is_invalid_capability),
    KTEST(test_granted_cap_lands_in_the_receive_slot),
    KTEST(test_untyped_sent_over_ipc_leaves_the_senders_copy_full),
    KTEST(test_cap_without_grant_right_is_not_transferred),
    KTEST(test_cap_to_the_same_endpoint_is_unwrapped_to_its_badge),
    KTEST(test_deleting_an_endpoint_restarts_its_blocked_receiver),
    KTEST(test_suspended_sender_leaves_the_queue),
    KTEST(test_signal_then_wait_returns_the_badge),
    KTEST(test_signal_badges_are_ored),
    KTEST(test_signal_on_an_endpoint_is_a_one_word_send),
    KTEST(test_wait_blocks_until_a_signal),
    KTEST(test_bound_notification_wakes_a_receive_on_the_endpoint),
    KTEST(test_vmfault_message_and_reply_resumes_the_thread),
    KTEST(test_user_exception_reply_with_new_rip_resumes_there),
    KTEST(test_foreign_abi_thread_syscalls_reach_its_handler),
    KTEST(test_unknown_syscall_without_handler_stops_only_that_thread),
    KTEST(test_read_registers_returns_what_write_registers_set),
    KTEST(test_read_registers_count_out_of_range_is_range_error),
    KTEST(test_kernel_sanitises_written_rflags_and_rip),
    KTEST(test_thread_started_at_a_kernel_address_gets_a_vm_fault),
    KTEST(test_priority_above_mcp_is_range_error),
    KTEST(test_higher_priority_child_runs_first),
    KTEST(test_yield_round_robins_equal_priorities),
    KTEST(test_low_priority_thread_does_not_run_while_root_is_busy),
    KTEST(test_two_threads_using_sse_keep_their_registers),
    KTEST(test_tls_base_is_the_fs_base),
    KTEST(test_set_tls_base_syscall_moves_only_the_callers_fs_base),
    KTEST(test_each_thread_has_its_own_ipc_buffer_and_tls),
    KTEST(test_debug_name_thread_does_not_disturb_it),
    KTEST(test_io_port_range_is_enforced),
    KTEST(test_pit_interrupt_signals_the_handlers_notification),
};
const unsigned n_ipc_tests = sizeof(ipc_tests) / sizeof(ipc_tests[0]);
