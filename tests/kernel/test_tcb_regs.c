// SPDX-License-Identifier: BSD-2-Clause
/*
 * The x86_64 segment bases in seL4_UserContext: gs_base is a user register
 * like fs_base. WriteRegisters/ReadRegisters keep it (sanitised as fs_base:
 * a non-canonical value reads back as 0, a kernel-half one is kept, as in
 * seL4), and a thread runs with it, so `%gs:0` reads the word its gs_base
 * points to, also after another thread with a different gs_base ran in
 * between.
 */
#include "thread_env.h"

static volatile seL4_Word seen[2][2]; /* [thread][before, after the switch] */
static seL4_Word gs_words[2] = { 0x6a5e0001, 0x6a5e0002 };
static seL4_Word fs_words[2] = { 0xf5000001, 0xf5000002 };
static volatile seL4_Word seen_fs[2];

static seL4_Word read_gs0(void)
{
    seL4_Word v;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(v));
    return v;
}

static void child_reads_gs(seL4_Word which, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seen[which][0] = read_gs0();
    /* The other thread (same priority) runs now, with its own gs_base. */
    seL4_Yield();
    seen[which][1] = read_gs0();
    seL4_Word v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    seen_fs[which] = v;
}

static void test_gs_base_round_trips_through_write_and_read_registers(void)
{
    struct kthread k = kthread_create(0, child_reads_gs, 0, 100, 0);
    seL4_UserContext r;
    memset(&r, 0, sizeof(r));
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &r));
    CHECK_EQ(r.gs_base, 0); /* a new thread's gs_base */
    r.fs_base = 0x7000f000;
    r.gs_base = 0x7fff12345678ul;
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 0, 0, 20, &r));
    seL4_UserContext back;
    memset(&back, 0, sizeof(back));
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &back));
    CHECK_EQ(back.gs_base, 0x7fff12345678ul);
    CHECK_EQ(back.fs_base, 0x7000f000);
    /* A count of 19 neither writes nor reads gs_base. */
    r.gs_base = 0x1000;
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 0, 0, 19, &r));
    back.gs_base = 0xdead;
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 19, &back));
    CHECK_EQ(back.gs_base, 0xdead);
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &back));
    CHECK_EQ(back.gs_base, 0x7fff12345678ul);
    /* A non-canonical base reads back as 0; a canonical kernel-half one is
     * kept (seL4's Mode_sanitiseRegister; tools/sel4-oracle G8). */
    r.gs_base = 0x0000800000000000ul;
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 0, 0, 20, &r));
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &back));
    CHECK_EQ(back.gs_base, 0);
    r.gs_base = 0xffffffff80000000ul;
    CHECK_OK(seL4_TCB_WriteRegisters(k.tcb, 0, 0, 20, &r));
    CHECK_OK(seL4_TCB_ReadRegisters(k.tcb, 0, 0, 20, &back));
    CHECK_EQ(back.gs_base, 0xffffffff80000000ul);
}

static void test_copy_registers_copies_gs_base_with_the_other_registers(void)
{
    struct kthread src = kthread_create(0, child_reads_gs, 0, 100, 0);
    struct kthread dst = kthread_create(1, child_reads_gs, 1, 100, 0);
    seL4_UserContext r;
    CHECK_OK(seL4_TCB_ReadRegisters(src.tcb, 0, 0, 20, &r));
    r.gs_base = 0x5a5a000;
    CHECK_OK(seL4_TCB_WriteRegisters(src.tcb, 0, 0, 20, &r));
    /* transfer_frame false, transfer_integer true: gs_base is an integer register. */
    CHECK_OK(seL4_TCB_CopyRegisters(dst.tcb, src.tcb, 0, 0, 0, 1, 0));
    CHECK_OK(seL4_TCB_ReadRegisters(dst.tcb, 0, 0, 20, &r));
    CHECK_EQ(r.gs_base, 0x5a5a000);
}

