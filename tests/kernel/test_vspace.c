// SPDX-License-Identifier: BSD-2-Clause
/*
 * x86_64 VSpace (sel4test VSPACE and friends): mapping paging structures
 * and frames into the root task's own VSpace and into new ones, the errors
 * of every bad map (missing level, occupied level, misalignment, kernel
 * addresses, wrong cap types, unassigned VSpaces), remapping, copies,
 * GetAddress, ASID pools, and that unmapping really takes effect (the TLB
 * is flushed: a new frame at the same address shows its own contents).
 */
#include "ktest.h"
#include <kaal/kdebug.h>

#define VS seL4_CapInitThreadVSpace
#define ATTR seL4_X86_Default_VMAttributes

static seL4_CPtr frame(void)
{
    return env_object(seL4_X86_4K, 0);
}

static void test_map_frame_and_use_it(void)
{
    seL4_CPtr f = env_mapped_frame(ENV_VADDR);
    volatile seL4_Word *p = (volatile seL4_Word *)ENV_VADDR;
    p[3] = 0x5a5a;
    CHECK_EQ(p[3], 0x5a5a);
    (void)f;
}

static void test_map_without_page_table_is_failed_lookup(void)
{
    seL4_CPtr f = frame();
    CHECK_ERR(seL4_X86_Page_Map(f, VS, ENV_VADDR, seL4_ReadWrite, ATTR), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), seL4_MissingCapability);
    CHECK_EQ(seL4_GetMR(2), 39); /* no PDPT: the PML4 level is missing */
}

static void test_map_page_table_without_directory_is_failed_lookup(void)
{
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, VS, ENV_VADDR, ATTR));
    CHECK_ERR(seL4_X86_PageTable_Map(pt, VS, ENV_VADDR, ATTR), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(2), 30);
}

static void test_page_table_over_existing_is_delete_first(void)
{
    env_map_tables(ENV_VADDR);
    seL4_CPtr pt2 = env_object(seL4_X86_PageTableObject, 0);
    CHECK_ERR(seL4_X86_PageTable_Map(pt2, VS, ENV_VADDR + 0x1000, ATTR), seL4_DeleteFirst);
}

static void test_page_directory_over_existing_is_delete_first(void)
{
    /* The root task's image has a page directory at 0. */
    seL4_CPtr pd = env_object(seL4_X86_PageDirectoryObject, 0);
    CHECK_ERR(seL4_X86_PageDirectory_Map(pd, VS, 0, ATTR), seL4_DeleteFirst);
}

static void test_pdpt_over_existing_is_delete_first(void)
{
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    CHECK_ERR(seL4_X86_PDPT_Map(pdpt, VS, 0x400000, ATTR), seL4_DeleteFirst);
}

static void test_map_misaligned_is_alignment_error(void)
{
    env_map_tables(ENV_VADDR);
    seL4_CPtr f = frame();
    CHECK_ERR(seL4_X86_Page_Map(f, VS, ENV_VADDR + 0x800, seL4_ReadWrite, ATTR),
              seL4_AlignmentError);
}

static void test_map_kernel_address_is_invalid_argument(void)
{
    seL4_CPtr f = frame();
    CHECK_ERR(seL4_X86_Page_Map(f, VS, 0xffff800000000000ul, seL4_ReadWrite, ATTR),
              seL4_InvalidArgument);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_ERR(seL4_X86_Page_Map(f, VS, 0x7ffffffff000ul, seL4_ReadWrite, ATTR),
              seL4_InvalidArgument);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_ERR(seL4_X86_PageTable_Map(pt, VS, 0xffffffff80000000ul, ATTR), seL4_InvalidArgument);
}

static void test_map_into_non_vspace_is_invalid_capability(void)
{
    seL4_CPtr f = frame();
    CHECK_ERR(seL4_X86_Page_Map(f, seL4_CapInitThreadTCB, ENV_VADDR, seL4_ReadWrite, ATTR),
              seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 1);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_ERR(seL4_X86_PageTable_Map(pt, f, ENV_VADDR, ATTR), seL4_InvalidCapability);
}

