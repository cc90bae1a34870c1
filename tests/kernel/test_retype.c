// SPDX-License-Identifier: BSD-2-Clause
/*
 * seL4_Untyped_Retype (sel4test RETYPE and UNTYPED): every object type,
 * seL4's object sizes, the watermark and alignment, reuse after revoke,
 * device untyped rules, and every argument error with its details.
 */
#include "ktest.h"
#include <kaal/kdebug.h>

static seL4_Error retype(seL4_CPtr ut, seL4_Word type, seL4_Word bits, seL4_CPtr slot, seL4_Word n)
{
    return seL4_Untyped_Retype(ut, type, bits, ROOT, 0, 0, slot, n);
}

static void test_retype_makes_every_object_type(void)
{
    static const seL4_Word types[] = {
        seL4_UntypedObject, seL4_TCBObject, seL4_EndpointObject, seL4_NotificationObject,
        seL4_CapTableObject, seL4_X86_PDPTObject, seL4_X64_PML4Object, seL4_X86_4K,
        seL4_X86_LargePageObject, seL4_X86_PageTableObject, seL4_X86_PageDirectoryObject,
    };
    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        CHECK_OK(retype(env_untyped, types[i], types[i] == seL4_UntypedObject ? 12 : 4,
                        env_slot(), 1));
}

/* Exactly 2^(12 - bits) objects of 2^bits fit a 4 KiB untyped. */
static void check_object_bits(seL4_Word type, seL4_Word user_bits, unsigned bits)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12);
    seL4_CPtr first = env_slot();
    for (unsigned i = 1; i < (1u << (12 - bits)); i++)
        env_slot();
    CHECK_OK(retype(ut, type, user_bits, first, 1u << (12 - bits)));
    seL4_CPtr more = env_slot();
    CHECK_ERR(retype(ut, type, user_bits, more, 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 0); /* bytes left */
}

static void test_endpoint_is_16_bytes(void)
{
    check_object_bits(seL4_EndpointObject, 0, seL4_EndpointBits);
}

static void test_notification_is_32_bytes(void)
{
    check_object_bits(seL4_NotificationObject, 0, seL4_NotificationBits);
}

static void test_tcb_is_2k(void)
{
    check_object_bits(seL4_TCBObject, 0, seL4_TCBBits);
}

static void test_cnode_slot_is_32_bytes(void)
{
    check_object_bits(seL4_CapTableObject, 2, 2 + seL4_SlotBits);
}

static void test_paging_objects_are_4k(void)
{
    check_object_bits(seL4_X86_PageTableObject, 0, 12);
    check_object_bits(seL4_X64_PML4Object, 0, 12);
}

static void test_large_page_needs_2m(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 20);
    CHECK_ERR(retype(ut, seL4_X86_LargePageObject, 0, env_slot(), 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 1ul << 20);
    seL4_CPtr ut2 = env_object(seL4_UntypedObject, 21);
    CHECK_OK(retype(ut2, seL4_X86_LargePageObject, 0, env_slot(), 1));
}

static void test_invalid_type_is_invalid_argument_0(void)
{
    CHECK_ERR(retype(env_untyped, seL4_ObjectTypeCount, 0, env_slot(), 1), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_ERR(retype(env_untyped, ~0ul, 0, env_slot(), 1), seL4_InvalidArgument);
}

static void test_untyped_below_16_bytes_is_invalid_argument_1(void)
{
    CHECK_ERR(retype(env_untyped, seL4_UntypedObject, 3, env_slot(), 1), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetMR(0), 1);
}

static void test_cnode_of_size_zero_is_invalid_argument_1(void)
{
    CHECK_ERR(retype(env_untyped, seL4_CapTableObject, 0, env_slot(), 1), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetMR(0), 1);
}

static void test_huge_size_is_range_error(void)
{
    CHECK_ERR(retype(env_untyped, seL4_UntypedObject, 64, env_slot(), 1), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), seL4_MaxUntypedBits);
    CHECK_ERR(retype(env_untyped, seL4_UntypedObject, 48, env_slot(), 1), seL4_RangeError);
    CHECK_ERR(retype(env_untyped, seL4_CapTableObject, 43, env_slot(), 1), seL4_RangeError);
}

