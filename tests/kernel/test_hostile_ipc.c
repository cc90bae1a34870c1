// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hostile thread/IPC test: seeded random TCB invocations and IPC
 * (Send, NBSend, Call, Recv, NBRecv, Reply, ReplyRecv, Signal, Wait, Poll)
 * by the root thread and by helper threads, on random cap slots (null,
 * wrong types, endpoints and notifications with random rights and badges),
 * with random labels, lengths above seL4_MsgMaxLength, extra caps and
 * receive paths, while the root thread deletes, revokes, suspends and
 * reconfigures the helpers and the objects they are blocked on. After every
 * step no two live objects made from the test untyped overlap. Afterwards
 * everything is deleted, the whole test untyped is retyped again (nothing
 * leaked) and a normal Call round trip must still work.
 *
 * Scheduling model (what makes it terminate and repeat): root runs at 255,
 * helpers at 100 + i (distinct: no round robin between them), a "rescuer"
 * thread at 1. Helpers do HELPER_OPS random operations per life and then
 * suspend themselves, so they always end. The root thread may block (a
 * risky Send/Call/Recv/Wait, or a Wait on a notification nobody signals to
 * let helpers run); when nothing above priority 1 can run, the rescuer
 * suspends the root thread, moves its rip past the `syscall` instruction
 * and resumes it. So the root thread never blocks for good, as the brief
 * of this test demands, without knowing what its random caps are.
 *
 * Memory safety of the *test* (the helpers share our address space): only
 * the spawn action gives a TCB our VSpace and a code address; random
 * Configure/SetSpace use an empty VSpace or wrong caps, WriteRegisters only
 * unmapped code addresses, CopyRegisters never targets a helper, IPC
 * buffers are only set to the helpers' own frames or to unmapped/bad
 * addresses, and helper TCB caps are never copied (so an empty helper slot
 * means its thread and stack are free). Helpers only use labels that no
 * object decodes (0 and above nArchInvocationLabels).
 *
 * Known limit: timer-driven round robin can still interleave two helpers
 * whose priorities a random SetPriority made equal, so the interleaving of
 * those (not the root thread's sequence) may vary between runs.
 */
#include "thread_env.h"

#define N_STEPS       10000
#define N_OBJ_SLOTS   24
#define N_HELPERS     4
#define HELPER_OPS    12
#define HELPER_PRIO   100
#define STACK_BYTES   8192
#define HWIN          0x18000000000ul  /* PML4 slot 3: helper IPC buffers */
#define HOLE          0x200000000000ul /* never mapped: bad code/buffer addresses */
#define SEED          0x4b61614c49504321ull

static uint8_t stacks[N_HELPERS + 1][STACK_BYTES] __attribute__((aligned(16)));

static uint64_t rng_state;

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: reproducible from the seed. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static seL4_Word pick(seL4_Word n)
{
    return rng_next(&rng_state) % n;
}

/* ---- fixed objects (env slots: out of reach of random deletes) ---- */
static seL4_CPtr obj_base, helper_base, ipc_ut, fault_ep, root_fault_ep, turn, probe, probe_ntfn, spare_cnode,
    empty_vspace, empty_slot, rescuer_tcb;
static seL4_CPtr buf_frame[N_HELPERS + 1];
static volatile seL4_Word rescues, rescue_odd, helper_faults_seen;
static unsigned spawned, outcomes[seL4_NumErrors + 1], reply_outcomes[seL4_NumErrors + 1];

static seL4_Word buf_va(unsigned i)
{
    return HWIN + (seL4_Word)i * 4096;
}

static seL4_CPtr obj_slot(void)
{
    return obj_base + pick(N_OBJ_SLOTS);
}

static seL4_CPtr helper_slot(void)
{
    return helper_base + pick(N_HELPERS);
}

static void count(seL4_Error e)
{
    /* "other": the cap was an endpoint, so the label is whatever a helper
     * replied (or our own registers, if the rescuer ended the Call). */
    outcomes[(unsigned)e < seL4_NumErrors ? (unsigned)e : seL4_NumErrors]++;
}

/* Caps that may be copied, sent and named anywhere: never a helper TCB,
 * never the fault endpoint (only we may receive faults and reply to them:
 * a random reply to a UserException would resume a helper at a random
 * rip in our own code). */
static seL4_CPtr shareable_cap(uint64_t *s)
{
    static seL4_CPtr fixed[7];
    fixed[0] = seL4_CapNull;
    fixed[1] = empty_slot;
    fixed[2] = ROOT;
    fixed[3] = spare_cnode;
    fixed[4] = empty_vspace;
    fixed[5] = buf_frame[N_HELPERS];
    fixed[6] = seL4_CapIRQControl;
    seL4_Word r = rng_next(s);
    if (r % 4 == 0)
        return fixed[(r >> 8) % 7];
    return obj_base + (r >> 8) % N_OBJ_SLOTS;
}

/* Any TCB-ish target for a TCB invocation: helpers, random slots, wrong
 * types. Never our own TCB, the rescuer or the probe (its state is
 * modelled by probe_checks()). */
static seL4_CPtr tcb_target(void)
{
    return pick(3) == 0 ? helper_slot() : shareable_cap(&rng_state);
}

static seL4_CPtr authority_cap(void)
{
    switch (pick(4)) {
    case 0: return seL4_CapInitThreadTCB;
    case 1: return helper_slot();
    case 2: return probe;
    default: return shareable_cap(&rng_state);
    }
}

static seL4_Word bad_or_good_prio(void)
{
    static const seL4_Word odd[] = { 255, 256, 1000, ~0ul };
    if (pick(3) == 0)
        return odd[pick(4)];
    return 2 + pick(199); /* never 0/1 (the rescuer's level) or 255 (ours) */
}

static seL4_Word bad_buffer_va(unsigned i)
{
    switch (pick(6)) {
    case 0: return 0;
    case 1: return buf_va(i);
    case 2: return buf_va(i) + 8 * (1 + pick(127)); /* unaligned */
    case 3: return HOLE + (pick(64) << 10);           /* aligned, unmapped */
    case 4: return 0xffff800000000000ul;             /* kernel half */
    default: return buf_va(N_HELPERS);               /* the spare frame, mapped */
    }
}

static seL4_Word bad_code_va(void)
{
    static const seL4_Word v[] = { 0, 0x1000, HOLE, HOLE + 0x123, 0x800000000000ul, ~0ul };
    return v[pick(sizeof(v) / sizeof(v[0]))];
}

/* ---- helpers ---- */

static void raw_tcb_call(seL4_CPtr tcb, seL4_Word label, seL4_Word len, seL4_Word m0,
                         seL4_Word m1, seL4_Word m2, seL4_Word *out0)
{
    seL4_Word b, info, r0 = m0, r1 = m1, r2 = m2, r3 = 0;
    x64_sys_send_recv(seL4_SysCall, tcb, &b, seL4_MessageInfo_new(label, 0, 0, len).words[0],
                      &info, &r0, &r1, &r2, &r3);
    if (out0)
        *out0 = r0;
}

static void helper_op(uint64_t *s, seL4_IPCBuffer *ipc)
{
    seL4_CPtr cap = rng_next(s) % 8 == 0 ? helper_base + rng_next(s) % N_HELPERS
                                         : shareable_cap(s);
    for (unsigned i = 4; i < seL4_MsgMaxLength; i += 1 + (unsigned)(rng_next(s) % 16))
        ipc->msg[i] = rng_next(s);
    for (unsigned i = 0; i < seL4_MsgMaxExtraCaps; i++)
        ipc->caps_or_badges[i] = rng_next(s) % 4 ? shareable_cap(s) : rng_next(s);
    ipc->receiveCNode = rng_next(s) % 8 ? ROOT : shareable_cap(s);
    ipc->receiveIndex = rng_next(s) % 8 ? obj_base + rng_next(s) % N_OBJ_SLOTS : rng_next(s);
    ipc->receiveDepth = rng_next(s) % 8 ? DEPTH : rng_next(s) % 70;
    seL4_Word label = rng_next(s) % 2 ? 0 : nArchInvocationLabels + rng_next(s) % 1000;
    seL4_Word info = seL4_MessageInfo_new(label, 0, rng_next(s) % 4, rng_next(s) % 128).words[0];
    seL4_Word m[4] = { rng_next(s), rng_next(s), rng_next(s), rng_next(s) }, b, o;
    switch (rng_next(s) % 9) {
    case 0: x64_sys_send(seL4_SysSend, cap, info, m[0], m[1], m[2], m[3]); break;
    case 1: x64_sys_send(seL4_SysNBSend, cap, info, m[0], m[1], m[2], m[3]); break;
    case 2: x64_sys_send_recv(seL4_SysCall, cap, &b, info, &o, &m[0], &m[1], &m[2], &m[3]); break;
    case 3: x64_sys_recv(seL4_SysRecv, cap, &b, &o, &m[0], &m[1], &m[2], &m[3]); break;
    case 4: x64_sys_recv(seL4_SysNBRecv, cap, &b, &o, &m[0], &m[1], &m[2], &m[3]); break;
    case 5: x64_sys_reply(seL4_SysReply, info, m[0], m[1], m[2], m[3]); break;
    case 6:
        x64_sys_send_recv(seL4_SysReplyRecv, cap, &b, info, &o, &m[0], &m[1], &m[2], &m[3]);
        break;
    case 7: x64_sys_null(seL4_SysYield); break;
    default: x64_sys_send(seL4_SysSend, cap, info, m[0], 0, 0, 0); break; /* Signal-like */
    }
}

/* Entry of a helper: arg = index | life << 8. Ends suspended; if it cannot
 * suspend itself (its CSpace was replaced), it faults instead of looping. */
static void helper_main(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    uint64_t s = SEED ^ ((arg + 1) * 0x9E3779B97F4A7C15ull);
    for (int i = 0; i < HELPER_OPS; i++)
        helper_op(&s, ipc);
    for (;;) {
        raw_tcb_call(helper_base + (arg & 0xff), TCBSuspend, 0, 0, 0, 0, NULL);
        __builtin_trap();
    }
}

/* The rescuer runs only when the root thread and every helper are blocked
 * or stopped: it moves the root thread past its blocking system call. */
static void rescuer_main(seL4_Word root_fault, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    for (;;) {
        seL4_Word rip = 0, b, o, m0, m1, m2, m3;
        /* If we are blocked sending a cap fault, take the fault message
         * first: suspending us while BlockedOnReply clears our fault
         * record; suspending us while BlockedOnSend would not (as in
         * classic seL4), and our next Call would then go out as a fault. */
        x64_sys_recv(seL4_SysNBRecv, root_fault, &b, &o, &m0, &m1, &m2, &m3);
        raw_tcb_call(seL4_CapInitThreadTCB, TCBReadRegisters, 2, 1 /* suspend */, 1, 0, &rip);
        if (*(volatile uint16_t *)rip == 0x050f) /* rewound onto `syscall` */
            rip += 2;
        else
            rescue_odd++;
        rescues++;
        raw_tcb_call(seL4_CapInitThreadTCB, TCBWriteRegisters, 3, 1 /* resume */, 1, rip, NULL);
    }
}

static void start_thread(seL4_CPtr tcb, unsigned i, void (*fn)(seL4_Word, seL4_IPCBuffer *),
                         seL4_Word arg, seL4_Word prio)
{
    seL4_Error e = seL4_TCB_Configure(tcb, fault_ep, ROOT, 0, seL4_CapInitThreadVSpace, 0,
                                      buf_va(i), buf_frame[i]);
    if (e == seL4_NoError)
        e = seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, prio);
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    regs.rip = (seL4_Word)fn;
    regs.rsp = (seL4_Word)&stacks[i][STACK_BYTES - 8];
    regs.rflags = 0x202;
    regs.rdi = arg;
    regs.rsi = buf_va(i);
    if (e == seL4_NoError)
        e = seL4_TCB_WriteRegisters(tcb, 1, 0, 20, &regs);
    CHECK_OK(e);
}

