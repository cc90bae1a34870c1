// SPDX-License-Identifier: BSD-2-Clause
/*
 * The *WithMRs system calls (<sel4/functions.h>) on the real kernel, made
 * by the root thread with its IPC buffer pointer set to NULL: with at most
 * four words they must not touch the IPC buffer at all (a stray access
 * would be a VM fault of the root thread and stop the suite). Checks that
 * given words arrive, a NULL pointer sends 0 and receives nothing, and
 * every given pointer gets the reply's word. (That Call/ReplyRecv send
 * only the words below the length is not visible here: the kernel
 * transfers only `length` words anyway.)
 * Children use the raw stubs and run only while the root thread (priority
 * 255) is blocked; they report through `seen` and signal a notification.
 */
#include "thread_env.h"

static volatile seL4_Word seen[8];

static seL4_MessageInfo_t recv_raw(seL4_CPtr ep, seL4_Word *badge, seL4_Word mr[4])
{
    seL4_MessageInfo_t info;
    x64_sys_recv(seL4_SysRecv, ep, badge, &info.words[0], &mr[0], &mr[1], &mr[2], &mr[3]);
    return info;
}

static void record(seL4_MessageInfo_t info, seL4_Word badge, const seL4_Word mr[4])
{
    seen[0] = seL4_MessageInfo_get_label(info);
    seen[1] = seL4_MessageInfo_get_length(info);
    seen[2] = badge;
    for (int i = 0; i < 4; i++)
        seen[3 + i] = mr[i];
}

/* arg = endpoint: answers one Call with label 7, four words derived from
 * the four it got. */
static void child_reply_server(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(ep, &badge, mr);
    record(info, badge, mr);
    x64_sys_reply(seL4_SysReply, seL4_MessageInfo_new(7, 0, 0, 4).words[0], mr[0] + 1,
                  mr[1] + 2, mr[2] + 3, mr[3] + 4);
}

/* arg = endpoint | notification << 16: receives one message, records it,
 * signals. */
static void child_receiver(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word badge, mr[4];
    seL4_MessageInfo_t info = recv_raw(arg & 0xffff, &badge, mr);
    record(info, badge, mr);
    x64_sys_send_null(seL4_SysSend, arg >> 16, 0);
}

/* arg = endpoint: sends four words. */
static void child_sender(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    x64_sys_send(seL4_SysSend, ep, seL4_MessageInfo_new(0x42, 0, 0, 4).words[0], 11, 22, 33, 44);
}

/* arg = endpoint | notification << 16: two Calls of four words; records the
 * second reply and signals. */
static void child_caller(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word mr[4] = { 1, 2, 3, 4 }, badge;
    seL4_MessageInfo_t out;
    x64_sys_send_recv(seL4_SysCall, arg & 0xffff, &badge, seL4_MessageInfo_new(5, 0, 0, 4).words[0],
                      &out.words[0], &mr[0], &mr[1], &mr[2], &mr[3]);
    seen[7] = mr[0] * 1000 + seL4_MessageInfo_get_label(out) * 10 +
              seL4_MessageInfo_get_length(out);
    mr[0] = 100, mr[1] = 200, mr[2] = 300, mr[3] = 400;
    x64_sys_send_recv(seL4_SysCall, arg & 0xffff, &badge, seL4_MessageInfo_new(6, 0, 0, 4).words[0],
                      &out.words[0], &mr[0], &mr[1], &mr[2], &mr[3]);
    record(out, 0, mr);
    x64_sys_send_null(seL4_SysSend, arg >> 16, 0);
}

static void test_call_with_mrs_needs_no_ipc_buffer_and_sends_zero_for_null(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr badged = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x31));
    kthread_start(0, child_reply_server, ep, 100, 0);

    seL4_Word a = 5, c = 7, d = 8;
    seL4_IPCBuffer *saved = seL4_GetIPCBuffer();
    seL4_SetIPCBuffer(NULL);
    /* Length 3, MR1 NULL: the server sees 5, 0, 7 and nothing in MR3. */
    seL4_MessageInfo_t info =
        seL4_CallWithMRs(badged, seL4_MessageInfo_new(9, 0, 0, 3), &a, NULL, &c, &d);
    seL4_SetIPCBuffer(saved);

    CHECK_EQ(seen[0], 9);
    CHECK_EQ(seen[1], 3);
    CHECK_EQ(seen[2], 0x31);
    CHECK_EQ(seen[3], 5);
    CHECK_EQ(seen[4], 0);
    CHECK_EQ(seen[5], 7);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 7);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 4);
    CHECK_EQ(a, 6);
    CHECK_EQ(c, 10);
    CHECK_EQ(d, seen[6] + 4); /* the reply's MR3 is written back, whatever was sent */
}

