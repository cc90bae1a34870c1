// SPDX-License-Identifier: BSD-2-Clause
/*
 * seL4_Untyped_Retype. An untyped cap covers 2^size_bits bytes at its
 * address and keeps a watermark (free index, bytes): objects are carved
 * upward from it, each aligned to its own size. When the untyped has no
 * CDT children left (everything made from it was deleted or revoked) the
 * next retype starts again from the bottom, as in seL4. Device untyped
 * memory can only become frames or smaller device untypeds and is never
 * written by the kernel.
 *
 * New objects start zeroed: the retype clears the memory of all of them
 * first, in CLEAR_CHUNK_BYTES chunks with a preemption point after each
 * (256 objects of 2 MiB are half a GiB). A clearing that is preempted is
 * remembered in `clearings` by its range, and the restarted retype, which
 * computes the same range if nothing changed meanwhile, goes on from there.
 * Invariant: a record's [base, done) is zero. Only creating objects can
 * write to memory above a watermark, and every creation drops the records
 * its memory overlaps (untyped_forget_clearings), so a record is never
 * stale; if more clearings are interrupted at once than there are records,
 * the oldest starts again from its beginning.
 */
#include <kernel/invocation.h>
#include <kernel/thread.h>
#include <kernel/preemption.h>
#include <kaal/string.h>

#define RETYPE_FAN_OUT_LIMIT seL4_UntypedRetypeMaxObjects
#define CLEAR_CHUNK_BYTES 256 /* seL4's CONFIG_RESET_CHUNK_BITS = 8 */
#define N_CLEARINGS 8

struct clearing {
    uint64_t base, end; /* kernel addresses; base == end: unused */
    uint64_t done;      /* [base, done) is zero */
    uint64_t age;
};
static struct clearing clearings[N_CLEARINGS];
static uint64_t clearing_clock;

void untyped_forget_clearings(uint64_t base, uint64_t end)
{
    for (unsigned i = 0; i < N_CLEARINGS; i++)
        if (clearings[i].base < end && base < clearings[i].end)
            clearings[i] = (struct clearing){ 0, 0, 0, 0 };
}

static struct clearing *clearing_for(uint64_t base, uint64_t end)
{
    struct clearing *oldest = &clearings[0];
    for (unsigned i = 0; i < N_CLEARINGS; i++) {
        struct clearing *c = &clearings[i];
        if (c->base == base && c->end == end)
            return c;
        if (c->age < oldest->age)
            oldest = c;
    }
    *oldest = (struct clearing){ base, end, base, 0 };
    return oldest;
}

/* Zeroes [base, end) or stops with KERNEL_PREEMPTED, keeping the progress. */
static seL4_Error clear_memory(uint64_t base, uint64_t end)
{
    struct clearing *c = clearing_for(base, end);
    c->age = ++clearing_clock;
    while (c->done < end) {
        uint64_t n = end - c->done < CLEAR_CHUNK_BYTES ? end - c->done : CLEAR_CHUNK_BYTES;
        memset((void *)c->done, 0, n);
        c->done += n;
        if (c->done < end && preemption_point())
            return KERNEL_PREEMPTED;
    }
    return seL4_NoError;
}

static void invoke_untyped_retype(cte_t *slot, uint64_t free_offset, uint64_t type,
                                  uint64_t user_size, cte_t *dest, uint64_t n, bool device)
{
    unsigned obj_bits = object_size_bits(type, user_size);
    uint64_t base = (uint64_t)cap_ptr(slot->cap);
    untyped_forget_clearings(base + free_offset, base + free_offset + (n << obj_bits));
    slot->cap.data = free_offset + (n << obj_bits);
    /* Insert in reverse so the CDT order matches the slot order. */
    for (uint64_t i = n; i-- > 0;) {
        void *obj = (void *)(base + free_offset + (i << obj_bits));
        cap_t cap = object_create(type, obj, user_size, device);
        /* A thread without the debug calls cannot get them back by making
         * a thread: the new TCB inherits the flag (docs/sel4-deviations.md). */
        if (type == seL4_TCBObject && kcpu.sched.current && kcpu.sched.current->no_debug_syscalls)
            ((struct tcb *)obj)->no_debug_syscalls = true;
        cdt_insert_new(slot, &dest[i], cap);
    }
}

