/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Object invocation stubs, with libsel4's names, argument orders and message
 * layouts (as its generator produces them from the interface XML): the
 * label is the invocation label, words go in message registers in argument
 * order, capability arguments travel as extra caps. On error the stubs
 * leave the kernel's error details in the message registers (seL4_GetMR),
 * exactly as libsel4 does.
 */
#pragma once

#include <sel4/types.h>
#include <sel4/errors.h>
#include <sel4/functions.h>
#include <sel4/invocation.h>
#include <sel4/object_types.h>

/* Calls `service` with up to 4 MRs in registers (more must already be in
 * the IPC buffer); returns the reply's label and leaves MR0-3 in mr[]. */
static inline seL4_MessageInfo_t seL4__invoke(seL4_CPtr service, seL4_MessageInfo_t tag,
                                              seL4_Word mr[4])
{
    seL4_MessageInfo_t out;
    seL4_Word unused;
    x64_sys_send_recv(seL4_SysCall, service, &unused, tag.words[0], &out.words[0], &mr[0],
                      &mr[1], &mr[2], &mr[3]);
    return out;
}

static inline seL4_Error seL4__invoke_result(seL4_MessageInfo_t out, const seL4_Word mr[4])
{
    seL4_Error result = (seL4_Error)seL4_MessageInfo_get_label(out);
    if (result != seL4_NoError) {
        seL4_SetMR(0, mr[0]);
        seL4_SetMR(1, mr[1]);
        seL4_SetMR(2, mr[2]);
        seL4_SetMR(3, mr[3]);
    }
    return result;
}

static inline seL4_Error seL4__simple_call(seL4_CPtr service, seL4_Word label, seL4_Word extra_caps,
                                           seL4_Word length, seL4_Word m0, seL4_Word m1,
                                           seL4_Word m2, seL4_Word m3)
{
    seL4_Word mr[4] = { m0, m1, m2, m3 };
    seL4_MessageInfo_t out =
        seL4__invoke(service, seL4_MessageInfo_new(label, 0, extra_caps, length), mr);
    return seL4__invoke_result(out, mr);
}

/* ---- Untyped ---- */

static inline seL4_Error seL4_Untyped_Retype(seL4_Untyped _service, seL4_Word type,
                                             seL4_Word size_bits, seL4_CNode root,
                                             seL4_Word node_index, seL4_Word node_depth,
                                             seL4_Word node_offset, seL4_Word num_objects)
{
    seL4_SetCap(0, root);
    seL4_SetMR(4, node_offset);
    seL4_SetMR(5, num_objects);
    return seL4__simple_call(_service, UntypedRetype, 1, 6, type, size_bits, node_index,
                             node_depth);
}

/* ---- CNode ---- */

static inline seL4_Error seL4_CNode_Revoke(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return seL4__simple_call(_service, CNodeRevoke, 0, 2, index, depth & 0xff, 0, 0);
}

static inline seL4_Error seL4_CNode_Delete(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return seL4__simple_call(_service, CNodeDelete, 0, 2, index, depth & 0xff, 0, 0);
}

static inline seL4_Error seL4_CNode_CancelBadgedSends(seL4_CNode _service, seL4_Word index,
                                                      seL4_Uint8 depth)
{
    return seL4__simple_call(_service, CNodeCancelBadgedSends, 0, 2, index, depth & 0xff, 0, 0);
}

static inline seL4_Error seL4_CNode_Copy(seL4_CNode _service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights)
{
    seL4_SetCap(0, src_root);
    seL4_SetMR(4, rights.words[0]);
    return seL4__simple_call(_service, CNodeCopy, 1, 5, dest_index, dest_depth & 0xff, src_index,
                             src_depth & 0xff);
}

static inline seL4_Error seL4_CNode_Mint(seL4_CNode _service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_SetCap(0, src_root);
    seL4_SetMR(4, rights.words[0]);
    seL4_SetMR(5, badge);
    return seL4__simple_call(_service, CNodeMint, 1, 6, dest_index, dest_depth & 0xff, src_index,
                             src_depth & 0xff);
}

static inline seL4_Error seL4_CNode_Move(seL4_CNode _service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth)
{
    seL4_SetCap(0, src_root);
    return seL4__simple_call(_service, CNodeMove, 1, 4, dest_index, dest_depth & 0xff, src_index,
                             src_depth & 0xff);
}

static inline seL4_Error seL4_CNode_Mutate(seL4_CNode _service, seL4_Word dest_index,
                                           seL4_Uint8 dest_depth, seL4_CNode src_root,
                                           seL4_Word src_index, seL4_Uint8 src_depth,
                                           seL4_Word badge)
{
    seL4_SetCap(0, src_root);
    seL4_SetMR(4, badge);
    return seL4__simple_call(_service, CNodeMutate, 1, 5, dest_index, dest_depth & 0xff,
                             src_index, src_depth & 0xff);
}

