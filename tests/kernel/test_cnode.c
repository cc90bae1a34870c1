// SPDX-License-Identifier: BSD-2-Clause
/*
 * CNode operations (sel4test CNODEOP and friends): Copy, Mint, Move,
 * Mutate, Rotate, Delete, Revoke, SaveCaller, CancelBadgedSends, CPtr
 * resolution with guards and depths, and the error of every bad argument,
 * with seL4's error details in the message registers.
 */
#include "ktest.h"

/* A slot is empty iff copying from it fails with a missing capability. */
static bool slot_is_empty(seL4_CNode root, seL4_CPtr slot, seL4_Uint8 depth)
{
    seL4_CPtr tmp = env_slot();
    seL4_Error e = seL4_CNode_Copy(ROOT, tmp, DEPTH, root, slot, depth, seL4_AllRights);
    if (e == seL4_NoError)
        seL4_CNode_Delete(ROOT, tmp, DEPTH);
    return e == seL4_FailedLookup && seL4_GetMR(1) == seL4_MissingCapability;
}

static void test_invocation_labels_match_sel4(void)
{
    CHECK_EQ(UntypedRetype, 1);
    CHECK_EQ(CNodeRevoke, 17);
    CHECK_EQ(CNodeCopy, 20);
    CHECK_EQ(CNodeSaveCaller, 25);
    CHECK_EQ(X86PDPTMap, 33);
    CHECK_EQ(X86PageDirectoryMap, 35);
    CHECK_EQ(X86PageTableMap, 37);
    CHECK_EQ(X86PageMap, 39);
    CHECK_EQ(X86PageGetAddress, 41);
    CHECK_EQ(X86ASIDControlMakePool, 42);
    CHECK_EQ(X86ASIDPoolAssign, 43);
    CHECK_EQ(seL4_X86_4K, 8);
    CHECK_EQ(seL4_X86_PageDirectoryObject, 11);
}

static void test_copy_creates_usable_cnode_cap(void)
{
    seL4_CPtr copy = env_slot(), dest = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, seL4_CapInitThreadCNode, DEPTH,
                             seL4_AllRights));
    /* The copy works as a CNode root. */
    CHECK_OK(seL4_CNode_Copy(copy, dest, DEPTH, copy, seL4_CapInitThreadTCB, DEPTH,
                             seL4_AllRights));
    CHECK_TRUE(!slot_is_empty(ROOT, dest, DEPTH));
}

static void test_copy_to_occupied_slot_is_delete_first(void)
{
    CHECK_ERR(seL4_CNode_Copy(ROOT, seL4_CapInitThreadTCB, DEPTH, ROOT, seL4_CapInitThreadCNode,
                              DEPTH, seL4_AllRights),
              seL4_DeleteFirst);
}

static void test_copy_from_empty_slot_reports_missing_source(void)
{
    seL4_CPtr empty = env_slot(), dest = env_slot();
    CHECK_ERR(seL4_CNode_Copy(ROOT, dest, DEPTH, ROOT, empty, DEPTH, seL4_AllRights),
              seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 1); /* the source lookup failed */
    CHECK_EQ(seL4_GetMR(1), seL4_MissingCapability);
    CHECK_EQ(seL4_GetMR(2), DEPTH); /* bits left */
}

static void test_copy_with_zero_depth_is_range_error(void)
{
    seL4_CPtr dest = env_slot();
    CHECK_ERR(seL4_CNode_Copy(ROOT, dest, 0, ROOT, seL4_CapInitThreadTCB, DEPTH, seL4_AllRights),
              seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), 64);
}

static void test_copy_with_too_large_depth_is_range_error(void)
{
    seL4_CPtr dest = env_slot();
    /* 65 survives the stub's Uint8 masking. */
    CHECK_ERR(seL4_CNode_Copy(ROOT, dest, 65, ROOT, seL4_CapInitThreadTCB, DEPTH, seL4_AllRights),
              seL4_RangeError);
}

