// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hostile test: 100,000 seeded random invocations against our own
 * CSpace and VSpace (random cap pointers, labels, message lengths, message
 * registers and extra caps), then proof that the kernel survived and kept
 * its books: after every invocation no two live objects made from the test
 * untyped overlap in memory (and none in the whole kernel at the end), a
 * known-good invocation works, and after revoking the test untyped and
 * deleting every slot it used, the untyped can be retyped whole.
 *
 * Limits that keep the *test* alive (not the kernel): the invoked and extra
 * cap pointers stay below 4096 (a pointer that does not resolve is a cap
 * fault, which would stop this thread as on seL4); destructive CNode
 * operations, Map and Retype destinations only touch the work slots; maps
 * go to a window of their own, never over our image, stack or IPC buffer;
 * endpoints are never created (a Call on one would block for good).
 */
#include "ktest.h"

#define N_INVOCATIONS 100000
#define N_WORK_SLOTS  64
#define MAP_WINDOW    0x10000000000ul  /* 1 TiB: PML4 slot 2 */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: reproducible from the seed. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static seL4_Word pick(seL4_Word n)
{
    return rng() % n;
}

static seL4_CPtr work_base, work_ut;

static seL4_CPtr work_slot(void)
{
    return work_base + pick(N_WORK_SLOTS);
}

/* Any cap we hold: a work slot, or one of the boot caps that is safe to
 * hand to any invocation (nothing here can delete or move them). */
static seL4_CPtr any_cap(void)
{
    static const seL4_CPtr fixed[] = {
        /* not our own TCB: a random Suspend or WriteRegisters would stop the test */
        seL4_CapNull, seL4_CapInitThreadCNode, seL4_CapInitThreadVSpace,
        seL4_CapIRQControl, seL4_CapASIDControl, seL4_CapInitThreadASIDPool,
        seL4_CapIOPortControl, seL4_CapBootInfoFrame, 4095,
    };
    if (pick(4) == 0)
        return fixed[pick(sizeof(fixed) / sizeof(fixed[0]))];
    return work_slot();
}

static seL4_Word random_word(void)
{
    switch (pick(6)) {
    case 0: return 0;
    case 1: return pick(64);
    case 2: return work_slot();
    case 3: return MAP_WINDOW + (pick(1u << 16) << 12);
    case 4: return ~0ul - pick(4);
    default: return rng();
    }
}

static const seL4_Word safe_types[] = {
    seL4_UntypedObject, seL4_TCBObject, seL4_NotificationObject, seL4_CapTableObject,
    seL4_X86_PDPTObject, seL4_X64_PML4Object, seL4_X86_4K, seL4_X86_LargePageObject,
    seL4_X86_PageTableObject, seL4_X86_PageDirectoryObject, seL4_X64_HugePageObject,
};

static unsigned outcomes[seL4_NumErrors + 1];

static void count(seL4_Error e)
{
    outcomes[(unsigned)e < seL4_NumErrors ? (unsigned)e : seL4_NumErrors]++;
}

/* One random but well-aimed invocation: valid-looking arguments. */
static void aimed_invocation(void)
{
    seL4_CPtr svc = any_cap();
    seL4_Error e = seL4_NoError;
    switch (pick(12)) {
    case 0:
        e = seL4_Untyped_Retype(pick(2) ? work_ut : svc,
                            safe_types[pick(sizeof(safe_types) / sizeof(safe_types[0]))],
                            pick(24), ROOT, 0, 0, work_slot(), 1 + pick(3));
        break;
    case 1:
        e = seL4_CNode_Copy(ROOT, work_slot(), pick(8) ? DEPTH : pick(70), ROOT, any_cap(), DEPTH,
                        seL4_CapRights_new(pick(2), pick(2), pick(2), pick(2)));
        break;
    case 2:
        e = seL4_CNode_Mint(ROOT, work_slot(), DEPTH, ROOT, any_cap(), DEPTH, seL4_AllRights,
                        random_word());
        break;
    case 3:
        e = seL4_CNode_Move(ROOT, work_slot(), DEPTH, ROOT, work_slot(), DEPTH);
        break;
    case 4:
        e = seL4_CNode_Mutate(ROOT, work_slot(), DEPTH, ROOT, work_slot(), DEPTH, random_word());
        break;
    case 5:
        e = seL4_CNode_Rotate(ROOT, work_slot(), DEPTH, random_word(), ROOT, work_slot(), DEPTH,
                          random_word(), ROOT, work_slot(), DEPTH);
        break;
    case 6:
        e = seL4_CNode_Delete(ROOT, work_slot(), DEPTH);
        break;
    case 7:
        e = seL4_CNode_Revoke(ROOT, work_slot(), DEPTH);
        break;
    case 8:
        e = seL4_X86_Page_Map(svc, pick(2) ? seL4_CapInitThreadVSpace : any_cap(),
                          MAP_WINDOW + (pick(1u << 12) << 12),
                          seL4_CapRights_new(0, 0, pick(2), pick(2)), pick(16));
        break;
    case 9: {
        seL4_Word va = MAP_WINDOW + (pick(1u << 12) << 21);
        switch (pick(3)) {
        case 0: e = seL4_X86_PageTable_Map(svc, seL4_CapInitThreadVSpace, va, 0); break;
        case 1: e = seL4_X86_PageDirectory_Map(svc, seL4_CapInitThreadVSpace, va, 0); break;
        default: e = seL4_X86_PDPT_Map(svc, seL4_CapInitThreadVSpace, MAP_WINDOW, 0); break;
        }
        break;
    }
    case 10:
        switch (pick(5)) {
        case 0: e = seL4_X86_Page_Unmap(svc); break;
        case 1: e = seL4_X86_PageTable_Unmap(svc); break;
        case 2: e = seL4_X86_ASIDPool_Assign(svc, any_cap()); break;
        case 3: e = seL4_X86_ASIDControl_MakePool(svc, any_cap(), ROOT, work_slot(), DEPTH); break;
        default: e = (seL4_Error)seL4_X86_Page_GetAddress(svc).error; break;
        }
        break;
    default:
        e = seL4_CNode_SaveCaller(ROOT, work_slot(), DEPTH);
        break;
    }
    count(e);
}

