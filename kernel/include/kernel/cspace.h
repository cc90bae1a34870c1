/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CSpace addressing and the capability derivation tree (CDT).
 *
 * Lookups follow seL4's resolveAddressBits: each CNode level consumes its
 * guard and then its radix from the top of the remaining `depth` bits of
 * the CPtr. Failures are described as seL4 lookup faults.
 *
 * Errors: decode functions return a seL4_Error and fill `ksyscall_error`
 * (and `klookup_fault` for seL4_FailedLookup) with the details the reply
 * carries in its message registers, as seL4's current_syscall_error does.
 * Owned by the current kernel entry; single core, so one instance. Code
 * that only asks a question (is this slot empty, does this cptr name a
 * slot) uses the pure predicates below, which leave both untouched.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <kernel/cap.h>
#include <sel4/errors.h>
#include <sel4/object_types.h>

typedef struct lookup_fault {
    seL4_LookupFailureType type;
    uint64_t bits_left;
    uint64_t bits_found;
    uint64_t guard_found;
} lookup_fault_t;

typedef struct syscall_error {
    seL4_Error type;
    uint64_t invalid_argument_number;
    uint64_t invalid_cap_number;
    uint64_t range_min, range_max;
    uint64_t memory_left;
    bool failed_lookup_was_source;
} syscall_error_t;

extern syscall_error_t ksyscall_error;
extern lookup_fault_t klookup_fault;

typedef struct resolve_ret {
    bool ok;              /* false: fault says why */
    cte_t *slot;
    uint64_t bits_remaining;
    lookup_fault_t fault;
} resolve_ret_t;

typedef struct lookup_slot_ret {
    seL4_Error status;
    cte_t *slot;
} lookup_slot_ret_t;

/* seL4's resolveAddressBits: walks from node_cap consuming n_bits of cptr.
 * Pure: a failure is described in the result only. */
resolve_ret_t cspace_walk(cap_t node_cap, uint64_t cptr, uint64_t n_bits);
/* The same, recording a failure in klookup_fault. */
resolve_ret_t cspace_resolve(cap_t node_cap, uint64_t cptr, uint64_t n_bits);
/* A slot for a thread's own use (depth = word size): seL4_FailedLookup
 * with klookup_fault set when cptr does not resolve. */
lookup_slot_ret_t cspace_lookup_slot(cap_t root, uint64_t cptr);
/* Pure forms: the slot, or NULL; no error state is touched. */
cte_t *cspace_find_slot(cap_t root, uint64_t cptr);
cte_t *cspace_find_target(cap_t root, uint64_t index, uint64_t depth);
/* CNode-operation lookup (root, index, depth): seL4_FailedLookup or
 * seL4_RangeError (bad depth) with the details set. */
lookup_slot_ret_t cspace_lookup_target(cap_t root, uint64_t index, uint64_t depth);
lookup_slot_ret_t cspace_lookup_source(cap_t root, uint64_t index, uint64_t depth);
lookup_slot_ret_t cspace_lookup_pivot(cap_t root, uint64_t index, uint64_t depth);

static inline seL4_Error syscall_error(seL4_Error type)
{
    ksyscall_error.type = type;
    return type;
}
static inline seL4_Error error_invalid_argument(uint64_t n)
{
    ksyscall_error.invalid_argument_number = n;
    return syscall_error(seL4_InvalidArgument);
}
static inline seL4_Error error_invalid_cap(uint64_t n)
{
    ksyscall_error.invalid_cap_number = n;
    return syscall_error(seL4_InvalidCapability);
}
static inline seL4_Error error_range(uint64_t min, uint64_t max)
{
    ksyscall_error.range_min = min;
    ksyscall_error.range_max = max;
    return syscall_error(seL4_RangeError);
}
static inline seL4_Error error_failed_lookup(bool was_source)
{
    ksyscall_error.failed_lookup_was_source = was_source;
    return syscall_error(seL4_FailedLookup);
}
static inline void lookup_fault_missing(uint64_t bits_left)
{
    klookup_fault = (lookup_fault_t){ seL4_MissingCapability, bits_left, 0, 0 };
}
static inline void lookup_fault_invalid_root(void)
{
    klookup_fault = (lookup_fault_t){ seL4_InvalidRoot, 0, 0, 0 };
}

/* ---- capability derivation tree (kernel/object/cdt.c) ---- */

/* The CDT list operations, written once for cdt.c and the IPC fastpath
 * (kernel/fastpath.c), hence always inlined: the fastpath's code must stay
 * on its own page. */

