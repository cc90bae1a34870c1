// SPDX-License-Identifier: BSD-2-Clause
/*
 * Preemption points: a long operation run by a low-priority thread (a
 * revoke of 20,000 caps, a retype that clears 64 MiB) lets an interrupt
 * wake the higher-priority root thread before it ends, and still finishes
 * correctly. The interrupt is the PIT at ~1 kHz (IOAPIC pin 2) signalling
 * a notification the root thread waits on; the worker signals the same
 * notification with another badge when its call has returned.
 *
 * What "before it ends" means is seen from the root thread with calls
 * that change nothing: for the revoke, the first copy it deletes is gone
 * while the last is still there (a state an uninterruptible revoke never
 * shows); for the retype, the worker has entered the call and the first
 * frame does not exist yet, at two interrupts or more (at most one can
 * land between the worker's flag and its `syscall` instruction).
 */
#include "thread_env.h"

#define BADGE_IRQ 1
#define BADGE_DONE 2
#define N_COPIES 20000
#define COPIES_BITS 15
#define ATTEMPTS 5
#define N_FRAMES 32
#define FRAME_BITS 21
#define CHUNK_BYTES 256

static seL4_CPtr pit_ports, pit_irq, events, done_cap;

/* written by the workers, read by the root thread */
static volatile int retype_started;
static volatile seL4_Error worker_result;

static void pit_start(void)
{
    pit_ports = env_slot();
    pit_irq = env_slot();
    CHECK_OK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x40, 0x43, ROOT, pit_ports,
                                          DEPTH));
    CHECK_OK(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT, pit_irq, DEPTH, 0, 2, 0, 0, 5));
    seL4_CPtr n = env_object(seL4_NotificationObject, 0);
    events = env_slot();
    done_cap = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, events, DEPTH, ROOT, n, DEPTH, seL4_AllRights, BADGE_IRQ));
    CHECK_OK(seL4_CNode_Mint(ROOT, done_cap, DEPTH, ROOT, n, DEPTH, seL4_AllRights, BADGE_DONE));
    CHECK_OK(seL4_IRQHandler_SetNotification(pit_irq, events));
    CHECK_OK(seL4_X86_IOPort_Out8(pit_ports, 0x43, 0x34)); /* channel 0, rate generator */
    CHECK_OK(seL4_X86_IOPort_Out8(pit_ports, 0x40, 1193 & 0xff));
    CHECK_OK(seL4_X86_IOPort_Out8(pit_ports, 0x40, 1193 >> 8));
    CHECK_OK(seL4_IRQHandler_Ack(pit_irq));
}

static void pit_stop(void)
{
    CHECK_OK(seL4_X86_IOPort_Out8(pit_ports, 0x43, 0x30)); /* one-shot, unarmed */
    CHECK_OK(seL4_IRQHandler_Clear(pit_irq));
    CHECK_OK(seL4_CNode_Delete(ROOT, pit_irq, DEPTH));
}

/* Serves interrupts until the worker is done; returns how many found the
 * operation half done. */
static unsigned serve_until_done(bool (*half_done)(void))
{
    unsigned n_half = 0;
    for (;;) {
        seL4_Word badge = 0;
        seL4_Wait(events, &badge);
        if (badge & BADGE_IRQ) {
            if (half_done())
                n_half++;
            CHECK_OK(seL4_IRQHandler_Ack(pit_irq));
        }
        if (badge & BADGE_DONE)
            return n_half;
    }
}

/* ---- revoke ---- */

static seL4_CPtr original, copies;

/* An unbadged endpoint cap with all rights: NoError, an empty slot:
 * IllegalOperation; nothing changes either way. */
static bool copy_present(seL4_Word i)
{
    return seL4_CNode_CancelBadgedSends(copies, i, COPIES_BITS) == seL4_NoError;
}

static bool revoke_half_done(void)
{
    /* Each copy goes right after the original: the last made goes first. */
    return !copy_present(N_COPIES - 1) && copy_present(0);
}

static void revoker(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)arg;
    (void)ipc;
    worker_result = seL4_CNode_Revoke(ROOT, original, DEPTH);
    seL4_Signal(done_cap);
}

