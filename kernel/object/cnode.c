// SPDX-License-Identifier: BSD-2-Clause
/*
 * CNode invocations: Copy, Mint, Move, Mutate, Rotate, Delete, Revoke,
 * SaveCaller and CancelBadgedSends, with seL4's argument checks in seL4's
 * order (so the same bad call gets the same error). The invoked CNode cap is
 * the destination root; (index, depth) address the destination slot.
 * Each decode_* checks everything without side effects and ends with an
 * invoke_* step. The invoke steps cannot fail, with one exception kept on
 * purpose: Revoke and Delete may stop at a preemption point
 * (KERNEL_PREEMPTED, as seL4's invokeCNodeRevoke/Delete return
 * EXCEPTION_PREEMPTED) with the CDT valid, and continue when the caller's
 * system call runs again.
 */
#include <kernel/invocation.h>
#include <kernel/ipc.h>
#include <kernel/preemption.h>

static void invoke_cnode_insert(cap_t cap, cte_t *src, cte_t *dest)
{
    cdt_insert(cap, src, dest);
}

static void invoke_cnode_move(cap_t cap, cte_t *src, cte_t *dest)
{
    cdt_move(cap, src, dest);
}

static void invoke_cnode_rotate(cap_t src_cap, cap_t pivot_cap, cte_t *src, cte_t *pivot,
                                cte_t *dest)
{
    if (src == dest) {
        cdt_swap(src_cap, src, pivot_cap, pivot);
    } else {
        cdt_move(pivot_cap, pivot, dest);
        cdt_move(src_cap, src, pivot);
    }
}

/* Preemptible: seL4_NoError or KERNEL_PREEMPTED, never a failure. */
static seL4_Error invoke_cnode_revoke(cte_t *dest)
{
    return cdt_revoke_preemptible(dest);
}

static seL4_Error invoke_cnode_delete(cte_t *dest)
{
    return cdt_delete_preemptible(dest);
}

/* No caller to save is success with nothing stored, as in seL4. */
static void invoke_cnode_save_caller(struct tcb *t, cte_t *dest)
{
    cte_t *caller = &t->slots[TCB_CALLER];
    if (cap_type(caller->cap) == cap_reply_cap)
        cdt_move(caller->cap, caller, dest);
}

static void invoke_cnode_cancel_badged_sends(cap_t ep_cap)
{
    if (ep_cap.data)
        ipc_cancel_badged_sends(cap_ptr(ep_cap), ep_cap.data);
}