static void spawn_helper(void)
{
    unsigned i = (unsigned)pick(N_HELPERS);
    seL4_Error e = seL4_Untyped_Retype(ipc_ut, seL4_TCBObject, 0, ROOT, 0, 0, helper_base + i, 1);
    count(e);
    if (e != seL4_NoError)
        return;
    spawned++;
    start_thread(helper_base + i, i, helper_main, i | (seL4_Word)spawned << 8, HELPER_PRIO + i);
}

/* ---- the root thread's random actions ---- */

static void random_objects(void)
{
    static const seL4_Word types[] = { seL4_EndpointObject, seL4_NotificationObject,
                                       seL4_TCBObject, seL4_CapTableObject, seL4_X86_4K };
    seL4_Error e;
    switch (pick(6)) {
    case 0: case 1: {
        seL4_Word t = types[pick(5)];
        e = seL4_Untyped_Retype(ipc_ut, t, t == seL4_CapTableObject ? 1 + pick(4) : 0, ROOT, 0,
                                0, obj_slot(), 1);
        break;
    }
    case 2:
        e = seL4_CNode_Mint(ROOT, obj_slot(), DEPTH, ROOT, shareable_cap(&rng_state), DEPTH,
                            seL4_CapRights_new(pick(2), pick(2), pick(2), pick(2)),
                            pick(2) ? pick(8) : rng_next(&rng_state));
        break;
    case 3:
        e = seL4_CNode_Delete(ROOT, pick(3) ? obj_slot() : helper_slot(), DEPTH);
        break;
    case 4:
        e = seL4_CNode_Revoke(ROOT, pick(3) ? obj_slot() : helper_slot(), DEPTH);
        break;
    default:
        e = seL4_CNode_Move(ROOT, obj_slot(), DEPTH, ROOT, obj_slot(), DEPTH);
        break;
    }
    count(e);
}