static void test_recv_with_mrs_fills_only_the_given_pointers(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, child_sender, ep, 100, 0);

    seL4_Word badge = 99, a = 0, c = 0, d = 0;
    seL4_IPCBuffer *saved = seL4_GetIPCBuffer();
    seL4_SetIPCBuffer(NULL);
    seL4_MessageInfo_t info = seL4_RecvWithMRs(ep, &badge, &a, NULL, &c, &d);
    seL4_SetIPCBuffer(saved);

    CHECK_EQ(seL4_MessageInfo_get_label(info), 0x42);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 4);
    CHECK_EQ(badge, 0);
    CHECK_EQ(a, 11);
    CHECK_EQ(c, 33);
    CHECK_EQ(d, 44);
}

static void test_send_and_nbsend_with_mrs_send_given_words_and_zero_for_null(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    seL4_CPtr ep2 = env_object(seL4_EndpointObject, 0);
    seL4_Word badge, x = 0x1234, z = 0x5678;

    kthread_start(0, child_receiver, ep | (ntfn << 16), 100, 0);
    seL4_IPCBuffer *saved = seL4_GetIPCBuffer();
    seL4_SetIPCBuffer(NULL);
    seL4_SendWithMRs(ep, seL4_MessageInfo_new(0x55, 0, 0, 3), &x, NULL, &z, NULL);
    seL4_SetIPCBuffer(saved);
    seL4_Wait(ntfn, &badge);
    CHECK_EQ(seen[0], 0x55);
    CHECK_EQ(seen[1], 3);
    CHECK_EQ(seen[3], 0x1234);
    CHECK_EQ(seen[4], 0);
    CHECK_EQ(seen[5], 0x5678);

    /* NBSend needs a waiting receiver: the priority-50 sender on ep2 runs
     * only once the priority-100 receiver has blocked in Recv. */
    kthread_start(1, child_receiver, ep | (ntfn << 16), 100, 0);
    kthread_start(2, child_sender, ep2, 50, 0);
    seL4_Word mr[4];
    recv_raw(ep2, &badge, mr);
    x = 0xabc;
    seL4_SetIPCBuffer(NULL);
    seL4_NBSendWithMRs(ep, seL4_MessageInfo_new(0x56, 0, 0, 1), &x, NULL, NULL, NULL);
    seL4_SetIPCBuffer(saved);
    seL4_Wait(ntfn, &badge);
    CHECK_EQ(seen[0], 0x56);
    CHECK_EQ(seen[1], 1);
    CHECK_EQ(seen[3], 0xabc);
}

static void test_reply_and_reply_recv_with_mrs_serve_calls_without_an_ipc_buffer(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    kthread_start(0, child_caller, ep | (ntfn << 16), 100, 0);

    seL4_Word badge, a = 0, b = 0, c = 0, d = 0;
    seL4_IPCBuffer *saved = seL4_GetIPCBuffer();
    seL4_SetIPCBuffer(NULL);
    seL4_MessageInfo_t first = seL4_RecvWithMRs(ep, &badge, &a, &b, &c, &d);
    seL4_Word sum = a + b + c + d;
    /* Reply length 1: only `a` goes back; then receive the second Call
     * into a and b only. */
    a = sum;
    b = 77;
    seL4_MessageInfo_t second =
        seL4_ReplyRecvWithMRs(ep, seL4_MessageInfo_new(3, 0, 0, 1), &badge, &a, &b, NULL, NULL);
    seL4_Word r0 = a + b, r2 = 9;
    seL4_ReplyWithMRs(seL4_MessageInfo_new(4, 0, 0, 3), &r0, NULL, &r2, NULL);
    seL4_SetIPCBuffer(saved);
    seL4_Wait(ntfn, &badge);

    CHECK_EQ(seL4_MessageInfo_get_label(first), 5);
    CHECK_EQ(sum, 10);
    CHECK_EQ(seL4_MessageInfo_get_label(second), 6);
    CHECK_EQ(a, 100);
    CHECK_EQ(b, 200);
    CHECK_EQ(seen[7], 10 * 1000 + 3 * 10 + 1); /* first reply: MR0 10, label 3, length 1 */
    CHECK_EQ(seen[0], 4);
    CHECK_EQ(seen[1], 3);
    CHECK_EQ(seen[3], 300);
    CHECK_EQ(seen[4], 0);
    CHECK_EQ(seen[5], 9);
}

const struct ktest withmrs_tests[] = {
    KTEST(test_call_with_mrs_needs_no_ipc_buffer_and_sends_zero_for_null),
    KTEST(test_recv_with_mrs_fills_only_the_given_pointers),
    KTEST(test_send_and_nbsend_with_mrs_send_given_words_and_zero_for_null),
    KTEST(test_reply_and_reply_recv_with_mrs_serve_calls_without_an_ipc_buffer),
};
const unsigned n_withmrs_tests = sizeof(withmrs_tests) / sizeof(withmrs_tests[0]);