static void test_map_into_unassigned_vspace_is_invalid_capability(void)
{
    seL4_CPtr pml4 = env_object(seL4_X64_PML4Object, 0);
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    CHECK_ERR(seL4_X86_PDPT_Map(pdpt, pml4, ENV_VADDR, ATTR), seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 1);
}

static void test_map_without_vspace_cap_is_truncated(void)
{
    seL4_CPtr f = frame();
    CHECK_ERR(seL4__simple_call(f, X86PageMap, 0, 3, ENV_VADDR, seL4_ReadWrite.words[0], 0, 0),
              seL4_TruncatedMessage);
    seL4_SetCap(0, VS);
    CHECK_ERR(seL4__simple_call(f, X86PageMap, 1, 2, ENV_VADDR, seL4_ReadWrite.words[0], 0, 0),
              seL4_TruncatedMessage);
}

static void test_frame_mapped_elsewhere_is_invalid_argument(void)
{
    seL4_CPtr f = env_mapped_frame(ENV_VADDR);
    CHECK_ERR(seL4_X86_Page_Map(f, VS, ENV_VADDR + 0x1000, seL4_ReadWrite, ATTR),
              seL4_InvalidArgument);
}

static void test_remap_at_same_address_is_allowed(void)
{
    seL4_CPtr f = env_mapped_frame(ENV_VADDR);
    CHECK_OK(seL4_X86_Page_Map(f, VS, ENV_VADDR, seL4_CanRead, ATTR));
    CHECK_EQ(*(volatile seL4_Word *)ENV_VADDR, 0);
}

static void test_frame_copy_maps_the_same_memory_twice(void)
{
    seL4_CPtr f = env_mapped_frame(ENV_VADDR), copy = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, f, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_X86_Page_Map(copy, VS, ENV_VADDR + 0x1000, seL4_ReadWrite, ATTR));
    *(volatile seL4_Word *)ENV_VADDR = 77;
    CHECK_EQ(*(volatile seL4_Word *)(ENV_VADDR + 0x1000), 77);
}

static void test_unmap_then_new_frame_shows_its_own_contents(void)
{
    seL4_CPtr a = env_mapped_frame(ENV_VADDR), b = frame();
    volatile seL4_Word *p = (volatile seL4_Word *)ENV_VADDR;
    p[0] = 0x1111;
    CHECK_OK(seL4_X86_Page_Unmap(a));
    CHECK_OK(seL4_X86_Page_Map(b, VS, ENV_VADDR, seL4_ReadWrite, ATTR));
    CHECK_EQ(p[0], 0); /* a stale TLB entry would still show 0x1111 */
    CHECK_OK(seL4_X86_Page_Unmap(b));
    CHECK_OK(seL4_X86_Page_Map(a, VS, ENV_VADDR, seL4_ReadWrite, ATTR));
    CHECK_EQ(p[0], 0x1111);
}

static void test_deleting_frame_cap_unmaps_it(void)
{
    seL4_CPtr a = env_mapped_frame(ENV_VADDR), b = frame();
    volatile seL4_Word *p = (volatile seL4_Word *)ENV_VADDR;
    p[0] = 0x2222;
    CHECK_OK(seL4_CNode_Delete(ROOT, a, DEPTH));
    CHECK_OK(seL4_X86_Page_Map(b, VS, ENV_VADDR, seL4_ReadWrite, ATTR));
    CHECK_EQ(p[0], 0);
}

static void test_unmap_of_unmapped_frame_succeeds(void)
{
    CHECK_OK(seL4_X86_Page_Unmap(frame()));
}

static void test_get_address_returns_physical_address(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12), f = env_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT, 0, 0, f, 1));
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(f);
    CHECK_OK(r.error);
    /* env_untyped's first child lands at its base. */
    CHECK_EQ(r.paddr, env_untyped_paddr);
}