static void random_tcb_invocation(void)
{
    seL4_CPtr t = tcb_target();
    seL4_Error e = seL4_NoError;
    bool helper = t >= helper_base && t < helper_base + N_HELPERS;
    seL4_CPtr croot = pick(3) ? ROOT : shareable_cap(&rng_state);
    seL4_CPtr vroot = pick(2) ? empty_vspace : shareable_cap(&rng_state);
    seL4_CPtr bcap = pick(2) ? buf_frame[N_HELPERS] : shareable_cap(&rng_state);
    seL4_Word fep = pick(2) ? fault_ep : shareable_cap(&rng_state);
    switch (pick(14)) {
    case 0:
        e = seL4_TCB_Configure(t, fep, croot, pick(4) ? 0 : rng_next(&rng_state), vroot,
                               pick(4) ? 0 : rng_next(&rng_state), bad_buffer_va(N_HELPERS), bcap);
        break;
    case 1:
        e = seL4_TCB_SetSpace(t, fep, croot, pick(4) ? 0 : rng_next(&rng_state), vroot, 0);
        break;
    case 2:
        e = seL4_TCB_SetPriority(t, authority_cap(), bad_or_good_prio());
        break;
    case 3:
        e = seL4_TCB_SetMCPriority(t, authority_cap(), bad_or_good_prio());
        break;
    case 4:
        e = seL4_TCB_SetSchedParams(t, authority_cap(), bad_or_good_prio(), bad_or_good_prio());
        break;
    case 5: {
        /* A helper's buffer may only move to its own frame or a bad address. */
        unsigned i = helper ? (unsigned)(t - helper_base) : N_HELPERS;
        e = seL4_TCB_SetIPCBuffer(t, bad_buffer_va(i), pick(2) ? buf_frame[i] : shareable_cap(&rng_state));
        break;
    }
    case 6: {
        seL4_Word n = pick(2) ? pick(24) : rng_next(&rng_state);
        seL4_Word mr[4] = { pick(2), n, 0, 0 };
        seL4_MessageInfo_t out = seL4__invoke(t, seL4_MessageInfo_new(TCBReadRegisters, 0, 0, 2), mr);
        e = (seL4_Error)seL4_MessageInfo_get_label(out);
        break;
    }
    case 7: {
        /* Registers that make a resumed helper fault at once. */
        seL4_Word len = pick(seL4_MsgMaxLength + 8), n = pick(2) ? pick(24) : rng_next(&rng_state);
        for (unsigned i = 4; i < seL4_MsgMaxLength; i++)
            seL4_SetMR((int)i, rng_next(&rng_state));
        seL4_Word mr[4] = { pick(2), n, bad_code_va(), rng_next(&rng_state) };
        seL4_MessageInfo_t out =
            seL4__invoke(t, seL4_MessageInfo_new(TCBWriteRegisters, 0, 0, len), mr);
        e = (seL4_Error)seL4_MessageInfo_get_label(out);
        break;
    }
    case 8:
        if (helper)
            t = obj_slot(); /* a helper's frame must stay its own */
        seL4_SetCap(0, pick(2) ? helper_slot() : tcb_target());
        {
            seL4_Word mr[4] = { rng_next(&rng_state), 0, 0, 0 };
            seL4_MessageInfo_t out = seL4__invoke(
                t, seL4_MessageInfo_new(TCBCopyRegisters, 0, pick(2), pick(2)), mr);
            e = (seL4_Error)seL4_MessageInfo_get_label(out);
        }
        break;
    case 9: e = seL4_TCB_Suspend(t); break;
    case 10: e = seL4_TCB_Resume(t); break;
    case 11: e = seL4_TCB_BindNotification(t, shareable_cap(&rng_state)); break;
    case 12: e = seL4_TCB_UnbindNotification(t); break;
    default: e = seL4_TCB_SetTLSBase(t, rng_next(&rng_state)); break;
    }
    count(e);
}