static void test_object_larger_than_untyped_is_not_enough_memory(void)
{
    CHECK_ERR(retype(env_untyped, seL4_UntypedObject, env_untyped_bits + 1, env_slot(), 1),
              seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 1ul << env_untyped_bits);
}

static void test_window_of_zero_is_range_error(void)
{
    CHECK_ERR(retype(env_untyped, seL4_EndpointObject, 0, env_slot(), 0), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_UntypedRetypeMaxObjects);
}

static void test_window_over_fan_out_limit_is_range_error(void)
{
    CHECK_ERR(retype(env_untyped, seL4_EndpointObject, 0, env_slot(), 257), seL4_RangeError);
}

static void test_window_past_cnode_end_is_range_error(void)
{
    seL4_Word last = (1ul << env_bi->initThreadCNodeSizeBits) - 1;
    CHECK_ERR(retype(env_untyped, seL4_EndpointObject, 0, last, 2), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), 1);
}

static void test_offset_past_cnode_end_is_range_error(void)
{
    seL4_Word n = 1ul << env_bi->initThreadCNodeSizeBits;
    CHECK_ERR(retype(env_untyped, seL4_EndpointObject, 0, n, 1), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), n - 1);
}

static void test_retype_into_occupied_slot_is_delete_first(void)
{
    seL4_CPtr a = env_slot(), b = env_slot();
    CHECK_OK(retype(env_untyped, seL4_EndpointObject, 0, b, 1));
    CHECK_ERR(retype(env_untyped, seL4_EndpointObject, 0, a, 2), seL4_DeleteFirst);
}

static void test_destination_not_a_cnode_is_failed_lookup(void)
{
    CHECK_ERR(seL4_Untyped_Retype(env_untyped, seL4_EndpointObject, 0, ROOT,
                                  seL4_CapInitThreadTCB, DEPTH, 0, 1),
              seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), seL4_MissingCapability);
    /* Root argument that is not a CNode at depth 0. */
    CHECK_ERR(seL4_Untyped_Retype(env_untyped, seL4_EndpointObject, 0, seL4_CapInitThreadTCB, 0,
                                  0, env_slot(), 1),
              seL4_FailedLookup);
}

static void test_retype_into_other_cnode_by_path(void)
{
    seL4_CPtr cn = env_object(seL4_CapTableObject, 4);
    CHECK_OK(seL4_Untyped_Retype(env_untyped, seL4_EndpointObject, 0, ROOT, cn, DEPTH, 3, 2));
    CHECK_ERR(seL4_CNode_Delete(cn, 3, 4), seL4_NoError);
    CHECK_ERR(seL4_Untyped_Retype(env_untyped, seL4_EndpointObject, 0, ROOT, cn, DEPTH, 4, 1),
              seL4_DeleteFirst);
}

static void test_bad_node_depth_is_range_error(void)
{
    CHECK_ERR(seL4_Untyped_Retype(env_untyped, seL4_EndpointObject, 0, ROOT, ROOT, 65, 0, 1),
              seL4_RangeError);
}

static void test_retype_message_too_short_is_truncated(void)
{
    seL4_SetCap(0, ROOT);
    seL4_SetMR(4, env_slot());
    CHECK_ERR(seL4__simple_call(env_untyped, UntypedRetype, 1, 5, seL4_EndpointObject, 0, 0, 0),
              seL4_TruncatedMessage);
    seL4_SetMR(5, 1);
    CHECK_ERR(seL4__simple_call(env_untyped, UntypedRetype, 0, 6, seL4_EndpointObject, 0, 0, 0),
              seL4_TruncatedMessage);
}

