// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPtr resolution, seL4 style. A CNode cap consumes, at each level, first
 * its guard (guard_size bits that must equal the guard) and then its radix
 * (the slot index); resolution stops when the requested depth is used up,
 * or early when the slot reached holds something other than a CNode cap
 * (then bits_remaining says how many bits were left over). The walk
 * (cspace_walk) is pure: it reads CNodes through the pointers in caps and
 * touches nothing else, so host unit tests run it on CNodes in ordinary
 * memory. The lookup_* forms record a failure in klookup_fault (and
 * ksyscall_error) for the error reply; the find_* forms only answer.
 */
#include <kernel/cspace.h>

syscall_error_t ksyscall_error;
lookup_fault_t klookup_fault;

static uint64_t mask_bits(uint64_t n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

resolve_ret_t cspace_walk(cap_t node_cap, uint64_t cptr, uint64_t n_bits)
{
    resolve_ret_t ret = { false, 0, n_bits, { seL4_InvalidRoot, 0, 0, 0 } };
    if (cap_type(node_cap) != cap_cnode_cap)
        return ret;
    for (;;) {
        uint64_t radix_bits = node_cap.size_bits;
        uint64_t guard_bits = cap_cnode_guard_size(node_cap);
        uint64_t level_bits = radix_bits + guard_bits;
        uint64_t cap_guard = cap_cnode_guard(node_cap);
        uint64_t guard = guard_bits > n_bits ? ~0ull
                                             : (cptr >> ((n_bits - guard_bits) & 63)) &
                                                   mask_bits(guard_bits);
        if (guard_bits > n_bits || guard != cap_guard) {
            ret.fault = (lookup_fault_t){ seL4_GuardMismatch, n_bits, guard_bits, cap_guard };
            return ret;
        }
        if (level_bits > n_bits) {
            ret.fault = (lookup_fault_t){ seL4_DepthMismatch, n_bits, level_bits, 0 };
            return ret;
        }
        uint64_t offset = (cptr >> ((n_bits - level_bits) & 63)) & mask_bits(radix_bits);
        cte_t *slot = cap_cnode_slots(node_cap) + offset;
        if (n_bits == level_bits) {
            ret = (resolve_ret_t){ true, slot, 0, { 0, 0, 0, 0 } };
            return ret;
        }
        n_bits -= level_bits;
        node_cap = slot->cap;
        if (cap_type(node_cap) != cap_cnode_cap) {
            ret = (resolve_ret_t){ true, slot, n_bits, { 0, 0, 0, 0 } };
            return ret;
        }
    }
}

resolve_ret_t cspace_resolve(cap_t node_cap, uint64_t cptr, uint64_t n_bits)
{
    resolve_ret_t r = cspace_walk(node_cap, cptr, n_bits);
    if (!r.ok)
        klookup_fault = r.fault;
    return r;
}

lookup_slot_ret_t cspace_lookup_slot(cap_t root, uint64_t cptr)
{
    resolve_ret_t r = cspace_resolve(root, cptr, 64);
    return (lookup_slot_ret_t){ r.ok ? seL4_NoError : seL4_FailedLookup, r.slot };
}

cte_t *cspace_find_slot(cap_t root, uint64_t cptr)
{
    resolve_ret_t r = cspace_walk(root, cptr, 64);
    return r.ok ? r.slot : NULL;
}

/* The checks of lookup_for_cnode_op below, without the error details. */
cte_t *cspace_find_target(cap_t root, uint64_t index, uint64_t depth)
{
    if (cap_type(root) != cap_cnode_cap || depth < 1 || depth > 64)
        return NULL;
    resolve_ret_t r = cspace_walk(root, index, depth);
    return r.ok && r.bits_remaining == 0 ? r.slot : NULL;
}

static lookup_slot_ret_t lookup_for_cnode_op(bool is_source, cap_t root, uint64_t index,
                                             uint64_t depth)
{
    lookup_slot_ret_t ret = { seL4_NoError, 0 };
    if (cap_type(root) != cap_cnode_cap) {
        lookup_fault_invalid_root();
        ret.status = error_failed_lookup(is_source);
        return ret;
    }
    if (depth < 1 || depth > 64) {
        ret.status = error_range(1, 64);
        return ret;
    }
    resolve_ret_t r = cspace_resolve(root, index, depth);
    if (!r.ok) {
        ret.status = error_failed_lookup(is_source);
        return ret;
    }
    if (r.bits_remaining != 0) {
        klookup_fault = (lookup_fault_t){ seL4_DepthMismatch, r.bits_remaining, 0, 0 };
        ret.status = error_failed_lookup(is_source);
        return ret;
    }
    ret.slot = r.slot;
    return ret;
}

lookup_slot_ret_t cspace_lookup_target(cap_t root, uint64_t index, uint64_t depth)
{
    return lookup_for_cnode_op(false, root, index, depth);
}

lookup_slot_ret_t cspace_lookup_source(cap_t root, uint64_t index, uint64_t depth)
{
    return lookup_for_cnode_op(true, root, index, depth);
}

lookup_slot_ret_t cspace_lookup_pivot(cap_t root, uint64_t index, uint64_t depth)
{
    return lookup_for_cnode_op(true, root, index, depth);
}