/* Root-side IPC that cannot block: NB variants, Signal, Reply, Poll. */
static void random_nb_ipc(void)
{
    seL4_CPtr c = pick(8) ? shareable_cap(&rng_state) : fault_ep;
    for (unsigned i = 4; i < 16; i++)
        seL4_SetMR((int)i, rng_next(&rng_state));
    for (int i = 0; i < 3; i++)
        seL4_SetCap(i, shareable_cap(&rng_state));
    seL4_SetCapReceivePath(pick(8) ? ROOT : shareable_cap(&rng_state), obj_slot(),
                           pick(8) ? DEPTH : pick(70));
    seL4_MessageInfo_t info =
        seL4_MessageInfo_new(pick(2) ? 0 : rng_next(&rng_state) & 0xfffff, 0, pick(4), pick(128));
    seL4_Word b, o, m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    switch (pick(4)) {
    case 0: x64_sys_send(seL4_SysNBSend, c, info.words[0], rng_next(&rng_state), 0, 0, 0); break;
    case 1: {
        /* NBRecv needs Read on an endpoint/notification, else it faults. */
        x64_sys_recv(seL4_SysNBRecv, pick(8) ? fault_ep : obj_slot(), &b, &o, &m0, &m1, &m2, &m3);
        if (seL4_MessageInfo_get_label((seL4_MessageInfo_t){ { o } }) != 0)
            helper_faults_seen++;
        break;
    }
    case 2: x64_sys_reply(seL4_SysReply, info.words[0], 0, 0, 0, 0); break;
    default: seL4_Poll(probe_ntfn, &b); break;
    }
}