static void test_get_address_of_boot_frame(void)
{
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(seL4_CapBootInfoFrame);
    CHECK_OK(r.error);
    CHECK_TRUE(r.paddr != 0 && (r.paddr & 0xfff) == 0);
}

static void test_frame_invalid_label_is_illegal_operation(void)
{
    CHECK_ERR(seL4__simple_call(frame(), X86PageTableMap, 0, 0, 0, 0, 0, 0),
              seL4_IllegalOperation);
    CHECK_ERR(seL4__simple_call(VS, X86PageMap, 0, 0, 0, 0, 0, 0), seL4_IllegalOperation);
}

static void test_large_page_maps_into_page_directory(void)
{
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = env_object(seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr lp = env_object(seL4_X86_LargePageObject, 0);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, VS, ENV_VADDR, ATTR));
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, VS, ENV_VADDR, ATTR));
    CHECK_ERR(seL4_X86_Page_Map(lp, VS, ENV_VADDR + 0x1000, seL4_ReadWrite, ATTR),
              seL4_AlignmentError);
    CHECK_OK(seL4_X86_Page_Map(lp, VS, ENV_VADDR + 0x200000, seL4_ReadWrite, ATTR));
    volatile seL4_Word *p = (volatile seL4_Word *)(ENV_VADDR + 0x200000);
    p[0] = 1;
    p[(0x200000 - 8) / 8] = 2;
    CHECK_EQ(p[0] + p[(0x200000 - 8) / 8], 3);
}

static void test_large_page_over_page_table_is_delete_first(void)
{
    env_map_tables(ENV_VADDR);
    seL4_CPtr lp = env_object(seL4_X86_LargePageObject, 0);
    CHECK_ERR(seL4_X86_Page_Map(lp, VS, ENV_VADDR, seL4_ReadWrite, ATTR), seL4_DeleteFirst);
}

static void test_page_table_over_large_page_is_delete_first(void)
{
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = env_object(seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr lp = env_object(seL4_X86_LargePageObject, 0);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, VS, ENV_VADDR, ATTR));
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, VS, ENV_VADDR, ATTR));
    CHECK_OK(seL4_X86_Page_Map(lp, VS, ENV_VADDR, seL4_ReadWrite, ATTR));
    CHECK_ERR(seL4_X86_PageTable_Map(pt, VS, ENV_VADDR, ATTR), seL4_DeleteFirst);
    /* A 4 KiB page cannot go below a large page either. */
    CHECK_ERR(seL4_X86_Page_Map(frame(), VS, ENV_VADDR, seL4_ReadWrite, ATTR), seL4_FailedLookup);
}

static void test_mapped_page_table_cannot_be_mapped_again(void)
{
    env_map_tables(ENV_VADDR);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_OK(seL4_X86_PageTable_Map(pt, VS, ENV_VADDR + 0x200000, ATTR));
    CHECK_ERR(seL4_X86_PageTable_Map(pt, VS, ENV_VADDR + 0x400000, ATTR), seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 0);
}

static void test_page_table_unmap_and_remap_elsewhere(void)
{
    seL4_CPtr f = env_mapped_frame(ENV_VADDR);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_OK(seL4_X86_PageTable_Map(pt, VS, ENV_VADDR + 0x200000, ATTR));
    CHECK_OK(seL4_X86_PageTable_Unmap(pt));
    CHECK_ERR(seL4_X86_Page_Map(frame(), VS, ENV_VADDR + 0x200000, seL4_ReadWrite, ATTR),
              seL4_FailedLookup);
    CHECK_OK(seL4_X86_PageTable_Map(pt, VS, ENV_VADDR + 0x400000, ATTR));
    (void)f;
}

static void test_page_table_unmap_with_copies_is_revoke_first(void)
{
    env_map_tables(ENV_VADDR);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0), copy = env_slot();
    CHECK_OK(seL4_X86_PageTable_Map(pt, VS, ENV_VADDR + 0x200000, ATTR));
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, pt, DEPTH, seL4_AllRights));
    CHECK_ERR(seL4_X86_PageTable_Unmap(pt), seL4_RevokeFirst);
    CHECK_OK(seL4_CNode_Delete(ROOT, copy, DEPTH));
    CHECK_OK(seL4_X86_PageTable_Unmap(pt));
}