static seL4_Error decode_copy_like(struct invocation *inv, cte_t *dest)
{
    if (inv->length < 4 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    uint64_t src_index = inv->mr[2], src_depth = inv->mr[3];
    cap_t src_root = inv->extra[0]->cap;
    seL4_Error err = cdt_ensure_empty(dest);
    if (err != seL4_NoError)
        return err;
    lookup_slot_ret_t r = cspace_lookup_source(src_root, src_index, src_depth);
    if (r.status != seL4_NoError)
        return r.status;
    cte_t *src = r.slot;
    if (cap_type(src->cap) == cap_null_cap) {
        lookup_fault_missing(src_depth);
        return error_failed_lookup(true);
    }
    cap_t new_cap;
    bool is_move;
    switch (inv->label) {
    case CNodeCopy: {
        if (inv->length < 5)
            return syscall_error(seL4_TruncatedMessage);
        derive_ret_t d = cap_derive(src, cap_mask_rights(inv->mr[4], src->cap));
        if (d.status != seL4_NoError)
            return d.status;
        new_cap = d.cap;
        is_move = false;
        break;
    }
    case CNodeMint: {
        if (inv->length < 6)
            return syscall_error(seL4_TruncatedMessage);
        cap_t masked = cap_mask_rights(inv->mr[4], src->cap);
        derive_ret_t d = cap_derive(src, cap_update_data(false, inv->mr[5], masked));
        if (d.status != seL4_NoError)
            return d.status;
        new_cap = d.cap;
        is_move = false;
        break;
    }
    case CNodeMove:
        new_cap = src->cap;
        is_move = true;
        break;
    default: /* CNodeMutate */
        if (inv->length < 5)
            return syscall_error(seL4_TruncatedMessage);
        new_cap = cap_update_data(true, inv->mr[4], src->cap);
        is_move = true;
        break;
    }
    if (cap_type(new_cap) == cap_null_cap)
        return syscall_error(seL4_IllegalOperation);
    if (is_move)
        invoke_cnode_move(new_cap, src, dest);
    else
        invoke_cnode_insert(new_cap, src, dest);
    return seL4_NoError;
}

static seL4_Error decode_rotate(struct invocation *inv, cte_t *dest)
{
    if (inv->length < 8 || !inv->extra[0] || !inv->extra[1])
        return syscall_error(seL4_TruncatedMessage);
    uint64_t pivot_data = inv->mr[2], pivot_index = inv->mr[3], pivot_depth = inv->mr[4];
    uint64_t src_data = inv->mr[5], src_index = inv->mr[6], src_depth = inv->mr[7];
    cap_t pivot_root = inv->extra[0]->cap, src_root = inv->extra[1]->cap;

    lookup_slot_ret_t r = cspace_lookup_source(src_root, src_index, src_depth);
    if (r.status != seL4_NoError)
        return r.status;
    cte_t *src = r.slot;
    r = cspace_lookup_pivot(pivot_root, pivot_index, pivot_depth);
    if (r.status != seL4_NoError)
        return r.status;
    cte_t *pivot = r.slot;
    if (pivot == src || pivot == dest)
        return syscall_error(seL4_IllegalOperation);
    if (src != dest && !cte_is_empty(dest))
        return syscall_error(seL4_DeleteFirst);
    if (cap_type(src->cap) == cap_null_cap) {
        lookup_fault_missing(src_depth);
        return error_failed_lookup(true);
    }
    if (cap_type(pivot->cap) == cap_null_cap) {
        lookup_fault_missing(pivot_depth);
        return error_failed_lookup(false);
    }
    cap_t new_src = cap_update_data(true, src_data, src->cap);
    cap_t new_pivot = cap_update_data(true, pivot_data, pivot->cap);
    if (cap_type(new_src) == cap_null_cap || cap_type(new_pivot) == cap_null_cap)
        return syscall_error(seL4_IllegalOperation);
    invoke_cnode_rotate(new_src, new_pivot, src, pivot, dest);
    return seL4_NoError;
}

seL4_Error decode_cnode_invocation(struct invocation *inv)
{
    if (inv->label < CNodeRevoke || inv->label > CNodeSaveCaller)
        return syscall_error(seL4_IllegalOperation);
    if (inv->length < 2)
        return syscall_error(seL4_TruncatedMessage);
    lookup_slot_ret_t r = cspace_lookup_target(inv->cap, inv->mr[0], inv->mr[1]);
    if (r.status != seL4_NoError)
        return r.status;
    cte_t *dest = r.slot;

    switch (inv->label) {
    case CNodeCopy:
    case CNodeMint:
    case CNodeMove:
    case CNodeMutate:
        return decode_copy_like(inv, dest);
    case CNodeRevoke:
        return invoke_cnode_revoke(dest); /* may be KERNEL_PREEMPTED */
    case CNodeDelete:
        return invoke_cnode_delete(dest); /* may be KERNEL_PREEMPTED */
    case CNodeSaveCaller:
        if (!cte_is_empty(dest))
            return syscall_error(seL4_DeleteFirst);
        invoke_cnode_save_caller(inv->thread, dest);
        return seL4_NoError;
    case CNodeCancelBadgedSends: {
        cap_t c = dest->cap;
        /* seL4's hasCancelSendRights: an endpoint cap with all rights. */
        if (cap_type(c) != cap_endpoint_cap || c.rights != CAP_RIGHTS_ALL)
            return syscall_error(seL4_IllegalOperation);
        invoke_cnode_cancel_badged_sends(c);
        return seL4_NoError;
    }
    default: /* CNodeRotate */
        return decode_rotate(inv, dest);
    }
}