/* Root-side IPC that may block: the rescuer gets us out. */
static void risky_ipc(void)
{
    seL4_CPtr c = pick(4) ? obj_slot() : shareable_cap(&rng_state);
    seL4_MessageInfo_t info = seL4_MessageInfo_new(pick(2) ? 0 : 0x4242, 0, 0, pick(128));
    seL4_Word b, o, m0 = 1, m1 = 2, m2 = 3, m3 = 4;
    switch (pick(5)) {
    case 0: x64_sys_send(seL4_SysSend, c, info.words[0], m0, m1, m2, m3); break;
    case 1: x64_sys_send_recv(seL4_SysCall, c, &b, info.words[0], &o, &m0, &m1, &m2, &m3); break;
    case 2: x64_sys_recv(seL4_SysRecv, obj_slot(), &b, &o, &m0, &m1, &m2, &m3); break;
    case 3:
        x64_sys_send_recv(seL4_SysReplyRecv, obj_slot(), &b, info.words[0], &o, &m0, &m1, &m2,
                          &m3);
        break;
    default: seL4_Wait(turn, &b); break; /* nobody signals: just let the helpers run */
    }
}

/* Precise checks against seL4's documented errors, on fixed objects. */
static seL4_Word probe_mcp;
static bool probe_bound;

static void probe_checks(void)
{
    seL4_Word p = bad_or_good_prio();
    switch (pick(7)) {
    case 0:
        CHECK_ERR(seL4_TCB_SetPriority(probe, seL4_CapInitThreadTCB, p),
                  p <= 255 ? seL4_NoError : seL4_RangeError);
        break;
    case 1: {
        seL4_Error e = seL4_TCB_SetMCPriority(probe, seL4_CapInitThreadTCB, p);
        CHECK_ERR(e, p <= 255 ? seL4_NoError : seL4_RangeError);
        if (e == seL4_NoError)
            probe_mcp = p;
        break;
    }
    case 2:
        CHECK_ERR(seL4_TCB_SetPriority(probe, probe, p),
                  p <= probe_mcp ? seL4_NoError : seL4_RangeError);
        CHECK_ERR(seL4_TCB_SetPriority(probe, fault_ep, p), seL4_InvalidCapability);
        CHECK_ERR(seL4_TCB_SetPriority(probe, empty_slot, p), seL4_InvalidCapability);
        break;
    case 3: {
        seL4_Word n = pick(2) ? pick(24) : rng_next(&rng_state);
        seL4_Word mr[4] = { 0, n, 0, 0 };
        seL4_MessageInfo_t out =
            seL4__invoke(probe, seL4_MessageInfo_new(TCBReadRegisters, 0, 0, 2), mr);
        CHECK_EQ(seL4_MessageInfo_get_label(out), n >= 1 && n <= 20 ? seL4_NoError : seL4_RangeError);
        CHECK_EQ(seL4_MessageInfo_get_length(out), n >= 1 && n <= 20 ? n : 2);
        break;
    }
    case 4: {
        seL4_Word len = pick(seL4_MsgMaxLength + 8), n = pick(2) ? pick(130) : rng_next(&rng_state);
        seL4_Word mr[4] = { 0, n, 0, 0 };
        seL4_MessageInfo_t out =
            seL4__invoke(probe, seL4_MessageInfo_new(TCBWriteRegisters, 0, 0, len), mr);
        seL4_Word eff = len > seL4_MsgMaxLength ? seL4_MsgMaxLength : len;
        CHECK_EQ(seL4_MessageInfo_get_label(out),
                 eff < 2 || eff - 2 < n ? seL4_TruncatedMessage : seL4_NoError);
        break;
    }
    case 5: {
        seL4_Word va = bad_buffer_va(N_HELPERS);
        bool frame = pick(2);
        seL4_Error want = va == 0            ? seL4_NoError
                          : !frame           ? seL4_IllegalOperation
                          : va & 1023        ? seL4_AlignmentError
                                             : seL4_NoError;
        CHECK_ERR(seL4_TCB_SetIPCBuffer(probe, va, frame ? buf_frame[N_HELPERS] : probe_ntfn), want);
        break;
    }
    default: {
        seL4_CPtr n = pick(3) ? probe_ntfn : fault_ep;
        if (pick(2)) {
            CHECK_ERR(seL4_TCB_BindNotification(probe, n),
                      probe_bound || n != probe_ntfn ? seL4_IllegalOperation : seL4_NoError);
            probe_bound = probe_bound || n == probe_ntfn;
        } else {
            CHECK_ERR(seL4_TCB_UnbindNotification(probe),
                      probe_bound ? seL4_NoError : seL4_IllegalOperation);
            probe_bound = false;
        }
        break;
    }
    }
}