/* A raw invocation: random label, length, registers and extra caps. The
 * first words still name work slots so that destructive labels cannot hit
 * our own caps by chance. */
static void raw_invocation(void)
{
    seL4_CPtr svc = any_cap();
    seL4_Word label = pick(4) ? pick(nArchInvocationLabels + 2) : rng();
    seL4_Word length = pick(seL4_MsgMaxLength + 8);
    seL4_Word extra = pick(4);
    for (int i = 0; i < 3; i++)
        seL4_SetCap(i, pick(2) ? ROOT : any_cap());
    for (int i = 4; i < 12; i++)
        seL4_SetMR(i, random_word());
    seL4_Word m0 = work_slot(), m1 = pick(4) ? DEPTH : pick(128);
    seL4_Word m2 = work_slot(), m3 = pick(4) ? DEPTH : random_word();
    bool destructive = label >= CNodeRevoke && label <= CNodeSaveCaller;
    if (!destructive && pick(2)) {
        m0 = random_word();
        m2 = random_word();
    }
    if (label == UntypedRetype) {
        m0 = safe_types[pick(sizeof(safe_types) / sizeof(safe_types[0]))];
        seL4_SetMR(4, work_slot());
        seL4_SetMR(5, 1 + pick(2));
        m2 = 0;
        m3 = 0;
    }
    if (label == CNodeRotate || label == CNodeMove || label == CNodeMutate)
        seL4_SetMR(6, work_slot());
    seL4_Word mr[4] = { m0, m1, m2, m3 };
    seL4_MessageInfo_t info = seL4_MessageInfo_new(label, pick(8), extra, length);
    switch (pick(3)) {
    case 0:
        seL4__invoke(svc, info, mr);
        break;
    case 1:
        x64_sys_send(seL4_SysSend, svc, info.words[0], m0, m1, m2, m3);
        break;
    default:
        x64_sys_send(seL4_SysNBSend, svc, info.words[0], m0, m1, m2, m3);
        break;
    }
}

static void test_hostile_random_invocations_leave_kernel_intact(void)
{
    rng_state = 0x4b61614c5465737aull; /* fixed seed: reproducible */
    work_base = env_slot();
    for (int i = 1; i < N_WORK_SLOTS; i++)
        env_slot();
    /* A copy of a 2^24 child of the test untyped is the random retypes'
     * usual source; the test untyped itself stays out of reach. */
    seL4_CPtr child = env_object(seL4_UntypedObject, 24);
    work_ut = work_base;
    CHECK_OK(seL4_CNode_Move(ROOT, work_ut, DEPTH, ROOT, child, DEPTH));

    for (int i = 0; i < N_INVOCATIONS; i++) {
        if (pick(2))
            aimed_invocation();
        else
            raw_invocation();
        if (!env_check_no_aliasing("hostile", i, false))
            break;
    }
    env_check_no_aliasing("hostile, at the end", N_INVOCATIONS, true);
    printf("# hostile: %d invocations done; outcomes of the aimed ones:", N_INVOCATIONS);
    for (unsigned i = 0; i <= seL4_NumErrors; i++)
        printf(" %s=%u", i < seL4_NumErrors ? ktest_error_name((seL4_Error)i) + 5 : "other",
               outcomes[i]);
    printf("\n");

    /* Alive: a known-good invocation still works. */
    seL4_CPtr probe = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, probe, DEPTH, ROOT, seL4_CapInitThreadTCB, DEPTH,
                             seL4_AllRights));
    CHECK_OK(seL4_CNode_Delete(ROOT, probe, DEPTH));
    /* Everything deleted: the whole untyped can be retyped again. */
    for (seL4_CPtr s = work_base; s < work_base + N_WORK_SLOTS; s++)
        CHECK_OK(seL4_CNode_Delete(ROOT, s, DEPTH));
    CHECK_OK(seL4_CNode_Revoke(ROOT, env_untyped, DEPTH));
    seL4_CPtr all = env_slot();
    CHECK_OK(seL4_Untyped_Retype(env_untyped, seL4_UntypedObject, env_untyped_bits, ROOT, 0, 0,
                                 all, 1));
    CHECK_OK(seL4_CNode_Delete(ROOT, all, DEPTH));
    /* And the root VSpace still works where the random maps went. */
    seL4_CPtr f = env_mapped_frame(MAP_WINDOW);
    *(volatile seL4_Word *)MAP_WINDOW = 5;
    CHECK_EQ(*(volatile seL4_Word *)MAP_WINDOW, 5);
    (void)f;
}