static void test_untyped_other_label_is_illegal_operation(void)
{
    CHECK_ERR(seL4__simple_call(env_untyped, CNodeCopy, 0, 0, 0, 0, 0, 0), seL4_IllegalOperation);
}

static void test_device_untyped_cannot_hold_kernel_objects(void)
{
    unsigned bits;
    seL4_CPtr dev = env_device_untyped(&bits);
    CHECK_TRUE(dev != 0);
    CHECK_ERR(retype(dev, seL4_TCBObject, 0, env_slot(), 1), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_ERR(retype(dev, seL4_X86_PageTableObject, 0, env_slot(), 1), seL4_InvalidArgument);
    CHECK_ERR(retype(dev, seL4_CapTableObject, 1, env_slot(), 1), seL4_InvalidArgument);
}

static void test_device_untyped_makes_frames_and_untypeds(void)
{
    unsigned bits;
    seL4_CPtr dev = env_device_untyped(&bits);
    seL4_CPtr f = env_slot(), sub = env_slot();
    CHECK_OK(retype(dev, seL4_X86_4K, 0, f, 1));
    CHECK_OK(retype(dev, seL4_UntypedObject, 12, sub, 1));
    /* The child untyped is device memory too. */
    CHECK_ERR(retype(sub, seL4_EndpointObject, 0, env_slot(), 1), seL4_InvalidArgument);
    seL4_X86_Page_GetAddress_t ga = seL4_X86_Page_GetAddress(f);
    CHECK_OK(ga.error);
    CHECK_EQ(ga.paddr, env_bi->untypedList[dev - env_bi->untyped.start].paddr);
    CHECK_OK(seL4_CNode_Revoke(ROOT, dev, DEPTH));
}

static void test_objects_are_aligned_to_their_size(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 13);
    seL4_CPtr ep = env_slot(), f = env_slot(), f0 = env_slot();
    CHECK_OK(retype(ut, seL4_EndpointObject, 0, ep, 1));
    CHECK_OK(retype(ut, seL4_X86_4K, 0, f, 1));
    /* The frame went to the second page, the only aligned place left. */
    CHECK_ERR(retype(ut, seL4_X86_4K, 0, f0, 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 0);
    seL4_X86_Page_GetAddress_t a = seL4_X86_Page_GetAddress(f);
    CHECK_EQ(a.paddr & 0x1fff, 0x1000);
}

static void test_revoke_resets_the_watermark(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), f = env_slot();
    CHECK_OK(retype(ut, seL4_X86_4K, 0, f, 1));
    seL4_Word paddr = seL4_X86_Page_GetAddress(f).paddr;
    CHECK_ERR(retype(ut, seL4_X86_4K, 0, env_slot(), 1), seL4_NotEnoughMemory);
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, DEPTH));
    CHECK_OK(retype(ut, seL4_X86_4K, 0, f, 1));
    CHECK_EQ(seL4_X86_Page_GetAddress(f).paddr, paddr);
}

static void test_deleting_all_children_resets_the_watermark(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), a = env_slot(), b = env_slot();
    CHECK_OK(retype(ut, seL4_TCBObject, 0, a, 2));
    CHECK_ERR(retype(ut, seL4_EndpointObject, 0, env_slot(), 1), seL4_NotEnoughMemory);
    CHECK_OK(seL4_CNode_Delete(ROOT, a, DEPTH));
    /* One TCB is left: the watermark stays. */
    CHECK_ERR(retype(ut, seL4_EndpointObject, 0, env_slot(), 1), seL4_NotEnoughMemory);
    CHECK_OK(seL4_CNode_Delete(ROOT, b, DEPTH));
    CHECK_OK(retype(ut, seL4_X86_4K, 0, a, 1));
}

static void test_retype_fills_consecutive_slots(void)
{
    seL4_CPtr first = env_slot();
    for (int i = 0; i < 3; i++)
        env_slot();
    CHECK_OK(retype(env_untyped, seL4_EndpointObject, 0, first, 4));
    for (int i = 0; i < 4; i++)
        CHECK_ERR(seL4_CNode_CancelBadgedSends(ROOT, first + i, DEPTH), seL4_NoError);
}