/* ---- set-up, run, proof ---- */

static void setup(void)
{
    obj_base = env_slot();
    for (int i = 1; i < N_OBJ_SLOTS; i++)
        env_slot();
    helper_base = env_slot();
    for (int i = 1; i < N_HELPERS; i++)
        env_slot();
    empty_slot = env_slot();
    ipc_ut = env_object(seL4_UntypedObject, 22);
    fault_ep = env_object(seL4_EndpointObject, 0);
    turn = env_object(seL4_NotificationObject, 0);
    probe = env_object(seL4_TCBObject, 0);
    probe_ntfn = env_object(seL4_NotificationObject, 0);
    spare_cnode = env_object(seL4_CapTableObject, 4);
    empty_vspace = env_object(seL4_X64_PML4Object, 0);
    CHECK_OK(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, empty_vspace));
    env_map_tables(HWIN);
    for (unsigned i = 0; i <= N_HELPERS; i++) {
        buf_frame[i] = env_object(seL4_X86_4K, 0);
        CHECK_OK(seL4_X86_Page_Map(buf_frame[i], seL4_CapInitThreadVSpace, buf_va(i),
                                   seL4_ReadWrite, seL4_X86_Default_VMAttributes));
    }
    /* Our own cap faults (Recv on a slot that is no endpoint) go to an
     * endpoint nobody receives on: we block and the rescuer moves us on,
     * instead of the kernel printing and stopping us. */
    root_fault_ep = env_object(seL4_EndpointObject, 0);
    CHECK_OK(seL4_TCB_SetSpace(seL4_CapInitThreadTCB, root_fault_ep, ROOT, 0,
                               seL4_CapInitThreadVSpace, 0));
    rescuer_tcb = env_object(seL4_TCBObject, 0);
    start_thread(rescuer_tcb, N_HELPERS, rescuer_main, root_fault_ep, 1);
    probe_mcp = 0;
    probe_bound = false;
}

/* Server for the final round trip: echoes mr0 + 1 with label 7. */
static void echo_server(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word b, info, m0, m1, m2, m3;
    x64_sys_recv(seL4_SysRecv, ep, &b, &info, &m0, &m1, &m2, &m3);
    x64_sys_reply(seL4_SysReply, seL4_MessageInfo_new(7, 0, 0, 1).words[0], m0 + 1, 0, 0, 0);
}

static void test_hostile_threads_and_ipc_leave_kernel_intact(void)
{
    rng_state = SEED;
    printf("# hostile-ipc: seed %#lx, %d steps\n", (unsigned long)SEED, N_STEPS);
    setup();
    if (ktest_failure[0])
        return;
    for (int i = 0; i < N_STEPS; i++) {
        switch (pick(16)) {
        case 0: case 1: spawn_helper(); break;
        case 2: case 3: case 4: random_objects(); break;
        case 5: case 6: case 7: case 8: random_tcb_invocation(); break;
        case 9: case 10: case 11: random_nb_ipc(); break;
        case 12: case 13: risky_ipc(); break;
        case 14: probe_checks(); break;
        default:
            if (pick(16) == 0)
                count(seL4_CNode_Revoke(ROOT, ipc_ut, DEPTH)); /* under live threads */
            else
                seL4_Wait(turn, NULL);
            break;
        }
        env_check_no_aliasing("hostile-ipc", i, false);
        if (ktest_failure[0]) {
            printf("# hostile-ipc: first failure at step %d\n", i);
            break;
        }
    }
    env_check_no_aliasing("hostile-ipc, at the end", N_STEPS, true);
    printf("# hostile-ipc: %u helpers spawned, %lu rescues (%lu odd), %lu fault messages;"
           " outcomes:", spawned, (unsigned long)rescues, (unsigned long)rescue_odd,
           (unsigned long)helper_faults_seen);
    for (unsigned i = 0; i <= seL4_NumErrors; i++)
        printf(" %s=%u", i < seL4_NumErrors ? ktest_error_name((seL4_Error)i) + 5 : "other",
               outcomes[i]);
    printf("\n");
    (void)reply_outcomes;
    CHECK_EQ(rescue_odd, 0);
    CHECK_OK(seL4_TCB_SetSpace(seL4_CapInitThreadTCB, 0, ROOT, 0, seL4_CapInitThreadVSpace, 0));

    /* Everything deleted: helpers, objects, the rescuer; then the whole
     * test untyped retypes again. */
    CHECK_OK(seL4_CNode_Revoke(ROOT, ipc_ut, DEPTH));
    for (seL4_CPtr s = obj_base; s < helper_base + N_HELPERS; s++)
        CHECK_OK(seL4_CNode_Delete(ROOT, s, DEPTH));
    CHECK_OK(seL4_CNode_Revoke(ROOT, env_untyped, DEPTH));
    seL4_CPtr all = env_slot();
    CHECK_OK(seL4_Untyped_Retype(env_untyped, seL4_UntypedObject, env_untyped_bits, ROOT, 0, 0,
                                 all, 1));
    CHECK_OK(seL4_CNode_Delete(ROOT, all, DEPTH));

    /* Healthy: a normal Call round trip. */
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, echo_server, ep, 100, 0);
    seL4_Word b, m0 = 41, m1 = 0, m2 = 0, m3 = 0;
    seL4_MessageInfo_t out;
    x64_sys_send_recv(seL4_SysCall, ep, &b, seL4_MessageInfo_new(1, 0, 0, 1).words[0],
                      &out.words[0], &m0, &m1, &m2, &m3);
    CHECK_EQ(seL4_MessageInfo_get_label(out), 7);
    CHECK_EQ(m0, 42);
}

