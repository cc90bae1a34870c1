// SPDX-License-Identifier: BSD-2-Clause
/*
 * IPC fastpath tests (kernel/fastpath.c): Call and ReplyRecv between the
 * root thread and a server thread of the same priority take the fastpath
 * (message registers, label, badge, lengths must arrive exactly as on the
 * slow path), and every case the fastpath must leave to the slow path
 * still behaves as seL4 says: extra caps, messages longer than four
 * registers, a server of lower priority, a pending bound notification,
 * and a ReplyRecv whose caller must not overtake a ready thread. SSE
 * registers survive the (eager) FPU switches of fast round trips.
 */
#include "thread_env.h"

static volatile seL4_Word order[8];
static volatile unsigned n_order;

static void record(seL4_Word who)
{
    if (n_order < 8)
        order[n_order++] = who;
}

/*
 * Echo server: replies label + 1 with four words: the badge, MR0 + 1,
 * MR1 * 2, and the number of extra caps received plus the sum of buffer
 * MRs 4..len-1 (so long messages are checked too). Receives caps into
 * the root CNode slot given in the upper half of arg.
 */
static void echo_server(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_CPtr ep = arg & 0xffff;
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, arg >> 16, seL4_WordBits);
    seL4_Word badge;
    seL4_MessageInfo_t in = seL4_Recv(ep, &badge);
    for (;;) {
        seL4_Word len = seL4_MessageInfo_get_length(in);
        seL4_Word extra = seL4_MessageInfo_get_extraCaps(in);
        for (seL4_Word i = 4; i < len; i++)
            extra += seL4_GetMR((int)i);
        seL4_Word mr0 = seL4_GetMR(0), mr1 = seL4_GetMR(1);
        seL4_SetMR(0, badge);
        seL4_SetMR(1, mr0 + 1);
        seL4_SetMR(2, mr1 * 2);
        seL4_SetMR(3, extra);
        in = seL4_ReplyRecv(ep, seL4_MessageInfo_new(seL4_MessageInfo_get_label(in) + 1, 0, 0, 4),
                            &badge);
    }
}

static seL4_MessageInfo_t call4(seL4_CPtr ep, seL4_MessageInfo_t info, seL4_Word mr[4])
{
    seL4_Word unused;
    seL4_MessageInfo_t out;
    x64_sys_send_recv(seL4_SysCall, ep, &unused, info.words[0], &out.words[0], &mr[0], &mr[1],
                      &mr[2], &mr[3]);
    return out;
}

static void test_fastpath_round_trips_carry_label_badge_and_registers(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr badged = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x55));
    kthread_start(0, echo_server, ep, 255, 0);
    for (seL4_Word i = 0; i < 50; i++) {
        seL4_Word mr[4] = {i, 100 + i, 7, 9};
        seL4_MessageInfo_t out = call4(badged, seL4_MessageInfo_new(20 + i, 0, 0, 2), mr);
        CHECK_EQ(seL4_MessageInfo_get_label(out), 21 + i);
        CHECK_EQ(seL4_MessageInfo_get_length(out), 4);
        CHECK_EQ(seL4_MessageInfo_get_extraCaps(out), 0);
        CHECK_EQ(mr[0], 0x55);
        CHECK_EQ(mr[1], i + 1);
        CHECK_EQ(mr[2], (100 + i) * 2);
        CHECK_EQ(mr[3], 0);
    }
}

static void test_fastpath_reply_length_zero_delivers_no_registers(void)
{
    /* A Call of length 0: the server sees MR0 and MR1 as whatever its
     * registers held, but the info it gets says length 0, and our reply
     * still carries the server's four words. */
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, echo_server, ep, 255, 0);
    for (int i = 0; i < 3; i++) {
        seL4_Word mr[4] = {0, 0, 0, 0};
        seL4_MessageInfo_t out = call4(ep, seL4_MessageInfo_new(1, 0, 0, 0), mr);
        CHECK_EQ(seL4_MessageInfo_get_label(out), 2);
        CHECK_EQ(seL4_MessageInfo_get_length(out), 4);
        CHECK_EQ(mr[0], 0);
    }
}