static void test_new_frames_are_zeroed(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12);
    seL4_Word va = ENV_VADDR;
    env_map_tables(va);
    seL4_CPtr f = env_slot();
    CHECK_OK(retype(ut, seL4_X86_4K, 0, f, 1));
    CHECK_OK(seL4_X86_Page_Map(f, seL4_CapInitThreadVSpace, va, seL4_ReadWrite,
                               seL4_X86_Default_VMAttributes));
    volatile seL4_Word *p = (volatile seL4_Word *)va;
    p[0] = 0xdeadbeef;
    p[511] = 0x1234;
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, DEPTH));
    CHECK_OK(retype(ut, seL4_X86_4K, 0, f, 1));
    CHECK_OK(seL4_X86_Page_Map(f, seL4_CapInitThreadVSpace, va, seL4_ReadWrite,
                               seL4_X86_Default_VMAttributes));
    CHECK_EQ(p[0], 0);
    CHECK_EQ(p[511], 0);
}

static void test_untyped_copy_cannot_retype_over_parent_children(void)
{
    /* A copy of an untyped (made while childless) starts its own
     * watermark only when it has no children of its own; seL4 semantics. */
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), copy = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights));
    CHECK_OK(retype(copy, seL4_EndpointObject, 0, env_slot(), 1));
    CHECK_ERR(seL4_CNode_Copy(ROOT, env_slot(), DEPTH, ROOT, copy, DEPTH, seL4_AllRights),
              seL4_RevokeFirst);
}

/* Frames retyped from an untyped and from a copy of it: the kernel must
 * never hand out the same memory twice (seL4's setUntypedCapAsFull). */
static void test_untyped_copy_leaves_the_original_full(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 16), copy = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights));
    CHECK_ERR(retype(ut, seL4_X86_4K, 0, env_slot(), 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 0); /* memory left */
    CHECK_OK(retype(copy, seL4_X86_4K, 0, env_slot(), 1));
}

static void test_untyped_and_its_copy_never_share_memory(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 14), copy = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights));
    seL4_CPtr from_copy = env_slot(), from_ut = env_slot();
    CHECK_OK(retype(copy, seL4_X86_4K, 0, from_copy, 1));
    seL4_Error e = retype(ut, seL4_X86_4K, 0, from_ut, 1);
    if (e == seL4_NoError)
        CHECK_TRUE(seL4_X86_Page_GetAddress(from_ut).paddr !=
                   seL4_X86_Page_GetAddress(from_copy).paddr);
    CHECK_ERR(e, seL4_NotEnoughMemory);
    kaal_ObjectCheck c = kaal_DebugCheckObjects(env_untyped);
    CHECK_OK(c.error);
    CHECK_EQ(c.conflicts, 0);
    CHECK_TRUE(c.caps >= 1); /* at least the frame made from the copy */
}

static void test_mint_of_an_untyped_leaves_the_original_full(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), minted = env_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, minted, DEPTH, ROOT, ut, DEPTH, seL4_AllRights, 7));
    CHECK_ERR(retype(ut, seL4_EndpointObject, 0, env_slot(), 1), seL4_NotEnoughMemory);
    CHECK_OK(retype(minted, seL4_EndpointObject, 0, env_slot(), 1));
}

static void test_original_untyped_is_usable_once_its_copy_is_gone(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), copy = env_slot(), f = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Delete(ROOT, copy, DEPTH));
    /* No children any more: the retype starts from the bottom again. */
    CHECK_OK(retype(ut, seL4_X86_4K, 0, f, 1));
    CHECK_EQ(seL4_X86_Page_GetAddress(f).paddr & 0xfff, 0);
}