/* ---- directed cases: the worst moments, with exact outcomes ---- */

static volatile seL4_Word seen[8];

static void let_children_run(void)
{
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 50));
    CHECK_OK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 255));
}

/* arg = ep | go << 16: take one Call, wait for `go`, reply, count. */
static void server_then_reply_late(seL4_Word arg, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word b, o, m0, m1, m2, m3;
    x64_sys_recv(seL4_SysRecv, arg & 0xffff, &b, &o, &m0, &m1, &m2, &m3);
    seen[0] = seL4_MessageInfo_get_label((seL4_MessageInfo_t){ { o } });
    x64_sys_recv(seL4_SysRecv, arg >> 16, &b, &o, &m0, &m1, &m2, &m3);
    x64_sys_reply(seL4_SysReply, seL4_MessageInfo_new(9, 0, 0, 0).words[0], 0, 0, 0, 0);
    seen[1] = 1;
}

static void caller(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word b, o, m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    x64_sys_send_recv(seL4_SysCall, ep, &b, seL4_MessageInfo_new(5, 0, 0, 0).words[0], &o, &m0,
                      &m1, &m2, &m3);
    seen[2] = 1; /* must never get here: we are deleted while waiting */
}

static void blocking_sender(seL4_Word ep, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    x64_sys_send(seL4_SysSend, ep, seL4_MessageInfo_new(1, 0, 0, 0).words[0], 0, 0, 0, 0);
    seen[3]++;
}

static void waiter(seL4_Word n, seL4_IPCBuffer *ipc)
{
    (void)ipc;
    seL4_Word b, o, m0, m1, m2, m3;
    x64_sys_recv(seL4_SysRecv, n, &b, &o, &m0, &m1, &m2, &m3);
    seen[4]++;
}

static void expect_cap_fault(seL4_CPtr fep, seL4_CPtr cptr)
{
    seL4_Word b, o, mr[4];
    x64_sys_recv(seL4_SysRecv, fep, &b, &o, &mr[0], &mr[1], &mr[2], &mr[3]);
    CHECK_EQ(seL4_MessageInfo_get_label((seL4_MessageInfo_t){ { o } }), seL4_Fault_CapFault);
    CHECK_EQ(mr[seL4_CapFault_Addr], cptr);
}

static void test_deleting_threads_and_objects_under_blocked_ipc_is_clean(void)
{
    for (unsigned i = 0; i < 8; i++)
        seen[i] = 0;
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), go = env_object(seL4_NotificationObject, 0);
    seL4_CPtr ep2 = env_object(seL4_EndpointObject, 0), n = env_object(seL4_NotificationObject, 0);
    seL4_CPtr fep = env_object(seL4_EndpointObject, 0);
    /* A caller blocked on its reply while the server holds the reply cap. */
    kthread_start(0, server_then_reply_late, ep | go << 16, 100, fep);
    struct kthread c = kthread_start(1, caller, ep, 100, fep);
    /* Two senders queued on ep2, a waiter on n. */
    kthread_start(2, blocking_sender, ep2, 100, fep);
    kthread_start(3, blocking_sender, ep2, 100, fep);
    kthread_start(4, waiter, n, 100, fep);
    let_children_run();
    CHECK_EQ(seen[0], 5);

    /* Delete the caller: the server's late reply goes nowhere. */
    CHECK_OK(seL4_CNode_Delete(ROOT, c.tcb, DEPTH));
    seL4_Signal(go);
    let_children_run();
    CHECK_EQ(seen[1], 1);
    CHECK_EQ(seen[2], 0);

    /* Delete the endpoint with queued senders, the notification with a
     * waiter: each re-executes its system call on an empty slot. As on
     * seL4, a Send on a null cap is an error nobody hears (the senders
     * go on), a Recv on one is a cap fault. */
    CHECK_OK(seL4_CNode_Delete(ROOT, ep2, DEPTH));
    let_children_run();
    CHECK_EQ(seen[3], 2);
    CHECK_OK(seL4_CNode_Delete(ROOT, n, DEPTH));
    expect_cap_fault(fep, n);
    CHECK_EQ(seen[4], 0);

    /* Revoke the untyped under the live threads (the waiter waits for
     * its fault reply, the server for its `go`), then the
     * whole untyped retypes: nothing leaked. */
    CHECK_OK(seL4_CNode_Revoke(ROOT, env_untyped, DEPTH));
    seL4_CPtr all = env_slot();
    CHECK_OK(seL4_Untyped_Retype(env_untyped, seL4_UntypedObject, env_untyped_bits, ROOT, 0, 0,
                                 all, 1));
    CHECK_OK(seL4_CNode_Delete(ROOT, all, DEPTH));
}