static void test_copy_of_unmapped_page_table_is_illegal_operation(void)
{
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_ERR(seL4_CNode_Copy(ROOT, env_slot(), DEPTH, ROOT, pt, DEPTH, seL4_AllRights),
              seL4_IllegalOperation);
    seL4_CPtr pml4 = env_object(seL4_X64_PML4Object, 0);
    CHECK_ERR(seL4_CNode_Copy(ROOT, env_slot(), DEPTH, ROOT, pml4, DEPTH, seL4_AllRights),
              seL4_IllegalOperation);
}

static void test_deleting_page_table_removes_its_mappings(void)
{
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = env_object(seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, VS, ENV_VADDR, ATTR));
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, VS, ENV_VADDR, ATTR));
    CHECK_OK(seL4_X86_PageTable_Map(pt, VS, ENV_VADDR, ATTR));
    CHECK_OK(seL4_X86_Page_Map(frame(), VS, ENV_VADDR, seL4_ReadWrite, ATTR));
    CHECK_OK(seL4_CNode_Delete(ROOT, pt, DEPTH));
    /* The directory entry is free again, and the old frame is not reachable. */
    CHECK_ERR(seL4_X86_Page_Map(frame(), VS, ENV_VADDR, seL4_ReadWrite, ATTR), seL4_FailedLookup);
    seL4_CPtr pt2 = env_object(seL4_X86_PageTableObject, 0);
    CHECK_OK(seL4_X86_PageTable_Map(pt2, VS, ENV_VADDR, ATTR));
}

static void test_new_vspace_assigned_from_pool_accepts_mappings(void)
{
    seL4_CPtr pml4 = env_object(seL4_X64_PML4Object, 0);
    CHECK_OK(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4));
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    seL4_CPtr pd = env_object(seL4_X86_PageDirectoryObject, 0);
    seL4_CPtr pt = env_object(seL4_X86_PageTableObject, 0);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, pml4, 0x400000, ATTR));
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, pml4, 0x400000, ATTR));
    CHECK_OK(seL4_X86_PageTable_Map(pt, pml4, 0x400000, ATTR));
    CHECK_OK(seL4_X86_Page_Map(frame(), pml4, 0x400000, seL4_ReadWrite, ATTR));
    /* A table mapped in one VSpace is not usable with another. */
    CHECK_ERR(seL4_X86_PageTable_Map(pt, VS, 0x400000, ATTR), seL4_InvalidCapability);
}

static void test_frame_mapped_in_other_vspace_is_invalid_capability(void)
{
    seL4_CPtr pml4 = env_object(seL4_X64_PML4Object, 0);
    CHECK_OK(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4));
    seL4_CPtr f = env_mapped_frame(ENV_VADDR);
    CHECK_ERR(seL4_X86_Page_Map(f, pml4, ENV_VADDR, seL4_ReadWrite, ATTR), seL4_InvalidCapability);
}

static void test_assign_twice_is_invalid_capability(void)
{
    seL4_CPtr pml4 = env_object(seL4_X64_PML4Object, 0);
    CHECK_OK(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4));
    CHECK_ERR(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4), seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_ERR(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, seL4_CapInitThreadTCB),
              seL4_InvalidCapability);
}

static void test_deleted_vspace_frees_its_asid(void)
{
    /* 600 create/assign/delete rounds: more than a pool has ASIDs. */
    for (int i = 0; i < 600 && !ktest_failure[0]; i++) {
        seL4_CPtr pml4 = env_object(seL4_X64_PML4Object, 0);
        CHECK_OK(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4));
        CHECK_OK(seL4_CNode_Delete(ROOT, pml4, DEPTH));
        CHECK_OK(seL4_CNode_Revoke(ROOT, env_untyped, DEPTH));
    }
}