seL4_Error decode_untyped_invocation(struct invocation *inv)
{
    if (inv->label != UntypedRetype)
        return syscall_error(seL4_IllegalOperation);
    if (inv->length < 6 || !inv->extra[0])
        return syscall_error(seL4_TruncatedMessage);
    uint64_t type = inv->mr[0], user_size = inv->mr[1];
    uint64_t node_index = inv->mr[2], node_depth = inv->mr[3];
    uint64_t node_offset = inv->mr[4], node_window = inv->mr[5];
    cap_t ut = inv->cap;

    if (type >= seL4_ObjectTypeCount || !arch_is_object_type(type))
        return error_invalid_argument(0);
    if (user_size >= 64)
        return error_range(0, seL4_MaxUntypedBits);
    uint64_t obj_bits = object_size_bits(type, user_size);
    if (obj_bits > seL4_MaxUntypedBits)
        return error_range(0, seL4_MaxUntypedBits);
    if (type == seL4_CapTableObject && user_size == 0)
        return error_invalid_argument(1);
    if (type == seL4_UntypedObject && user_size < seL4_MinUntypedBits)
        return error_invalid_argument(1);

    cap_t node_cap;
    if (node_depth == 0) {
        node_cap = inv->extra[0]->cap;
    } else {
        lookup_slot_ret_t r = cspace_lookup_target(inv->extra[0]->cap, node_index, node_depth);
        if (r.status != seL4_NoError)
            return r.status;
        node_cap = r.slot->cap;
    }
    if (cap_type(node_cap) != cap_cnode_cap) {
        lookup_fault_missing(node_depth);
        return error_failed_lookup(false);
    }
    uint64_t node_size = 1ull << node_cap.size_bits;
    if (node_offset > node_size - 1)
        return error_range(0, node_size - 1);
    if (node_window < 1 || node_window > RETYPE_FAN_OUT_LIMIT)
        return error_range(1, RETYPE_FAN_OUT_LIMIT);
    if (node_window > node_size - node_offset)
        return error_range(1, node_size - node_offset);
    cte_t *dest = cap_cnode_slots(node_cap) + node_offset;
    for (uint64_t i = 0; i < node_window; i++)
        if (!cte_is_empty(&dest[i]))
            return syscall_error(seL4_DeleteFirst);

    uint64_t free_index = cdt_has_children(inv->slot) ? ut.data : 0;
    uint64_t ut_bytes = 1ull << ut.size_bits;
    uint64_t free_bytes = ut_bytes - free_index;
    if ((obj_bits >= 64 ? 0 : free_bytes >> obj_bits) < node_window) {
        ksyscall_error.memory_left = free_bytes;
        return syscall_error(seL4_NotEnoughMemory);
    }
    bool device = ut.flag;
    if (device && !arch_is_frame_type(type) && type != seL4_UntypedObject)
        return error_invalid_argument(1);
    /* The untyped is aligned to its size, so aligning up keeps us inside. */
    uint64_t aligned = (free_index + (1ull << obj_bits) - 1) & ~((1ull << obj_bits) - 1);
    if (aligned > ut_bytes || ((ut_bytes - aligned) >> obj_bits) < node_window) {
        ksyscall_error.memory_left = free_bytes;
        return syscall_error(seL4_NotEnoughMemory);
    }
    /* The objects' memory is cleared before anything changes, so a
     * preemption here leaves nothing to undo. Untypeds are not cleared.
     * This is the decode's one side effect, on purpose: the memory is
     * free and unseen, and the progress kept in `clearings` lets the
     * restarted retype go on (the invoke step below cannot fail). */
    if (!device && type != seL4_UntypedObject) {
        uint64_t base = (uint64_t)cap_ptr(ut) + aligned;
        seL4_Error err = clear_memory(base, base + (node_window << obj_bits));
        if (err != seL4_NoError)
            return err;
    }
    invoke_untyped_retype(inv->slot, aligned, type, user_size, dest, node_window, device);
    return seL4_NoError;
}