/*
 * Untyped churn: random retypes (untypeds, frames, CNodes, TCBs) from
 * untypeds and their copies, Copy/Mint/Move of whatever the slots hold,
 * Delete and Revoke, in a small set of slots so that copies of untypeds
 * with and without children are common. After every step no two live
 * objects may overlap: this is the test that catches a kernel handing out
 * the same memory twice.
 */
#define N_CHURN_STEPS 10000
#define N_CHURN_SLOTS 16

static void test_hostile_untyped_churn_never_hands_out_memory_twice(void)
{
    static const seL4_Word churn_types[] = {
        seL4_UntypedObject, seL4_UntypedObject, seL4_X86_4K, seL4_X86_4K,
        seL4_CapTableObject, seL4_TCBObject, seL4_NotificationObject,
    };
    rng_state = 0x756e747970656421ull;
    seL4_CPtr base = env_slot();
    for (int i = 1; i < N_CHURN_SLOTS; i++)
        env_slot();
    seL4_CPtr pool = env_object(seL4_UntypedObject, 18);
    unsigned made = 0, copied = 0;
    for (int i = 0; i < N_CHURN_STEPS; i++) {
        seL4_CPtr a = base + pick(N_CHURN_SLOTS), b = base + pick(N_CHURN_SLOTS);
        seL4_Error e;
        switch (pick(8)) {
        case 0:
        case 1:
        case 2: {
            seL4_Word type = churn_types[pick(sizeof(churn_types) / sizeof(churn_types[0]))];
            seL4_Word bits = type == seL4_UntypedObject ? 12 + pick(5) : type == seL4_CapTableObject ? 1 + pick(4) : 0;
            if (pick(2))
                seL4_CNode_Delete(ROOT, b, DEPTH); /* room, and its object may go */
            e = seL4_Untyped_Retype(pick(4) ? a : pool, type, bits, ROOT, 0, 0, b, 1);
            made += e == seL4_NoError;
            break;
        }
        case 3:
            e = seL4_CNode_Copy(ROOT, b, DEPTH, ROOT, pick(8) ? a : pool, DEPTH, seL4_AllRights);
            copied += e == seL4_NoError; /* of anything: untypeds are most of what's there */
            break;
        case 4:
            e = seL4_CNode_Mint(ROOT, b, DEPTH, ROOT, a, DEPTH, seL4_AllRights, pick(4));
            copied += e == seL4_NoError;
            break;
        case 5:
            e = seL4_CNode_Move(ROOT, b, DEPTH, ROOT, a, DEPTH);
            break;
        case 6:
            e = seL4_CNode_Delete(ROOT, a, DEPTH);
            break;
        default:
            e = seL4_CNode_Revoke(ROOT, a, DEPTH);
            break;
        }
        count(e);
        if (!env_check_no_aliasing("untyped churn", i, false))
            break;
    }
    /* It did churn: objects made and untypeds copied, often. */
    if ((made < N_CHURN_STEPS / 20 || copied < N_CHURN_STEPS / 40) && !ktest_failure[0])
        snprintf(ktest_failure, sizeof(ktest_failure),
                 "only %u objects made and %u copies in %d steps", made, copied, N_CHURN_STEPS);
}

KTEST_LIST(hostile_tests) = {
    KTEST(test_hostile_random_invocations_leave_kernel_intact),
    KTEST(test_hostile_untyped_churn_never_hands_out_memory_twice),
};
const unsigned n_hostile_tests = sizeof(hostile_tests) / sizeof(hostile_tests[0]);