static void test_objects_of_a_deleted_copy_keep_the_original_full_until_revoke(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), copy = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights));
    CHECK_OK(retype(copy, seL4_X86_4K, 0, env_slot(), 1));
    CHECK_OK(seL4_CNode_Delete(ROOT, copy, DEPTH));
    /* The frame lives on below ut: ut must not hand its memory out again. */
    CHECK_ERR(retype(ut, seL4_X86_4K, 0, env_slot(), 1), seL4_NotEnoughMemory);
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, DEPTH));
    CHECK_OK(retype(ut, seL4_X86_4K, 0, env_slot(), 1));
}

static void test_object_check_rejects_a_cap_that_does_not_resolve(void)
{
    CHECK_ERR(kaal_DebugCheckObjects(env_slot()).error, seL4_InvalidCapability);
    kaal_ObjectCheck all = kaal_DebugCheckObjects(seL4_CapNull);
    CHECK_OK(all.error);
    CHECK_EQ(all.conflicts, 0);
    CHECK_TRUE(all.caps > 10); /* the whole kernel: our image's frames at least */
}

static void test_full_size_retype_after_revoke(void)
{
    seL4_CPtr a = env_slot();
    CHECK_OK(retype(env_untyped, seL4_EndpointObject, 0, a, 1));
    CHECK_OK(seL4_CNode_Revoke(ROOT, env_untyped, DEPTH));
    CHECK_OK(retype(env_untyped, seL4_UntypedObject, env_untyped_bits, env_slot(), 1));
}

KTEST_LIST(retype_tests) = {
    KTEST(test_retype_makes_every_object_type),
    KTEST(test_endpoint_is_16_bytes),
    KTEST(test_notification_is_32_bytes),
    KTEST(test_tcb_is_2k),
    KTEST(test_cnode_slot_is_32_bytes),
    KTEST(test_paging_objects_are_4k),
    KTEST(test_large_page_needs_2m),
    KTEST(test_invalid_type_is_invalid_argument_0),
    KTEST(test_untyped_below_16_bytes_is_invalid_argument_1),
    KTEST(test_cnode_of_size_zero_is_invalid_argument_1),
    KTEST(test_huge_size_is_range_error),
    KTEST(test_object_larger_than_untyped_is_not_enough_memory),
    KTEST(test_window_of_zero_is_range_error),
    KTEST(test_window_over_fan_out_limit_is_range_error),
    KTEST(test_window_past_cnode_end_is_range_error),
    KTEST(test_offset_past_cnode_end_is_range_error),
    KTEST(test_retype_into_occupied_slot_is_delete_first),
    KTEST(test_destination_not_a_cnode_is_failed_lookup),
    KTEST(test_retype_into_other_cnode_by_path),
    KTEST(test_bad_node_depth_is_range_error),
    KTEST(test_retype_message_too_short_is_truncated),
    KTEST(test_untyped_other_label_is_illegal_operation),
    KTEST(test_device_untyped_cannot_hold_kernel_objects),
    KTEST(test_device_untyped_makes_frames_and_untypeds),
    KTEST(test_objects_are_aligned_to_their_size),
    KTEST(test_revoke_resets_the_watermark),
    KTEST(test_deleting_all_children_resets_the_watermark),
    KTEST(test_retype_fills_consecutive_slots),
    KTEST(test_new_frames_are_zeroed),
    KTEST(test_untyped_copy_cannot_retype_over_parent_children),
    KTEST(test_untyped_copy_leaves_the_original_full),
    KTEST(test_untyped_and_its_copy_never_share_memory),
    KTEST(test_mint_of_an_untyped_leaves_the_original_full),
    KTEST(test_original_untyped_is_usable_once_its_copy_is_gone),
    KTEST(test_objects_of_a_deleted_copy_keep_the_original_full_until_revoke),
    KTEST(test_object_check_rejects_a_cap_that_does_not_resolve),
    KTEST(test_full_size_retype_after_revoke),
};
const unsigned n_retype_tests = sizeof(retype_tests) / sizeof(retype_tests[0]);
