// SPDX-License-Identifier: BSD-2-Clause
/*
 * ASIDs: seL4_X86_ASIDControl_MakePool turns a 4 KiB untyped into one of
 * the 8 pools of the ASID table, seL4_X86_ASIDPool_Assign gives a PML4 the
 * pool's lowest free ASID. The ASID table is kernel state owned here.
 * Each decode_* checks everything and ends with an invoke_* that cannot fail.
 */
#include <kaal/string.h>
#include "paging.h"

struct asid_pool *asid_table[N_ASID_POOLS];

/* ---- invoke steps: cannot fail ---- */

/* The whole untyped becomes pool i of the ASID table. */
static void invoke_asid_control_make_pool(cte_t *parent, cte_t *dest, unsigned i)
{
    struct asid_pool *pool = cap_ptr(parent->cap);
    untyped_forget_clearings((uint64_t)pool, (uint64_t)pool + (1ull << seL4_ASIDPoolBits));
    memset(pool, 0, sizeof(*pool));
    parent->cap.data = 1ull << seL4_ASIDPoolBits;
    cdt_insert_new(parent, dest, cap_make(cap_asid_pool_cap, pool, 0, (uint64_t)i << ASID_LOW_BITS));
    asid_table[i] = pool;
}

static void invoke_asid_pool_assign(struct asid_pool *pool, uint64_t asid, cte_t *vspace_slot)
{
    vspace_slot->cap.data = asid;
    pool->vspace[asid & (ASID_POOL_SIZE - 1)] = cap_ptr(vspace_slot->cap);
}

/* ---- decoding: checks only ---- */

seL4_Error decode_asid_control_invocation(struct invocation *inv)
{
    if (inv->label != X86ASIDControlMakePool)
        return syscall_error(seL4_IllegalOperation);
    if (inv->length < 2 || !inv->extra[0] || !inv->extra[1])
        return syscall_error(seL4_TruncatedMessage);
    cte_t *parent = inv->extra[0];
    cap_t ut = parent->cap;
    unsigned i;
    for (i = 0; i < N_ASID_POOLS && asid_table[i]; i++)
        ;
    if (i == N_ASID_POOLS)
        return syscall_error(seL4_DeleteFirst);
    if (cap_type(ut) != cap_untyped_cap || ut.size_bits != seL4_ASIDPoolBits || ut.flag)
        return error_invalid_cap(1);
    if (cdt_has_children(parent))
        return syscall_error(seL4_RevokeFirst);
    lookup_slot_ret_t r = cspace_lookup_target(inv->extra[1]->cap, inv->mr[0], inv->mr[1]);
    if (r.status != seL4_NoError)
        return r.status;
    if (!cte_is_empty(r.slot))
        return syscall_error(seL4_DeleteFirst);
    invoke_asid_control_make_pool(parent, r.slot, i);
    return seL4_NoError;
}

seL4_Error decode_asid_pool_invocation(struct invocation *inv)
{
    if (inv->label != X86ASIDPoolAssign)
        return syscall_error(seL4_IllegalOperation);
    if (!inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    cte_t *vs_slot = inv->extra[0];
    if (cap_type(vs_slot->cap) != cap_pml4_cap || vs_slot->cap.data != 0)
        return error_invalid_cap(1);
    uint64_t base = inv->cap.data;
    struct asid_pool *pool = asid_table[(base >> ASID_LOW_BITS) & (N_ASID_POOLS - 1)];
    if (!pool) {
        lookup_fault_invalid_root();
        return error_failed_lookup(false);
    }
    if (pool != cap_ptr(inv->cap))
        return error_invalid_cap(0);
    unsigned i;
    for (i = 0; i < ASID_POOL_SIZE && (base + i == 0 || pool->vspace[i]); i++)
        ;
    if (i == ASID_POOL_SIZE)
        return syscall_error(seL4_DeleteFirst);
    invoke_asid_pool_assign(pool, base + i, vs_slot);
    return seL4_NoError;
}