static void test_short_depth_reports_guard_mismatch(void)
{
    seL4_CPtr dest = env_slot();
    /* The root CNode resolves 64 bits (guard 64 - radix, then the radix):
     * radix bits alone are too few. */
    seL4_Word radix = env_bi->initThreadCNodeSizeBits;
    CHECK_ERR(seL4_CNode_Copy(ROOT, dest, (seL4_Uint8)radix, ROOT, seL4_CapInitThreadTCB, DEPTH,
                              seL4_AllRights),
              seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 0); /* destination */
    CHECK_EQ(seL4_GetMR(1), seL4_GuardMismatch);
    CHECK_EQ(seL4_GetMR(2), radix);      /* bits left */
    CHECK_EQ(seL4_GetMR(3), 0);          /* guard found */
    CHECK_EQ(seL4_GetMR(4), 64 - radix); /* guard bits */
}

static void test_out_of_range_index_reports_guard_mismatch(void)
{
    CHECK_ERR(seL4_CNode_Copy(ROOT, 1ul << env_bi->initThreadCNodeSizeBits, DEPTH, ROOT,
                              seL4_CapInitThreadTCB, DEPTH,
                              seL4_AllRights),
              seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(1), seL4_GuardMismatch);
    CHECK_EQ(seL4_GetMR(2), 64);
}

static void test_source_root_not_a_cnode_is_invalid_root(void)
{
    seL4_CPtr dest = env_slot();
    CHECK_ERR(seL4_CNode_Copy(ROOT, dest, DEPTH, seL4_CapInitThreadTCB, 1, DEPTH, seL4_AllRights),
              seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_InvalidRoot);
}

static void test_invoking_empty_slot_is_invalid_capability(void)
{
    seL4_CPtr empty = env_slot(), dest = env_slot();
    CHECK_ERR(seL4_CNode_Copy(empty, dest, DEPTH, ROOT, 1, DEPTH, seL4_AllRights),
              seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 0);
}

static void test_cnode_call_on_tcb_is_illegal_operation(void)
{
    seL4_CPtr dest = env_slot();
    CHECK_ERR(seL4_CNode_Copy(seL4_CapInitThreadTCB, dest, DEPTH, ROOT, 1, DEPTH, seL4_AllRights),
              seL4_IllegalOperation);
}

static void test_non_cnode_label_on_cnode_is_illegal_operation(void)
{
    CHECK_ERR(seL4__simple_call(ROOT, UntypedRetype, 0, 2, 5, DEPTH, 0, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4__simple_call(ROOT, X86PageMap, 0, 2, 5, DEPTH, 0, 0), seL4_IllegalOperation);
}

static void test_short_message_is_truncated(void)
{
    CHECK_ERR(seL4__simple_call(ROOT, CNodeDelete, 0, 1, 5, DEPTH, 0, 0), seL4_TruncatedMessage);
    seL4_CPtr dest = env_slot();
    /* Copy without its source-root extra cap. */
    seL4_SetMR(4, seL4_AllRights.words[0]);
    CHECK_ERR(seL4__simple_call(ROOT, CNodeCopy, 0, 5, dest, DEPTH, 1, DEPTH),
              seL4_TruncatedMessage);
    /* Copy without the rights word. */
    seL4_SetCap(0, ROOT);
    CHECK_ERR(seL4__simple_call(ROOT, CNodeCopy, 1, 4, dest, DEPTH, 1, DEPTH),
              seL4_TruncatedMessage);
}

static void test_mint_badges_an_endpoint(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), badged = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 42));
    CHECK_TRUE(!slot_is_empty(ROOT, badged, DEPTH));
}

static void test_mint_of_badged_endpoint_is_illegal_operation(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), badged = env_slot(), again = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 42));
    CHECK_ERR(seL4_CNode_Mint(ROOT, again, DEPTH, ROOT, badged, DEPTH, seL4_AllRights, 7),
              seL4_IllegalOperation);
    /* A plain copy of the badged cap is fine. */
    CHECK_OK(seL4_CNode_Copy(ROOT, again, DEPTH, ROOT, badged, DEPTH, seL4_AllRights));
}