/* Puts cap into dest (empty) right after prev in the list. */
static inline __attribute__((always_inline)) void cdt_link_after(cte_t *prev, cte_t *dest,
                                                                 cap_t cap, bool revocable,
                                                                 bool first_badged)
{
    cte_t *next = mdb_next(prev);
    dest->cap = cap;
    dest->mdb_prev = (uint64_t)prev;
    dest->mdb_next = (uint64_t)next;
    mdb_set_flags(dest, revocable, first_badged);
    mdb_set_next(prev, dest);
    if (next)
        mdb_set_prev(next, dest);
}

/* Unlinks the slot from the list and empties it (seL4's emptySlot without
 * the finalisation): a first-badged flag passes to the next cap. */
static inline __attribute__((always_inline)) void cdt_unlink(cte_t *slot)
{
    cte_t *prev = mdb_prev(slot), *next = mdb_next(slot);
    if (prev)
        mdb_set_next(prev, next);
    if (next) {
        mdb_set_prev(next, prev);
        if (mdb_first_badged(slot))
            next->mdb_next |= MDB_FIRST_BADGED;
    }
    slot->cap = cap_null();
    slot->mdb_prev = 0;
    slot->mdb_next = 0;
}

/* What relates two caps (seL4's sameRegionAs / sameObjectAs). */
bool cap_same_region_as(cap_t a, cap_t b);
bool cap_same_object_as(cap_t a, cap_t b);
/* Is b a CDT child of a (both in the list, b after a)? */
bool cdt_is_parent_of(const cte_t *a, const cte_t *b);
/* Pure predicates. */
static inline bool cte_is_empty(const cte_t *slot)
{
    return cap_type(slot->cap) == cap_null_cap;
}
bool cdt_has_children(const cte_t *slot);
/* The same as errors: seL4_RevokeFirst if the slot has CDT children,
 * seL4_DeleteFirst if it is not empty (recorded in ksyscall_error). */
seL4_Error cdt_ensure_no_children(const cte_t *slot);
seL4_Error cdt_ensure_empty(const cte_t *slot);
/* Is this the last cap to its object? */
bool cdt_is_final(const cte_t *slot);
/* Inserts new_cap into dest (empty) as a child or sibling of src. */
void cdt_insert(cap_t new_cap, cte_t *src, cte_t *dest);
/* Inserts a freshly created object's cap below its untyped parent. */
void cdt_insert_new(cte_t *parent, cte_t *dest, cap_t cap);
/* Moves src's cap (replaced by new_cap) and CDT position to dest (empty). */
void cdt_move(cap_t new_cap, cte_t *src, cte_t *dest);
/* Exchanges two slots' caps and CDT positions. */
void cdt_swap(cap_t cap1, cte_t *slot1, cap_t cap2, cte_t *slot2);
/* Empties the slot, finalising the object if this was its last cap.
 * Iterative: never recurses, whatever the nesting of CNodes. */
void cdt_delete(cte_t *slot);
/* Deletes every CDT descendant of the slot. */
void cdt_revoke(cte_t *slot);
/* The same with preemption points: KERNEL_PREEMPTED (kernel/preemption.h)
 * when stopped there with an interrupt pending; the CDT is valid (the slot
 * may hold a zombie, a revoke has deleted some of the children) and
 * calling again on the same slot continues. Else seL4_NoError. */
seL4_Error cdt_delete_preemptible(cte_t *slot);
seL4_Error cdt_revoke_preemptible(cte_t *slot);

/* Debugging aid (KAAL_SysDebugCheckObjects): pairs of caps that name
 * overlapping but different objects. Walks the CDT descendants of slot,
 * or (n_heads > 0) every CDT tree whose root cap is one of heads[0..n).
 * first/second: the first such pair found. */
struct cdt_alias_report {
    uint64_t n_caps, n_conflicts;
    const cte_t *first, *second;
};
struct cdt_alias_report cdt_check_aliasing(const cte_t *slot, const cte_t *heads,
                                           uint64_t n_heads);

/* ---- object hooks the CDT calls (kernel/object/objecttype.c) ---- */

/* Does deleting this final cap require clearing slots the object holds?
 * Returns the slot array and count, or NULL. */
cte_t *cap_owned_slots(cap_t cap, uint64_t *n_slots);
/* Releases what a cap holds when it goes away (unmaps a frame, removes a
 * vspace from its ASID pool, stops a thread, ...). final: no other cap to
 * the object remains. Never touches other slots. */
void cap_finalise(cap_t cap, bool final);