static void test_call_with_extra_cap_falls_back_and_transfers_the_cap(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    seL4_CPtr badged_ntfn = env_slot(), recv_slot = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged_ntfn, DEPTH, ROOT, ntfn, DEPTH, seL4_AllRights, 0x9));
    kthread_start(0, echo_server, ep | (recv_slot << 16), 255, 0);
    seL4_Word mr[4] = {1, 2, 0, 0};
    call4(ep, seL4_MessageInfo_new(0, 0, 0, 2), mr); /* server now waits in ReplyRecv */
    seL4_GetIPCBuffer()->caps_or_badges[0] = badged_ntfn;
    mr[0] = 3;
    mr[1] = 4;
    seL4_MessageInfo_t out = call4(ep, seL4_MessageInfo_new(5, 0, 1, 2), mr);
    CHECK_EQ(seL4_MessageInfo_get_label(out), 6);
    CHECK_EQ(mr[1], 4);
    CHECK_EQ(mr[3], 1); /* the server saw one extra cap */
    /* The cap arrived in the receive slot: signalling it reaches ntfn. */
    seL4_Signal(recv_slot);
    seL4_Word badge = 0;
    seL4_Poll(ntfn, &badge);
    CHECK_EQ(badge, 0x9);
    /* And the fastpath works again afterwards. */
    mr[0] = 10;
    out = call4(ep, seL4_MessageInfo_new(7, 0, 0, 1), mr);
    CHECK_EQ(seL4_MessageInfo_get_label(out), 8);
    CHECK_EQ(mr[1], 11);
    CHECK_EQ(mr[3], 0);
}

static void test_call_with_long_message_falls_back_and_copies_buffer_registers(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, echo_server, ep, 255, 0);
    seL4_Word mr[4] = {1, 2, 3, 4};
    call4(ep, seL4_MessageInfo_new(0, 0, 0, 4), mr);
    seL4_IPCBuffer *buf = seL4_GetIPCBuffer();
    for (int i = 4; i < 10; i++)
        buf->msg[i] = 1000 * (seL4_Word)i;
    mr[0] = 41;
    mr[1] = 5;
    seL4_MessageInfo_t out = call4(ep, seL4_MessageInfo_new(3, 0, 0, 10), mr);
    CHECK_EQ(seL4_MessageInfo_get_label(out), 4);
    CHECK_EQ(mr[1], 42);
    CHECK_EQ(mr[2], 10);
    CHECK_EQ(mr[3], 1000 * (4 + 5 + 6 + 7 + 8 + 9));
}

static void test_call_to_a_lower_priority_server_falls_back_and_is_answered(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, echo_server, ep, 100, 0);
    for (seL4_Word i = 0; i < 5; i++) {
        seL4_Word mr[4] = {i, i, 0, 0};
        seL4_MessageInfo_t out = call4(ep, seL4_MessageInfo_new(i, 0, 0, 2), mr);
        CHECK_EQ(seL4_MessageInfo_get_label(out), i + 1);
        CHECK_EQ(mr[1], i + 1);
        CHECK_EQ(mr[2], 2 * i);
    }
}

/* Waits on its notification (arg), then records that it ran. */
static void waiter(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Wait(arg & 0xffff, NULL);
    record(arg >> 16);
}

/* Wakes the waiter through the notification (upper half of arg), then
 * replies: the waiter is then ready when ReplyRecv runs. */
static void waking_server(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_CPtr ep = arg & 0xffff;
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    for (;;) {
        seL4_Signal(arg >> 16);
        seL4_SetMR(0, 77);
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}

/* The caller at priority `caller_prio`, a waiter at `waiter_prio` made
 * ready by the server (at 200) just before its ReplyRecv: who runs first. */
static void reply_recv_order(seL4_Word caller_prio, seL4_Word waiter_prio)
{
    n_order = 0;
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    kthread_start(0, waking_server, ep | (ntfn << 16), 200, 0);
    kthread_start(1, waiter, ntfn | (2ul << 16), waiter_prio, 0);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, caller_prio));
    seL4_Word mr[4] = {0, 0, 0, 0};
    seL4_MessageInfo_t out = call4(ep, seL4_MessageInfo_new(0, 0, 0, 0), mr);
    record(1);
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(seL4_MessageInfo_get_length(out), 1);
    CHECK_EQ(mr[0], 77);
}

static void test_reply_recv_lets_a_ready_higher_priority_thread_run_before_the_caller(void)
{
    reply_recv_order(100, 150);
    CHECK_EQ(n_order, 2);
    CHECK_EQ(order[0], 2); /* the waiter */
    CHECK_EQ(order[1], 1); /* then the caller */
}

static void test_reply_recv_queues_the_caller_behind_a_ready_thread_of_its_priority(void)
{
    reply_recv_order(100, 100);
    CHECK_EQ(n_order, 2);
    CHECK_EQ(order[0], 2);
    CHECK_EQ(order[1], 1);
}

static void test_reply_recv_goes_straight_to_a_caller_above_the_ready_threads(void)
{
    reply_recv_order(100, 50);
    CHECK_EQ(order[0], 1); /* the caller first */
    /* The waiter runs once we drop below it. */
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 40));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    CHECK_EQ(n_order, 2);
    CHECK_EQ(order[1], 2);
}

/* Server with a bound notification: each round signals its own bound
 * notification before ReplyRecv, so the receive completes at once with
 * the notification's badge instead of blocking (a slow-path case). */