static void test_mutate_of_endpoint_is_illegal_operation(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), dest = env_slot();
    CHECK_ERR(seL4_CNode_Mutate(ROOT, dest, DEPTH, ROOT, ep, DEPTH, 5), seL4_IllegalOperation);
    CHECK_TRUE(!slot_is_empty(ROOT, ep, DEPTH));
}

static void test_mint_masks_rights(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), full = env_slot(), ro = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, full, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0));
    CHECK_OK(seL4_CNode_Mint(ROOT, ro, DEPTH, ROOT, ep, DEPTH, seL4_CanRead, 0));
    /* CancelBadgedSends needs every right. */
    CHECK_OK(seL4_CNode_CancelBadgedSends(ROOT, full, DEPTH));
    CHECK_ERR(seL4_CNode_CancelBadgedSends(ROOT, ro, DEPTH), seL4_IllegalOperation);
}

static void test_cancel_badged_sends_on_non_endpoint_is_illegal(void)
{
    CHECK_ERR(seL4_CNode_CancelBadgedSends(ROOT, seL4_CapInitThreadTCB, DEPTH),
              seL4_IllegalOperation);
}

static void test_copy_of_untyped_with_children_is_revoke_first(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 16), child = env_slot(), copy = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Delete(ROOT, copy, DEPTH));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, child, 1));
    CHECK_ERR(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights),
              seL4_RevokeFirst);
}

static void test_copy_of_irq_control_is_illegal_operation(void)
{
    seL4_CPtr dest = env_slot();
    CHECK_ERR(seL4_CNode_Copy(ROOT, dest, DEPTH, ROOT, seL4_CapIRQControl, DEPTH, seL4_AllRights),
              seL4_IllegalOperation);
}

static void test_move_empties_the_source(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), dest = env_slot();
    CHECK_OK(seL4_CNode_Move(ROOT, dest, DEPTH, ROOT, ep, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, ep, DEPTH));
    CHECK_TRUE(!slot_is_empty(ROOT, dest, DEPTH));
}

static void test_move_to_occupied_slot_is_delete_first(void)
{
    seL4_CPtr a = env_object(seL4_EndpointObject, 0), b = env_object(seL4_EndpointObject, 0);
    CHECK_ERR(seL4_CNode_Move(ROOT, b, DEPTH, ROOT, a, DEPTH), seL4_DeleteFirst);
    CHECK_TRUE(!slot_is_empty(ROOT, a, DEPTH));
}

static void test_moved_untyped_keeps_its_children(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 16), ep = env_slot(), moved = env_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, ep, 1));
    CHECK_OK(seL4_CNode_Move(ROOT, moved, DEPTH, ROOT, ut, DEPTH));
    CHECK_OK(seL4_CNode_Revoke(ROOT, moved, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, ep, DEPTH));
}

static void test_mutate_sets_guard_used_by_lookups(void)
{
    seL4_CPtr cn = env_object(seL4_CapTableObject, 4), guarded = env_slot();
    seL4_CPtr dest = env_slot();
    /* guard 0b101 of 3 bits, then radix 4: index 0b101_0011 at depth 7 is slot 3. */
    CHECK_OK(seL4_CNode_Mutate(ROOT, guarded, DEPTH, ROOT, cn, DEPTH,
                               seL4_CNode_CapData_new(5, 3).words[0]));
    CHECK_OK(seL4_CNode_Copy(guarded, 0x53, 7, ROOT, seL4_CapInitThreadTCB, DEPTH,
                             seL4_AllRights));
    CHECK_ERR(seL4_CNode_Copy(guarded, 0x13, 7, ROOT, seL4_CapInitThreadTCB, DEPTH,
                              seL4_AllRights),
              seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(1), seL4_GuardMismatch);
    CHECK_EQ(seL4_GetMR(3), 5); /* the guard the CNode has */
    /* Depth 4 is shorter than guard + radix. */
    CHECK_ERR(seL4_CNode_Copy(guarded, 3, 4, ROOT, 1, DEPTH, seL4_AllRights), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(1), seL4_GuardMismatch);
    (void)dest;
}