/* Regressions for the TCB decode order and codes found by the hostile
 * run (seL4's decodeSetIPCBuffer, checkValidIPCBuffer, decodeTCBConfigure,
 * decodeBindNotification). */
static void test_ipc_buffer_cap_type_is_checked_before_alignment(void)
{
    seL4_CPtr t = env_object(seL4_TCBObject, 0), n = env_object(seL4_NotificationObject, 0);
    seL4_CPtr f = env_object(seL4_X86_4K, 0);
    CHECK_ERR(seL4_TCB_SetIPCBuffer(t, ENV_VADDR + 8, n), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_SetIPCBuffer(t, ENV_VADDR + 8, f), seL4_AlignmentError);
    CHECK_OK(seL4_TCB_SetIPCBuffer(t, ENV_VADDR + 1024, f));
    CHECK_OK(seL4_TCB_SetIPCBuffer(t, 0, n)); /* clearing: any cap, but one is required */
    seL4_Word mr[4] = { 0, 0, 0, 0 };
    seL4_MessageInfo_t out = seL4__invoke(t, seL4_MessageInfo_new(TCBSetIPCBuffer, 0, 0, 1), mr);
    CHECK_EQ(seL4_MessageInfo_get_label(out), seL4_TruncatedMessage);
    /* Configure checks the buffer before the CSpace root. */
    CHECK_ERR(seL4_TCB_Configure(t, 0, n, 0, seL4_CapInitThreadVSpace, 0, ENV_VADDR + 8, f),
              seL4_AlignmentError);
    CHECK_ERR(seL4_TCB_Configure(t, 0, n, 0, seL4_CapInitThreadVSpace, 0, ENV_VADDR, f),
              seL4_IllegalOperation);
}

static void test_bind_notification_codes_match_sel4(void)
{
    seL4_CPtr t = env_object(seL4_TCBObject, 0), n = env_object(seL4_NotificationObject, 0);
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    CHECK_ERR(seL4_TCB_BindNotification(t, ep), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_UnbindNotification(t), seL4_IllegalOperation);
    CHECK_OK(seL4_TCB_BindNotification(t, n));
    CHECK_ERR(seL4_TCB_BindNotification(t, ep), seL4_IllegalOperation); /* bound: checked first */
    CHECK_OK(seL4_TCB_UnbindNotification(t));
}

static void test_call_works_after_set_space_on_ourselves(void)
{
    seL4_CPtr fep = env_object(seL4_EndpointObject, 0);
    CHECK_OK(seL4_TCB_SetSpace(seL4_CapInitThreadTCB, fep, ROOT, 0, seL4_CapInitThreadVSpace, 0));
    CHECK_OK(seL4_TCB_SetSpace(seL4_CapInitThreadTCB, 0, ROOT, 0, seL4_CapInitThreadVSpace, 0));
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    kthread_start(0, echo_server, ep, 100, 0);
    seL4_Word b, m0 = 41, m1 = 0, m2 = 0, m3 = 0;
    seL4_MessageInfo_t out;
    x64_sys_send_recv(seL4_SysCall, ep, &b, seL4_MessageInfo_new(1, 0, 0, 1).words[0],
                      &out.words[0], &m0, &m1, &m2, &m3);
    CHECK_EQ(seL4_MessageInfo_get_label(out), 7);
    CHECK_EQ(m0, 42);
}

KTEST_LIST(hostile_ipc_tests) = {
    KTEST(test_ipc_buffer_cap_type_is_checked_before_alignment),
    KTEST(test_bind_notification_codes_match_sel4),
    KTEST(test_deleting_threads_and_objects_under_blocked_ipc_is_clean),
    KTEST(test_call_works_after_set_space_on_ourselves),
    KTEST(test_hostile_threads_and_ipc_leave_kernel_intact),
};
const unsigned n_hostile_ipc_tests = sizeof(hostile_ipc_tests) / sizeof(hostile_ipc_tests[0]);