static void test_revoke_of_20000_caps_lets_an_interrupt_in_and_finishes(void)
{
    pit_start();
    original = env_object(seL4_EndpointObject, 0);
    copies = env_object(seL4_CapTableObject, COPIES_BITS);
    unsigned n_half = 0;
    for (unsigned attempt = 0; attempt < ATTEMPTS && !n_half && !ktest_failure[0]; attempt++) {
        for (seL4_Word i = 0; i < N_COPIES; i++)
            CHECK_OK(seL4_CNode_Copy(copies, i, COPIES_BITS, ROOT, original, DEPTH,
                                     seL4_AllRights));
        worker_result = seL4_NumErrors;
        kthread_start(attempt, revoker, 0, 50, 0);
        n_half = serve_until_done(revoke_half_done);
        CHECK_OK(worker_result);
        for (seL4_Word i = 0; i < N_COPIES; i++)
            if (copy_present(i))
                CHECK_EQ(i, N_COPIES); /* names the first copy left behind */
        CHECK_ERR(seL4_CNode_CancelBadgedSends(ROOT, original, DEPTH), seL4_NoError);
    }
    pit_stop();
    CHECK_TRUE(n_half >= 1);
}

/* ---- retype ---- */

static seL4_CPtr ut, frames;

static bool frame_exists(seL4_CPtr f)
{
    return seL4_X86_Page_GetAddress(f).error == seL4_NoError;
}

static bool retype_half_done(void)
{
    return retype_started && !frame_exists(frames);
}

/* The libsel4 stub writes the root thread's IPC buffer; this thread has
 * its own, so the words past MR3 and the extra cap go there by hand. */
static void retyper(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)arg;
    ipc->caps_or_badges[0] = ROOT;
    ipc->msg[4] = frames;   /* node offset */
    ipc->msg[5] = N_FRAMES; /* objects */
    retype_started = 1;
    worker_result = seL4__simple_call(ut, UntypedRetype, 1, 6, seL4_X86_LargePageObject, 0, 0, 0);
    seL4_Signal(done_cap);
}

static void map_frames(seL4_Word va)
{
    for (unsigned i = 0; i < N_FRAMES; i++)
        CHECK_OK(seL4_X86_Page_Map(frames + i, seL4_CapInitThreadVSpace,
                                   va + ((seL4_Word)(i + 1) << FRAME_BITS), seL4_ReadWrite,
                                   seL4_X86_Default_VMAttributes));
}

static void test_retype_clearing_64_mib_lets_an_interrupt_in_and_zeroes_it_all(void)
{
    seL4_Word va = ENV_VADDR;
    ut = env_object(seL4_UntypedObject, 26); /* first: the rest of the test untyped stays free */
    env_map_tables(va); /* a page directory for the large pages after the first 2 MiB */
    frames = env_slot();
    for (unsigned i = 1; i < N_FRAMES; i++)
        env_slot();
    /* Dirty one word in every chunk the kernel clears, then free it all. */
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_X86_LargePageObject, 0, ROOT, 0, 0, frames, N_FRAMES));
    map_frames(va);
    uint64_t *mem = (uint64_t *)(va + (1ul << FRAME_BITS));
    size_t words = ((size_t)N_FRAMES << FRAME_BITS) / 8;
    for (size_t w = 0; w < words; w += CHUNK_BYTES / 8)
        mem[w + (w / 32) % (CHUNK_BYTES / 8)] = 0x5a5a5a5a5a5a5a5aull;
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, DEPTH));

    pit_start();
    retype_started = 0;
    worker_result = seL4_NumErrors;
    kthread_start(0, retyper, 0, 50, 0);
    unsigned n_half = serve_until_done(retype_half_done);
    pit_stop();
    CHECK_OK(worker_result);
    CHECK_TRUE(n_half >= 2);
    map_frames(va);
    size_t first_dirty = words;
    for (size_t w = 0; w < words && first_dirty == words; w++)
        if (mem[w])
            first_dirty = w;
    CHECK_EQ(first_dirty, words);
}

KTEST_LIST(preempt_tests) = {
    KTEST(test_revoke_of_20000_caps_lets_an_interrupt_in_and_finishes),
    KTEST(test_retype_clearing_64_mib_lets_an_interrupt_in_and_zeroes_it_all),
};
const unsigned n_preempt_tests = sizeof(preempt_tests) / sizeof(preempt_tests[0]);