static void test_two_level_cspace_resolves_through_cnode(void)
{
    /* cn (radix 4) holds a cap to cn2 (radix 4) in slot 2: index 0x27 at
     * depth 8 is cn2's slot 7; at depth 4 it is cn's slot 2 itself. */
    seL4_CPtr cn = env_object(seL4_CapTableObject, 4), cn2 = env_object(seL4_CapTableObject, 4);
    CHECK_OK(seL4_CNode_Copy(cn, 2, 4, ROOT, cn2, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Copy(cn, 0x27, 8, ROOT, seL4_CapInitThreadTCB, DEPTH, seL4_AllRights));
    CHECK_TRUE(!slot_is_empty(cn2, 7, 4));
    CHECK_ERR(seL4_CNode_Copy(cn, 2, 4, ROOT, 1, DEPTH, seL4_AllRights), seL4_DeleteFirst);
    /* Depth 6: two bits left over after cn, not enough for cn2. */
    CHECK_ERR(seL4_CNode_Copy(cn, 0x9, 6, ROOT, 1, DEPTH, seL4_AllRights), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(1), seL4_DepthMismatch);
    CHECK_EQ(seL4_GetMR(2), 2); /* bits left */
    CHECK_EQ(seL4_GetMR(3), 4); /* bits cn2 would resolve */
}

static void test_lookup_through_non_cnode_is_depth_mismatch(void)
{
    seL4_CPtr cn = env_object(seL4_CapTableObject, 4);
    CHECK_OK(seL4_CNode_Copy(cn, 2, 4, ROOT, seL4_CapInitThreadTCB, DEPTH, seL4_AllRights));
    CHECK_ERR(seL4_CNode_Copy(cn, 0x21, 8, ROOT, 1, DEPTH, seL4_AllRights), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(1), seL4_DepthMismatch);
    CHECK_EQ(seL4_GetMR(2), 4); /* bits that were left at the TCB cap */
}

static void test_guard_too_large_for_radix_is_illegal(void)
{
    seL4_CPtr cn = env_object(seL4_CapTableObject, 4), dest = env_slot();
    CHECK_ERR(seL4_CNode_Mutate(ROOT, dest, DEPTH, ROOT, cn, DEPTH,
                                seL4_CNode_CapData_new(0, 61).words[0]),
              seL4_IllegalOperation);
    CHECK_OK(seL4_CNode_Mutate(ROOT, dest, DEPTH, ROOT, cn, DEPTH,
                               seL4_CNode_CapData_new(0, 60).words[0]));
}

/* CNodes of radix 2 and 3 tell apart which cap ended up where: slot 5 at
 * depth 3 exists only in the radix-3 one. (Rotate and Mutate rewrite the
 * cap data, which for endpoints is IllegalOperation, as in seL4.) */
static bool is_radix3_cnode(seL4_CPtr slot)
{
    seL4_CPtr tmp = env_slot();
    seL4_Error e = seL4_CNode_Copy(ROOT, tmp, DEPTH, slot, 5, 3, seL4_AllRights);
    return e == seL4_FailedLookup && seL4_GetMR(1) == seL4_MissingCapability;
}

static void test_rotate_moves_three_ways(void)
{
    seL4_CPtr a = env_object(seL4_CapTableObject, 2), b = env_object(seL4_CapTableObject, 3);
    seL4_CPtr dest = env_slot();
    /* src a -> pivot b's place, pivot b -> dest. */
    CHECK_OK(seL4_CNode_Rotate(ROOT, dest, DEPTH, 0, ROOT, b, DEPTH, 0, ROOT, a, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, a, DEPTH));
    CHECK_TRUE(is_radix3_cnode(dest));
    CHECK_TRUE(!is_radix3_cnode(b));
    CHECK_TRUE(!slot_is_empty(ROOT, b, DEPTH));
}

static void test_rotate_with_src_as_dest_swaps(void)
{
    seL4_CPtr a = env_object(seL4_CapTableObject, 2), b = env_object(seL4_CapTableObject, 3);
    CHECK_OK(seL4_CNode_Rotate(ROOT, a, DEPTH, 0, ROOT, b, DEPTH, 0, ROOT, a, DEPTH));
    CHECK_TRUE(is_radix3_cnode(a));
    CHECK_TRUE(!is_radix3_cnode(b));
}

static void test_rotate_of_endpoint_is_illegal_operation(void)
{
    seL4_CPtr a = env_object(seL4_EndpointObject, 0), b = env_object(seL4_CapTableObject, 3);
    CHECK_ERR(seL4_CNode_Rotate(ROOT, env_slot(), DEPTH, 0, ROOT, b, DEPTH, 0, ROOT, a, DEPTH),
              seL4_IllegalOperation);
}

static void test_rotate_pivot_equal_to_src_is_illegal(void)
{
    seL4_CPtr a = env_object(seL4_EndpointObject, 0), dest = env_slot();
    CHECK_ERR(seL4_CNode_Rotate(ROOT, dest, DEPTH, 0, ROOT, a, DEPTH, 0, ROOT, a, DEPTH),
              seL4_IllegalOperation);
}

static void test_rotate_into_occupied_dest_is_delete_first(void)
{
    seL4_CPtr a = env_object(seL4_EndpointObject, 0), b = env_object(seL4_EndpointObject, 0);
    seL4_CPtr c = env_object(seL4_EndpointObject, 0);
    CHECK_ERR(seL4_CNode_Rotate(ROOT, c, DEPTH, 0, ROOT, b, DEPTH, 0, ROOT, a, DEPTH),
              seL4_DeleteFirst);
}

static void test_rotate_empty_pivot_is_failed_lookup(void)
{
    seL4_CPtr a = env_object(seL4_EndpointObject, 0), b = env_slot(), dest = env_slot();
    CHECK_ERR(seL4_CNode_Rotate(ROOT, dest, DEPTH, 0, ROOT, b, DEPTH, 0, ROOT, a, DEPTH),
              seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 0);
}

static void test_delete_of_empty_slot_succeeds(void)
{
    CHECK_OK(seL4_CNode_Delete(ROOT, env_slot(), DEPTH));
}

static void test_delete_removes_the_cap(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0);
    CHECK_OK(seL4_CNode_Delete(ROOT, ep, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, ep, DEPTH));
}