static void test_make_pool_and_assign_from_it(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, seL4_ASIDPoolBits), pool = env_slot();
    CHECK_OK(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, pool, DEPTH));
    seL4_CPtr pml4 = env_object(seL4_X64_PML4Object, 0);
    CHECK_OK(seL4_X86_ASIDPool_Assign(pool, pml4));
    seL4_CPtr pdpt = env_object(seL4_X86_PDPTObject, 0);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, pml4, 0, ATTR));
    /* The untyped is used up by the pool. */
    CHECK_ERR(seL4_CNode_Copy(ROOT, env_slot(), DEPTH, ROOT, ut, DEPTH, seL4_AllRights),
              seL4_RevokeFirst);
}

static void test_make_pool_from_wrong_untyped_is_invalid_capability(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 13);
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, env_slot(), DEPTH),
              seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, seL4_CapInitThreadTCB, ROOT,
                                            env_slot(), DEPTH),
              seL4_InvalidCapability);
}

static void test_make_pool_from_used_untyped_is_revoke_first(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, env_slot(), 1));
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, env_slot(), DEPTH),
              seL4_RevokeFirst);
}

static void test_make_pool_into_occupied_slot_is_delete_first(void)
{
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12);
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, seL4_CapInitThreadTCB,
                                            DEPTH),
              seL4_DeleteFirst);
}

static void test_asid_pools_run_out_then_come_back(void)
{
    /* 8 pools exist; the boot pool is one. */
    seL4_CPtr pools[8];
    int made = 0;
    seL4_Error e = seL4_NoError;
    for (int i = 0; i < 8; i++) {
        seL4_CPtr ut = env_object(seL4_UntypedObject, 12);
        pools[i] = env_slot();
        e = seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, pools[i], DEPTH);
        if (e != seL4_NoError)
            break;
        made++;
    }
    CHECK_EQ(made, 7);
    CHECK_ERR(e, seL4_DeleteFirst);
    CHECK_OK(seL4_CNode_Delete(ROOT, pools[0], DEPTH));
    seL4_CPtr ut = env_object(seL4_UntypedObject, 12);
    CHECK_OK(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT, env_slot(), DEPTH));
}

static void test_asid_control_other_label_is_illegal_operation(void)
{
    CHECK_ERR(seL4__simple_call(seL4_CapASIDControl, X86ASIDPoolAssign, 0, 0, 0, 0, 0, 0),
              seL4_IllegalOperation);
    CHECK_ERR(seL4__simple_call(seL4_CapInitThreadASIDPool, X86ASIDControlMakePool, 0, 0, 0, 0, 0,
                                0),
              seL4_IllegalOperation);
}

/* Leaf paging-entry bits (Intel SDM 4.5, table 4-19), as
 * kaal_DebugPageEntry returns the entry. */
#define PTE_W    (1ul << 1)
#define PTE_U    (1ul << 2)
#define PTE_PWT  (1ul << 3)
#define PTE_PCD  (1ul << 4)
#define PTE_ADDR 0x000ffffffffff000ul

/* The entry the MMU uses for vaddr, checked to be a present 4 KiB PTE. */
static seL4_Word pte_of(seL4_Word vaddr)
{
    kaal_PageEntry e = kaal_DebugPageEntry(vaddr);
    CHECK_OK(e.error);
    CHECK_EQ(e.level, 0);
    CHECK_EQ(e.entry & 1, 1);
    return e.entry;
}

static seL4_Word memory_type_of(seL4_Word vaddr)
{
    return kaal_DebugPageEntry(vaddr).memory_type;
}