static void test_threads_run_with_their_own_gs_base_across_a_switch(void)
{
    memset((void *)seen, 0, sizeof(seen));
    memset((void *)seen_fs, 0, sizeof(seen_fs));
    struct kthread k[2];
    for (unsigned i = 0; i < 2; i++) {
        k[i] = kthread_create(i, child_reads_gs, i, 100, 0);
        seL4_UserContext r;
        CHECK_OK(seL4_TCB_ReadRegisters(k[i].tcb, 0, 0, 20, &r));
        r.fs_base = (seL4_Word)&fs_words[i];
        r.gs_base = (seL4_Word)&gs_words[i];
        CHECK_OK(seL4_TCB_WriteRegisters(k[i].tcb, 0, 0, 20, &r));
    }
    for (unsigned i = 0; i < 2; i++)
        CHECK_OK(seL4_TCB_Resume(k[i].tcb));
    /* Below both: they run, each yielding to the other once, and finish. */
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
    for (unsigned i = 0; i < 2; i++) {
        CHECK_EQ(seen[i][0], gs_words[i]);
        CHECK_EQ(seen[i][1], gs_words[i]);
        CHECK_EQ(seen_fs[i], fs_words[i]);
    }
    /* Running did not change what the TCB holds. */
    seL4_UserContext r;
    CHECK_OK(seL4_TCB_ReadRegisters(k[0].tcb, 0, 0, 20, &r));
    CHECK_EQ(r.gs_base, (seL4_Word)&gs_words[0]);
}

/* ---- the restart PC (seL4's FaultIP; oracle G5/G7/G13) ---- */

static void child_waits(seL4_Word ntfn, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word badge;
    seL4_Wait(ntfn, &badge);
}

/* Wakes the root thread, then keeps running (it yields to its equals). */
static void child_signals_and_runs(seL4_Word ntfn, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Signal(ntfn);
    for (;;)
        seL4_Yield();
}

static bool is_syscall_at(seL4_Word rip)
{
    const volatile uint8_t *p = (const volatile uint8_t *)rip;
    return p[0] == 0x0f && p[1] == 0x05;
}

/* A thread blocked in a system call reads back at its `syscall`
 * instruction, where it restarts; one suspended while running reads back
 * after its last system call, where it goes on. */
static void test_read_registers_gives_seL4s_restart_pc(void)
{
    seL4_CPtr ntfn = env_object(seL4_NotificationObject, 0);
    seL4_CPtr wake = env_object(seL4_NotificationObject, 0);
    struct kthread blocked = kthread_start(0, child_waits, ntfn, 100, 0);
    struct kthread running = kthread_start(1, child_signals_and_runs, wake, 100, 0);
    seL4_Word badge;
    seL4_Wait(wake, &badge); /* both ran: one waits, the other is preempted */
    seL4_UserContext r = { 0 };
    CHECK_OK(seL4_TCB_ReadRegisters(blocked.tcb, 0, 0, 1, &r));
    CHECK_TRUE(is_syscall_at(r.rip));
    CHECK_OK(seL4_TCB_ReadRegisters(blocked.tcb, 1, 0, 1, &r)); /* suspended: still there */
    CHECK_TRUE(is_syscall_at(r.rip));
    CHECK_OK(seL4_TCB_ReadRegisters(running.tcb, 1, 0, 1, &r));
    CHECK_TRUE(is_syscall_at(r.rip - 2));
}

KTEST_LIST(tcb_regs_tests) = {
    KTEST(test_gs_base_round_trips_through_write_and_read_registers),
    KTEST(test_copy_registers_copies_gs_base_with_the_other_registers),
    KTEST(test_threads_run_with_their_own_gs_base_across_a_switch),
    KTEST(test_read_registers_gives_seL4s_restart_pc),
};
const unsigned n_tcb_regs_tests = sizeof(tcb_regs_tests) / sizeof(tcb_regs_tests[0]);