static void test_delete_with_bad_index_is_failed_lookup(void)
{
    CHECK_ERR(seL4_CNode_Delete(ROOT, 1ul << 40, DEPTH), seL4_FailedLookup);
    CHECK_ERR(seL4_CNode_Revoke(ROOT, 5, 0), seL4_RangeError);
}

static void test_revoke_deletes_badged_descendants(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), b1 = env_slot(), b2 = env_slot();
    seL4_CPtr b1copy = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, b1, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 1));
    CHECK_OK(seL4_CNode_Mint(ROOT, b2, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 2));
    CHECK_OK(seL4_CNode_Copy(ROOT, b1copy, DEPTH, ROOT, b1, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, b1, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, b2, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, b1copy, DEPTH));
    CHECK_TRUE(!slot_is_empty(ROOT, ep, DEPTH));
}

static void test_revoke_of_badged_cap_keeps_other_badges(void)
{
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), b1 = env_slot(), b2 = env_slot();
    seL4_CPtr b1copy = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, b1, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 1));
    CHECK_OK(seL4_CNode_Copy(ROOT, b1copy, DEPTH, ROOT, b1, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Mint(ROOT, b2, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 2));
    CHECK_OK(seL4_CNode_Revoke(ROOT, b1, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, b1copy, DEPTH));
    CHECK_TRUE(!slot_is_empty(ROOT, b2, DEPTH));
    CHECK_TRUE(!slot_is_empty(ROOT, b1, DEPTH));
}

static void test_revoke_of_original_deletes_copies_but_not_of_copy(void)
{
    /* The cap retype made is revocable: plain copies are its children. A
     * copy is not revocable: revoking it leaves its own copies alone. */
    seL4_CPtr ep = env_object(seL4_EndpointObject, 0), c1 = env_slot(), c2 = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, c1, DEPTH, ROOT, ep, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Copy(ROOT, c2, DEPTH, ROOT, c1, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Revoke(ROOT, c1, DEPTH));
    CHECK_TRUE(!slot_is_empty(ROOT, c2, DEPTH));
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, c1, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, c2, DEPTH));
}