static void test_cache_attributes_map_usable_memory(void)
{
    /* The attribute must reach the PTE: with the power-on PAT (entries 0-3
     * WB, WT, UC-, UC; SDM 11.12.4), PWT alone selects write-through and
     * PCD alone uncached. */
    env_map_tables(ENV_VADDR);
    seL4_CPtr a = frame(), b = frame(), c = frame(), d = frame(), e = frame();
    CHECK_OK(seL4_X86_Page_Map(a, VS, ENV_VADDR, seL4_ReadWrite, seL4_X86_CacheDisabled));
    CHECK_OK(seL4_X86_Page_Map(b, VS, ENV_VADDR + 0x1000, seL4_ReadWrite, seL4_X86_WriteThrough));
    CHECK_OK(seL4_X86_Page_Map(c, VS, ENV_VADDR + 0x2000, seL4_ReadWrite, ATTR));
    CHECK_OK(seL4_X86_Page_Map(d, VS, ENV_VADDR + 0x3000, seL4_ReadWrite,
                               seL4_X86_WriteCombining));
    CHECK_OK(seL4_X86_Page_Map(e, VS, ENV_VADDR + 0x4000, seL4_ReadWrite,
                               seL4_X86_CacheDisabled | seL4_X86_WriteThrough));
    /* And the memory type the CPU then uses, through the PAT as the kernel
     * set it up (entry 4 write-combining, as seL4's init_pat_msr). */
    CHECK_EQ(memory_type_of(ENV_VADDR), KAAL_MEMTYPE_UC_MINUS);
    CHECK_EQ(memory_type_of(ENV_VADDR + 0x1000), KAAL_MEMTYPE_WT);
    CHECK_EQ(memory_type_of(ENV_VADDR + 0x2000), KAAL_MEMTYPE_WB);
    CHECK_EQ(memory_type_of(ENV_VADDR + 0x3000), KAAL_MEMTYPE_WC);
    CHECK_EQ(memory_type_of(ENV_VADDR + 0x4000), KAAL_MEMTYPE_UC);
    *(volatile seL4_Word *)ENV_VADDR = 9;
    *(volatile seL4_Word *)(ENV_VADDR + 0x1000) = 10;
    CHECK_EQ(*(volatile seL4_Word *)ENV_VADDR + *(volatile seL4_Word *)(ENV_VADDR + 0x1000), 19);
    CHECK_EQ(pte_of(ENV_VADDR) & (PTE_PCD | PTE_PWT), PTE_PCD);
    CHECK_EQ(pte_of(ENV_VADDR + 0x1000) & (PTE_PCD | PTE_PWT), PTE_PWT);
    CHECK_EQ(pte_of(ENV_VADDR + 0x2000) & (PTE_PCD | PTE_PWT), 0);
    /* Each PTE maps its own frame, user-accessible and writable. */
    CHECK_EQ(pte_of(ENV_VADDR) & PTE_ADDR, seL4_X86_Page_GetAddress(a).paddr);
    CHECK_EQ(pte_of(ENV_VADDR + 0x1000) & PTE_ADDR, seL4_X86_Page_GetAddress(b).paddr);
    CHECK_EQ(pte_of(ENV_VADDR + 0x2000) & (PTE_U | PTE_W), PTE_U | PTE_W);
}

static void test_root_task_paging_caps_are_mapped(void)
{
    /* userImagePaging holds mapped tables: they can be copied (unmapped
     * tables cannot), and unmapping one with a copy around needs a revoke. */
    seL4_CPtr first = env_bi->userImagePaging.start;
    CHECK_TRUE(env_bi->userImagePaging.end > first);
    seL4_CPtr copy = env_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, first, DEPTH, seL4_AllRights));
    CHECK_ERR(seL4__simple_call(first, X86PDPTUnmap, 0, 0, 0, 0, 0, 0), seL4_RevokeFirst);
}

extern const char __executable_start[]; /* GNU ld: the image's first byte */