static inline seL4_Error seL4_CNode_Rotate(seL4_CNode _service, seL4_Word dest_index,
                                           seL4_Uint8 dest_depth, seL4_Word dest_badge,
                                           seL4_CNode pivot_root, seL4_Word pivot_index,
                                           seL4_Uint8 pivot_depth, seL4_Word pivot_badge,
                                           seL4_CNode src_root, seL4_Word src_index,
                                           seL4_Uint8 src_depth)
{
    seL4_SetCap(0, pivot_root);
    seL4_SetCap(1, src_root);
    seL4_SetMR(4, pivot_depth & 0xff);
    seL4_SetMR(5, pivot_badge);
    seL4_SetMR(6, src_index);
    seL4_SetMR(7, src_depth & 0xff);
    return seL4__simple_call(_service, CNodeRotate, 2, 8, dest_index, dest_depth & 0xff,
                             dest_badge, pivot_index);
}

static inline seL4_Error seL4_CNode_SaveCaller(seL4_CNode _service, seL4_Word index,
                                               seL4_Uint8 depth)
{
    return seL4__simple_call(_service, CNodeSaveCaller, 0, 2, index, depth & 0xff, 0, 0);
}

/* ---- x86_64 VSpace ---- */

static inline seL4_Error seL4_X86_PDPT_Map(seL4_X86_PDPT _service, seL4_X64_PML4 pml4,
                                           seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    seL4_SetCap(0, pml4);
    return seL4__simple_call(_service, X86PDPTMap, 1, 2, vaddr, attr, 0, 0);
}

static inline seL4_Error seL4_X86_PDPT_Unmap(seL4_X86_PDPT _service)
{
    return seL4__simple_call(_service, X86PDPTUnmap, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_X86_PageDirectory_Map(seL4_X86_PageDirectory _service,
                                                    seL4_CPtr vspace, seL4_Word vaddr,
                                                    seL4_X86_VMAttributes attr)
{
    seL4_SetCap(0, vspace);
    return seL4__simple_call(_service, X86PageDirectoryMap, 1, 2, vaddr, attr, 0, 0);
}

static inline seL4_Error seL4_X86_PageDirectory_Unmap(seL4_X86_PageDirectory _service)
{
    return seL4__simple_call(_service, X86PageDirectoryUnmap, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_X86_PageTable_Map(seL4_X86_PageTable _service, seL4_CPtr vspace,
                                                seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    seL4_SetCap(0, vspace);
    return seL4__simple_call(_service, X86PageTableMap, 1, 2, vaddr, attr, 0, 0);
}

static inline seL4_Error seL4_X86_PageTable_Unmap(seL4_X86_PageTable _service)
{
    return seL4__simple_call(_service, X86PageTableUnmap, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_X86_Page_Map(seL4_X86_Page _service, seL4_CPtr vspace,
                                           seL4_Word vaddr, seL4_CapRights_t rights,
                                           seL4_X86_VMAttributes attr)
{
    seL4_SetCap(0, vspace);
    return seL4__simple_call(_service, X86PageMap, 1, 3, vaddr, rights.words[0], attr, 0);
}

static inline seL4_Error seL4_X86_Page_Unmap(seL4_X86_Page _service)
{
    return seL4__simple_call(_service, X86PageUnmap, 0, 0, 0, 0, 0, 0);
}

static inline seL4_X86_Page_GetAddress_t seL4_X86_Page_GetAddress(seL4_X86_Page _service)
{
    seL4_X86_Page_GetAddress_t result;
    seL4_Word mr[4] = { 0, 0, 0, 0 };
    seL4_MessageInfo_t out =
        seL4__invoke(_service, seL4_MessageInfo_new(X86PageGetAddress, 0, 0, 0), mr);
    result.error = (int)seL4__invoke_result(out, mr);
    result.paddr = mr[0];
    return result;
}

static inline seL4_Error seL4_X86_ASIDControl_MakePool(seL4_X86_ASIDControl _service,
                                                       seL4_Untyped untyped, seL4_CNode root,
                                                       seL4_Word index, seL4_Uint8 depth)
{
    seL4_SetCap(0, untyped);
    seL4_SetCap(1, root);
    return seL4__simple_call(_service, X86ASIDControlMakePool, 2, 2, index, depth & 0xff, 0, 0);
}

static inline seL4_Error seL4_X86_ASIDPool_Assign(seL4_X86_ASIDPool _service, seL4_CPtr vspace)
{
    seL4_SetCap(0, vspace);
    return seL4__simple_call(_service, X86ASIDPoolAssign, 1, 0, 0, 0, 0, 0);
}