static void test_deleting_last_cnode_cap_deletes_its_contents(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), ep = env_slot(), copy = env_slot();
    seL4_CPtr cn = env_object(seL4_CapTableObject, 2);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, ep, 1));
    CHECK_OK(seL4_CNode_Move(cn, 1, 2, ROOT, ep, DEPTH));
    CHECK_ERR(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights),
              seL4_RevokeFirst);
    CHECK_OK(seL4_CNode_Delete(ROOT, cn, DEPTH));
    /* The endpoint inside went with the CNode: the untyped has no children. */
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights));
}

static void test_cnode_cycle_is_deleted_cleanly(void)
{
    seL4_CPtr a = env_object(seL4_CapTableObject, 2), b = env_object(seL4_CapTableObject, 2);
    CHECK_OK(seL4_CNode_Move(a, 0, 2, ROOT, b, DEPTH));        /* b lives in a */
    CHECK_OK(seL4_CNode_Copy(a, 0x1, 2, ROOT, a, DEPTH, seL4_AllRights)); /* a in a */
    CHECK_OK(seL4_CNode_Copy(ROOT, b, DEPTH, a, 0, 2, seL4_AllRights));   /* b again in root */
    CHECK_OK(seL4_CNode_Move(b, 3, 2, ROOT, a, DEPTH));         /* a's root cap into b */
    CHECK_OK(seL4_CNode_Delete(ROOT, b, DEPTH));
    /* Everything is unreachable now; revoking the untyped must reclaim it. */
    CHECK_OK(seL4_CNode_Revoke(ROOT, env_untyped, DEPTH));
    seL4_CPtr all = env_slot();
    CHECK_OK(seL4_Untyped_Retype(env_untyped, seL4_UntypedObject, env_untyped_bits, ROOT, 0, 0,
                                 all, 1));
}

static void test_cnode_holding_its_own_cap_is_reclaimed(void)
{
    seL4_CPtr cn = env_object(seL4_CapTableObject, 3);
    CHECK_OK(seL4_CNode_Move(cn, 5, 3, ROOT, cn, DEPTH));
    CHECK_TRUE(slot_is_empty(ROOT, cn, DEPTH));
    CHECK_OK(seL4_CNode_Revoke(ROOT, env_untyped, DEPTH));
    seL4_CPtr all = env_slot();
    CHECK_OK(seL4_Untyped_Retype(env_untyped, seL4_UntypedObject, env_untyped_bits, ROOT, 0, 0,
                                 all, 1));
}

static void test_deep_cnode_chain_deletes_without_overflow(void)
{
    /* 300 nested CNodes: deleting the outermost must not recurse. */
    seL4_CPtr outer = env_object(seL4_CapTableObject, 1), prev = outer;
    for (int i = 0; i < 300; i++) {
        seL4_CPtr next = env_object(seL4_CapTableObject, 1);
        if (!next)
            break;
        CHECK_OK(seL4_CNode_Move(prev, 0, 1, ROOT, next, DEPTH));
        CHECK_OK(seL4_CNode_Copy(ROOT, next, DEPTH, prev, 0, 1, seL4_AllRights));
        prev = next;
    }
    for (seL4_CPtr s = outer + 1; s <= prev; s++)
        seL4_CNode_Delete(ROOT, s, DEPTH);
    CHECK_OK(seL4_CNode_Delete(ROOT, outer, DEPTH));
    seL4_CPtr probe = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, probe, DEPTH, ROOT, env_untyped, DEPTH, seL4_AllRights));
}

static void test_save_caller_into_occupied_slot_is_delete_first(void)
{
    CHECK_ERR(seL4_CNode_SaveCaller(ROOT, seL4_CapInitThreadTCB, DEPTH), seL4_DeleteFirst);
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, env_slot(), DEPTH));
}