static void bound_server(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_CPtr ep = arg & 0xffff, self_ntfn = arg >> 16;
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    for (;;) {
        seL4_Signal(self_ntfn);
        seL4_SetMR(0, 5);
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
        record(badge); /* the notification's badge, the receive did not block */
        seL4_Recv(ep, &badge);
    }
}

static void test_reply_recv_with_a_signalled_bound_notification_returns_its_badge(void)
{
    n_order = 0;
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    seL4_CPtr badged = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ntfn, DEPTH, seL4_AllRights, 0x30));
    struct kthread k = kthread_create(0, bound_server, ep | (badged << 16), 255, 0);
    CHECK_OK(seL4_TCB_BindNotification(k.tcb, ntfn));
    CHECK_OK(seL4_TCB_Resume(k.tcb));
    for (int i = 0; i < 3; i++) {
        seL4_Word mr[4] = {0, 0, 0, 0};
        seL4_MessageInfo_t out = call4(ep, seL4_MessageInfo_new(0, 0, 0, 0), mr);
        CHECK_EQ(seL4_MessageInfo_get_length(out), 1);
        CHECK_EQ(mr[0], 5);
    }
    CHECK_EQ(n_order, 3);
    CHECK_EQ(order[0], 0x30);
    CHECK_EQ(order[2], 0x30);
}

/* Call without Grant or GrantReply: no reply cap can be made, so the
 * caller does not wait for a reply (seL4: it becomes inactive); here the
 * server's Reply finds nothing to answer. A Call with GrantReply only
 * gets its reply (fastpath condition). */
static void test_call_with_grant_reply_only_is_answered(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    seL4_CPtr gr = env_slot();
    CHECK_OK(
        seL4_CNode_Mint(ROOT, gr, DEPTH, ROOT, ep, DEPTH, seL4_CapRights_new(1, 0, 0, 1), 0x7));
    kthread_start(0, echo_server, ep, 255, 0);
    for (seL4_Word i = 0; i < 3; i++) {
        seL4_Word mr[4] = {i, 1, 0, 0};
        seL4_MessageInfo_t out = call4(gr, seL4_MessageInfo_new(1, 0, 0, 2), mr);
        CHECK_EQ(seL4_MessageInfo_get_label(out), 2);
        CHECK_EQ(mr[0], 0x7);
        CHECK_EQ(mr[1], i + 1);
    }
}

/* Server that keeps its own value in xmm7 across every ReplyRecv. */
static void sse_server(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    const seL4_Word mine = 0x5151515151515151ul;
    seL4_Word badge, ok = 0;
    seL4_Recv(ep, &badge);
    for (;;) {
        seL4_SetMR(0, ok); /* the previous round's check */
        __asm__ volatile("movq %0, %%xmm7" : : "r"(mine) : "xmm7");
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
        seL4_Word back;
        __asm__ volatile("movq %%xmm7, %0" : "=r"(back));
        ok = back == mine;
    }
}

static void test_fastpath_switches_keep_both_threads_sse_registers(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, sse_server, ep, 255, 0);
    const seL4_Word ours = 0xa5a5a5a5a5a5a5a5ul;
    for (int i = 0; i < 40; i++) {
        seL4_Word mr[4] = {0, 0, 0, 0}, back;
        __asm__ volatile("movq %0, %%xmm7" : : "r"(ours) : "xmm7");
        call4(ep, seL4_MessageInfo_new(0, 0, 0, 0), mr);
        __asm__ volatile("movq %%xmm7, %0" : "=r"(back));
        CHECK_EQ(back, ours);
        if (i > 0)
            CHECK_EQ(mr[0], 1); /* the server's xmm7 survived too */
    }
}

const struct ktest fastpath_tests[] = {
    KTEST(test_fastpath_round_trips_carry_label_badge_and_registers),
    KTEST(test_fastpath_reply_length_zero_delivers_no_registers),
    KTEST(test_call_with_extra_cap_falls_back_and_transfers_the_cap),
    KTEST(test_call_with_long_message_falls_back_and_copies_buffer_registers),
    KTEST(test_call_to_a_lower_priority_server_falls_back_and_is_answered),
    KTEST(test_reply_recv_lets_a_ready_higher_priority_thread_run_before_the_caller),
    KTEST(test_reply_recv_queues_the_caller_behind_a_ready_thread_of_its_priority),
    KTEST(test_reply_recv_goes_straight_to_a_caller_above_the_ready_threads),
    KTEST(test_reply_recv_with_a_signalled_bound_notification_returns_its_badge),
    KTEST(test_call_with_grant_reply_only_is_answered),
    KTEST(test_fastpath_switches_keep_both_threads_sse_registers),
};
const unsigned n_fastpath_tests = sizeof(fastpath_tests) / sizeof(fastpath_tests[0]);