static void test_root_task_image_frames_report_their_addresses(void)
{
    /* userImageFrames are the image's pages in address order from its
     * first page: frame i reports the physical address the root task's
     * own page table maps at that page, and a copy of its cap maps the
     * same memory. */
    seL4_SlotRegion frames = env_bi->userImageFrames;
    seL4_Word image = (seL4_Word)__executable_start & ~0xffful;
    CHECK_TRUE(frames.end > frames.start);
    for (seL4_CPtr f = frames.start; f < frames.end; f++) {
        seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(f);
        CHECK_OK(r.error);
        CHECK_EQ(r.paddr, pte_of(image + (f - frames.start) * 0x1000) & PTE_ADDR);
    }
    seL4_CPtr mid = frames.start + (frames.end - frames.start) / 2, copy = env_slot();
    seL4_Word mid_vaddr = image + (mid - frames.start) * 0x1000;
    env_map_tables(ENV_VADDR);
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, mid, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_X86_Page_Map(copy, VS, ENV_VADDR, seL4_CanRead, ATTR));
    CHECK_TRUE(memcmp((const void *)ENV_VADDR, (const void *)mid_vaddr, 0x1000) == 0);
    /* Re-mapping an image frame at its own address (as seL4 allows). */
    CHECK_OK(seL4_X86_Page_Map(frames.start, VS, image, seL4_ReadWrite, ATTR));
    CHECK_ERR(seL4_X86_Page_Map(frames.start, VS, ENV_VADDR, seL4_ReadWrite, ATTR),
              seL4_InvalidArgument);
}

KTEST_LIST(vspace_tests) = {
    KTEST(test_map_frame_and_use_it),
    KTEST(test_map_without_page_table_is_failed_lookup),
    KTEST(test_map_page_table_without_directory_is_failed_lookup),
    KTEST(test_page_table_over_existing_is_delete_first),
    KTEST(test_page_directory_over_existing_is_delete_first),
    KTEST(test_pdpt_over_existing_is_delete_first),
    KTEST(test_map_misaligned_is_alignment_error),
    KTEST(test_map_kernel_address_is_invalid_argument),
    KTEST(test_map_into_non_vspace_is_invalid_capability),
    KTEST(test_map_into_unassigned_vspace_is_invalid_capability),
    KTEST(test_map_without_vspace_cap_is_truncated),
    KTEST(test_frame_mapped_elsewhere_is_invalid_argument),
    KTEST(test_remap_at_same_address_is_allowed),
    KTEST(test_frame_copy_maps_the_same_memory_twice),
    KTEST(test_unmap_then_new_frame_shows_its_own_contents),
    KTEST(test_deleting_frame_cap_unmaps_it),
    KTEST(test_unmap_of_unmapped_frame_succeeds),
    KTEST(test_get_address_returns_physical_address),
    KTEST(test_get_address_of_boot_frame),
    KTEST(test_frame_invalid_label_is_illegal_operation),
    KTEST(test_large_page_maps_into_page_directory),
    KTEST(test_large_page_over_page_table_is_delete_first),
    KTEST(test_page_table_over_large_page_is_delete_first),
    KTEST(test_mapped_page_table_cannot_be_mapped_again),
    KTEST(test_page_table_unmap_and_remap_elsewhere),
    KTEST(test_page_table_unmap_with_copies_is_revoke_first),
    KTEST(test_copy_of_unmapped_page_table_is_illegal_operation),
    KTEST(test_deleting_page_table_removes_its_mappings),
    KTEST(test_new_vspace_assigned_from_pool_accepts_mappings),
    KTEST(test_frame_mapped_in_other_vspace_is_invalid_capability),
    KTEST(test_assign_twice_is_invalid_capability),
    KTEST(test_deleted_vspace_frees_its_asid),
    KTEST(test_make_pool_and_assign_from_it),
    KTEST(test_make_pool_from_wrong_untyped_is_invalid_capability),
    KTEST(test_make_pool_from_used_untyped_is_revoke_first),
    KTEST(test_make_pool_into_occupied_slot_is_delete_first),
    KTEST(test_asid_pools_run_out_then_come_back),
    KTEST(test_asid_control_other_label_is_illegal_operation),
    KTEST(test_cache_attributes_map_usable_memory),
    KTEST(test_root_task_paging_caps_are_mapped),
    KTEST(test_root_task_image_frames_report_their_addresses),
};
const unsigned n_vspace_tests = sizeof(vspace_tests) / sizeof(vspace_tests[0]);