static void test_copy_of_cnode_cap_to_tcb_slot_root_keeps_tcb_working(void)
{
    /* Deleting the root CNode cap in slot 2 is not final: the TCB holds one. */
    seL4_CPtr saved = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, saved, DEPTH, ROOT, seL4_CapInitThreadCNode, DEPTH,
                             seL4_AllRights));
    CHECK_OK(seL4_CNode_Delete(ROOT, seL4_CapInitThreadCNode, DEPTH));
    /* The thread's CSpace still works: put the cap back through the copy. */
    CHECK_OK(seL4_CNode_Move(saved, seL4_CapInitThreadCNode, DEPTH, saved, saved, DEPTH));
    CHECK_TRUE(!slot_is_empty(ROOT, seL4_CapInitThreadCNode, DEPTH));
}

KTEST_LIST(cnode_tests) = {
    KTEST(test_invocation_labels_match_sel4),
    KTEST(test_copy_creates_usable_cnode_cap),
    KTEST(test_copy_to_occupied_slot_is_delete_first),
    KTEST(test_copy_from_empty_slot_reports_missing_source),
    KTEST(test_copy_with_zero_depth_is_range_error),
    KTEST(test_copy_with_too_large_depth_is_range_error),
    KTEST(test_short_depth_reports_guard_mismatch),
    KTEST(test_out_of_range_index_reports_guard_mismatch),
    KTEST(test_source_root_not_a_cnode_is_invalid_root),
    KTEST(test_invoking_empty_slot_is_invalid_capability),
    KTEST(test_cnode_call_on_tcb_is_illegal_operation),
    KTEST(test_non_cnode_label_on_cnode_is_illegal_operation),
    KTEST(test_short_message_is_truncated),
    KTEST(test_mint_badges_an_endpoint),
    KTEST(test_mint_of_badged_endpoint_is_illegal_operation),
    KTEST(test_mutate_of_endpoint_is_illegal_operation),
    KTEST(test_mint_masks_rights),
    KTEST(test_cancel_badged_sends_on_non_endpoint_is_illegal),
    KTEST(test_copy_of_untyped_with_children_is_revoke_first),
    KTEST(test_copy_of_irq_control_is_illegal_operation),
    KTEST(test_move_empties_the_source),
    KTEST(test_move_to_occupied_slot_is_delete_first),
    KTEST(test_moved_untyped_keeps_its_children),
    KTEST(test_mutate_sets_guard_used_by_lookups),
    KTEST(test_two_level_cspace_resolves_through_cnode),
    KTEST(test_lookup_through_non_cnode_is_depth_mismatch),
    KTEST(test_guard_too_large_for_radix_is_illegal),
    KTEST(test_rotate_moves_three_ways),
    KTEST(test_rotate_with_src_as_dest_swaps),
    KTEST(test_rotate_of_endpoint_is_illegal_operation),
    KTEST(test_rotate_pivot_equal_to_src_is_illegal),
    KTEST(test_rotate_into_occupied_dest_is_delete_first),
    KTEST(test_rotate_empty_pivot_is_failed_lookup),
    KTEST(test_delete_of_empty_slot_succeeds),
    KTEST(test_delete_removes_the_cap),
    KTEST(test_delete_with_bad_index_is_failed_lookup),
    KTEST(test_revoke_deletes_badged_descendants),
    KTEST(test_revoke_of_badged_cap_keeps_other_badges),
    KTEST(test_revoke_of_original_deletes_copies_but_not_of_copy),
    KTEST(test_deleting_last_cnode_cap_deletes_its_contents),
    KTEST(test_cnode_cycle_is_deleted_cleanly),
    KTEST(test_cnode_holding_its_own_cap_is_reclaimed),
    KTEST(test_deep_cnode_chain_deletes_without_overflow),
    KTEST(test_save_caller_into_occupied_slot_is_delete_first),
    KTEST(test_copy_of_cnode_cap_to_tcb_slot_root_keeps_tcb_working),
};
const unsigned n_cnode_tests = sizeof(cnode_tests) / sizeof(cnode_tests[0]);
