// SPDX-License-Identifier: BSD-2-Clause
/*
 * The capability derivation tree, seL4's model: all non-empty slots form
 * one doubly linked list in pre-order. A new copy goes right after its
 * source; a new object's cap right after its untyped. Descendants of a node
 * are the nodes following it for which cdt_is_parent_of() holds (same
 * region, the node is revocable, and for badged endpoints the badge rules).
 * All caps to one object are therefore adjacent, which makes "is this the
 * last cap" a look at the two neighbours.
 *
 * Deleting the last cap to an object that holds slots (a CNode, a TCB)
 * must first empty those slots, which may hold further last caps, nested
 * arbitrarily deep and even in cycles. cdt_delete() does this without
 * recursion: the last cap is turned into a zombie in place (same CDT
 * position, no longer usable for lookups) that counts the slots still to
 * clear, and the walk always restarts from the slot being deleted, going
 * down through zombies to the deepest object still being emptied. A walk
 * that passes more zombies than exist has gone round a cycle of CNodes: then
 * the zombie met inside the object being cleared is swapped with the
 * clearing one, which leaves the latter inside its own object; every swap
 * makes one more zombie self-contained, so the walk terminates. A self-contained zombie that is
 * not reachable any more stays in the CDT below its untyped and is freed by
 * revoking that untyped (see docs/sel4-deviations.md).
 *
 * Delete and revoke have preemptible forms for the CNode invocations: they
 * stop at a preemption point (kernel/preemption.h) with the CDT valid,
 * zombies counting what is left, and continue when called again.
 */
#include <kernel/cspace.h>
#include <kernel/preemption.h>

static bool cap_is_physical(cap_t c)
{
    switch (cap_type(c)) {
    case cap_untyped_cap:
    case cap_endpoint_cap:
    case cap_notification_cap:
    case cap_cnode_cap:
    case cap_thread_cap:
    case cap_zombie_cap:
    case cap_frame_cap:
    case cap_page_table_cap:
    case cap_page_directory_cap:
    case cap_pdpt_cap:
    case cap_pml4_cap:
    case cap_asid_pool_cap:
        return true;
    default:
        return false;
    }
}

/* log2 of the object's size in bytes (for region containment). */
static unsigned cap_object_bits(cap_t c)
{
    switch (cap_type(c)) {
    case cap_untyped_cap:
    case cap_frame_cap:
        return c.size_bits;
    case cap_endpoint_cap:
        return seL4_EndpointBits;
    case cap_notification_cap:
        return seL4_NotificationBits;
    case cap_cnode_cap:
        return c.size_bits + seL4_SlotBits;
    case cap_thread_cap:
        return seL4_TCBBits;
    case cap_zombie_cap:
        return c.flag ? seL4_TCBBits : c.size_bits + seL4_SlotBits;
    default:
        return 12; /* page tables, PML4, ASID pool */
    }
}

bool cap_same_region_as(cap_t a, cap_t b)
{
    switch (cap_type(a)) {
    case cap_untyped_cap:
        if (cap_is_physical(b)) {
            uint64_t a_base = (uint64_t)cap_ptr(a), b_base = (uint64_t)cap_ptr(b);
            uint64_t a_top = a_base + ((1ull << cap_object_bits(a)) - 1);
            uint64_t b_top = b_base + ((1ull << cap_object_bits(b)) - 1);
            return a_base <= b_base && b_top <= a_top && b_base <= b_top;
        }
        return false;
    case cap_endpoint_cap:
    case cap_notification_cap:
    case cap_thread_cap:
    case cap_page_table_cap:
    case cap_page_directory_cap:
    case cap_pdpt_cap:
    case cap_pml4_cap:
    case cap_asid_pool_cap:
        return cap_type(b) == cap_type(a) && cap_ptr(a) == cap_ptr(b);
    case cap_cnode_cap:
        return cap_type(b) == cap_cnode_cap && cap_ptr(a) == cap_ptr(b) &&
               a.size_bits == b.size_bits;
    case cap_frame_cap:
        if (cap_type(b) == cap_frame_cap) {
            uint64_t a_base = (uint64_t)cap_ptr(a), b_base = (uint64_t)cap_ptr(b);
            uint64_t a_top = a_base + ((1ull << a.size_bits) - 1);
            uint64_t b_top = b_base + ((1ull << b.size_bits) - 1);
            return a_base <= b_base && a_top >= b_top && b_base <= b_top;
        }
        return false;
    case cap_irq_control_cap:
        return cap_type(b) == cap_irq_control_cap || cap_type(b) == cap_irq_handler_cap;
    case cap_domain_cap:
    case cap_asid_control_cap:
        return cap_type(b) == cap_type(a);
    case cap_io_port_control_cap:
        return cap_type(b) == cap_io_port_control_cap || cap_type(b) == cap_io_port_cap;
    default:
        return false;
    }
}

bool cap_same_object_as(cap_t a, cap_t b)
{
    if (cap_type(a) == cap_untyped_cap)
        return false;
    if (cap_type(a) == cap_irq_control_cap && cap_type(b) == cap_irq_handler_cap)
        return false;
    if (cap_type(a) == cap_io_port_control_cap && cap_type(b) == cap_io_port_cap)
        return false;
    if (cap_type(a) == cap_frame_cap && cap_type(b) == cap_frame_cap)
        return cap_ptr(a) == cap_ptr(b) && a.size_bits == b.size_bits && a.flag == b.flag;
    return cap_same_region_as(a, b);
}

static bool cap_has_badge(cap_t c)
{
    return cap_type(c) == cap_endpoint_cap || cap_type(c) == cap_notification_cap;
}

bool cdt_is_parent_of(const cte_t *a, const cte_t *b)
{
    if (!mdb_revocable(a) || !cap_same_region_as(a->cap, b->cap))
        return false;
    if (cap_has_badge(a->cap)) {
        uint64_t badge = a->cap.data;
        if (badge == 0)
            return true;
        return badge == b->cap.data && !mdb_first_badged(b);
    }
    return true;
}

bool cdt_has_children(const cte_t *slot)
{
    const cte_t *next = mdb_next(slot);
    return next && cdt_is_parent_of(slot, next);
}

seL4_Error cdt_ensure_no_children(const cte_t *slot)
{
    return cdt_has_children(slot) ? syscall_error(seL4_RevokeFirst) : seL4_NoError;
}

seL4_Error cdt_ensure_empty(const cte_t *slot)
{
    return cte_is_empty(slot) ? seL4_NoError : syscall_error(seL4_DeleteFirst);
}

bool cdt_is_final(const cte_t *slot)
{
    const cte_t *prev = mdb_prev(slot), *next = mdb_next(slot);
    if (prev && cap_same_object_as(prev->cap, slot->cap))
        return false;
    return !next || !cap_same_object_as(slot->cap, next->cap);
}

static bool cap_is_revocable(cap_t derived, cap_t src)
{
    switch (cap_type(derived)) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        return derived.data != src.data;
    case cap_irq_handler_cap:
        return cap_type(src) == cap_irq_control_cap;
    case cap_io_port_cap:
        return cap_type(src) == cap_io_port_control_cap;
    case cap_untyped_cap:
        return true;
    default:
        return false;
    }
}

/*
 * seL4's setUntypedCapAsFull: once a copy of an untyped exists (the copy is
 * the source's CDT child), the source retypes from its own watermark while
 * the copy, having no children, would reset to the bottom of the same
 * memory. Marking the source full leaves all further retypes to the copy;
 * the source becomes usable again when the copy (its only child) is gone.
 */
static void untyped_mark_full_if_copied(cap_t new_cap, cte_t *src)
{
    if (cap_type(src->cap) == cap_untyped_cap && cap_type(new_cap) == cap_untyped_cap &&
        cap_ptr(src->cap) == cap_ptr(new_cap) && src->cap.size_bits == new_cap.size_bits)
        src->cap.data = 1ull << src->cap.size_bits;
}

void cdt_insert(cap_t new_cap, cte_t *src, cte_t *dest)
{
    bool revocable = cap_is_revocable(new_cap, src->cap);
    untyped_mark_full_if_copied(new_cap, src);
    cdt_link_after(src, dest, new_cap, revocable, revocable);
}

void cdt_insert_new(cte_t *parent, cte_t *dest, cap_t cap)
{
    cdt_link_after(parent, dest, cap, true, false);
}

void cdt_move(cap_t new_cap, cte_t *src, cte_t *dest)
{
    cte_t *prev = mdb_prev(src), *next = mdb_next(src);
    dest->cap = new_cap;
    dest->mdb_prev = src->mdb_prev;
    dest->mdb_next = src->mdb_next;
    src->cap = cap_null();
    src->mdb_prev = 0;
    src->mdb_next = 0;
    if (prev)
        mdb_set_next(prev, dest);
    if (next)
        mdb_set_prev(next, dest);
}

void cdt_swap(cap_t cap1, cte_t *slot1, cap_t cap2, cte_t *slot2)
{
    if (slot1 == slot2)
        return;
    cte_t *p1 = mdb_prev(slot1), *n1 = mdb_next(slot1);
    cte_t *p2 = mdb_prev(slot2), *n2 = mdb_next(slot2);
    uint64_t f1 = slot1->mdb_next & MDB_FLAGS, f2 = slot2->mdb_next & MDB_FLAGS;
    /* Position 1 gets slot2, position 2 gets slot1; rename neighbours. */
#define SWAPPED(x) ((x) == slot1 ? slot2 : (x) == slot2 ? slot1 : (x))
    p1 = SWAPPED(p1);
    n1 = SWAPPED(n1);
    p2 = SWAPPED(p2);
    n2 = SWAPPED(n2);
#undef SWAPPED
    slot2->cap = cap1;
    slot1->cap = cap2;
    slot2->mdb_prev = (uint64_t)p1;
    slot2->mdb_next = (uint64_t)n1 | f1;
    slot1->mdb_prev = (uint64_t)p2;
    slot1->mdb_next = (uint64_t)n2 | f2;
    if (p1 && p1 != slot1 && p1 != slot2)
        mdb_set_next(p1, slot2);
    if (n1 && n1 != slot1 && n1 != slot2)
        mdb_set_prev(n1, slot2);
    if (p2 && p2 != slot1 && p2 != slot2)
        mdb_set_next(p2, slot1);
    if (n2 && n2 != slot1 && n2 != slot2)
        mdb_set_prev(n2, slot1);
}


static cap_t zombie_new(cap_t owner, void *slots_owner, uint64_t n_slots)
{
    cap_t z = cap_make(cap_zombie_cap, slots_owner, owner.size_bits, n_slots);
    z.flag = cap_type(owner) == cap_thread_cap;
    return z;
}

/* Zombies in existence (including unreachable self-contained ones): a walk
 * from the top that descends through more zombies than this went round a
 * cycle. */
static uint64_t n_zombies;

/* Each pass of the outer loop empties one slot (or swaps two zombies), and
 * each empty slot a zombie's count steps over is a unit of work: at every
 * preemption point the zombies' counts are stored, so the CDT is valid and
 * a new call from the same top continues the work. */
static seL4_Error delete_slot(cte_t *top, bool preemptible)
{
    for (;;) {
        cte_t *cur = top;
        uint64_t steps = 0;
        for (;;) {
            cap_t c = cur->cap;
            if (cap_type(c) == cap_null_cap)
                return seL4_NoError; /* only top can be empty here */
            if (cap_type(c) != cap_zombie_cap) {
                bool final = cdt_is_final(cur);
                uint64_t n_slots = 0;
                cte_t *slots = final ? cap_owned_slots(c, &n_slots) : 0;
                cap_finalise(c, final);
                if (slots && n_slots) {
                    cur->cap = zombie_new(c, cap_ptr(c), n_slots);
                    n_zombies++;
                    continue;
                }
                cdt_unlink(cur);
                break;
            }
            uint64_t n_slots = 0;
            cte_t *slots = cap_owned_slots(c, &n_slots);
            uint64_t n = c.data;
            while (n > 0 && (cap_type(slots[n - 1].cap) == cap_null_cap || &slots[n - 1] == cur)) {
                n--;
                if (preemptible && preemption_point()) {
                    cur->cap.data = n;
                    return KERNEL_PREEMPTED;
                }
            }
            cur->cap.data = n;
            if (n == 0) {
                cdt_unlink(cur);
                n_zombies--;
                break;
            }
            cte_t *child = &slots[n - 1];
            if (cap_type(child->cap) == cap_zombie_cap && ++steps > n_zombies) {
                /* Around a cycle: leave each zombie inside its own object. */
                cdt_swap(child->cap, child, cur->cap, cur);
                break;
            }
            cur = child;
        }
        if (cur == top && cap_type(top->cap) == cap_null_cap)
            return seL4_NoError;
        if (preemptible && preemption_point())
            return KERNEL_PREEMPTED;
    }
}

/* seL4's cteRevoke: a preempted revoke has deleted a prefix of the
 * children (the first one may be a zombie still being emptied). */
static seL4_Error revoke_slot(cte_t *slot, bool preemptible)
{
    cte_t *next;
    while ((next = mdb_next(slot)) && cdt_is_parent_of(slot, next)) {
        seL4_Error err = delete_slot(next, preemptible);
        if (err != seL4_NoError)
            return err;
        if (preemptible && preemption_point())
            return KERNEL_PREEMPTED;
    }
    return seL4_NoError;
}

seL4_Error cdt_delete_preemptible(cte_t *slot)
{
    return delete_slot(slot, true);
}

seL4_Error cdt_revoke_preemptible(cte_t *slot)
{
    return revoke_slot(slot, true);
}

void cdt_delete(cte_t *slot)
{
    (void)delete_slot(slot, false);
}

void cdt_revoke(cte_t *slot)
{
    (void)revoke_slot(slot, false);
}

/*
 * The no-aliasing invariant: two caps to physical objects (untyped caps
 * excepted: they contain objects) either name the same object or cover
 * disjoint memory. Caps to one object are the same (address, size) pair;
 * a zombie stands for the CNode or TCB it was. O(n^2) in the caps walked:
 * a debugging aid for tests, never on a normal path.
 */
static bool cap_is_object(cap_t c)
{
    return cap_is_physical(c) && cap_type(c) != cap_untyped_cap;
}

static bool caps_alias(cap_t a, cap_t b)
{
    uint64_t a_base = (uint64_t)cap_ptr(a), b_base = (uint64_t)cap_ptr(b);
    uint64_t a_bits = cap_object_bits(a), b_bits = cap_object_bits(b);
    uint64_t a_top = a_base + ((1ull << a_bits) - 1), b_top = b_base + ((1ull << b_bits) - 1);
    if (a_top < b_base || b_top < a_base)
        return false;
    bool same_kind = cap_type(a) == cap_type(b) || cap_type(a) == cap_zombie_cap ||
                     cap_type(b) == cap_zombie_cap;
    return !(same_kind && a_base == b_base && a_bits == b_bits);
}

/*
 * A walk over a set of slots: the CDT descendants of one slot (n_heads 0),
 * or every CDT tree whose root is in a CNode (heads: its slots; a tree is
 * walked from its head, the slot with no predecessor, so once).
 */
struct cdt_walk {
    const cte_t *root, *cur, *heads;
    uint64_t n_heads, next_head;
};

static void walk_next_tree(struct cdt_walk *w)
{
    w->cur = 0;
    while (!w->cur && w->next_head < w->n_heads) {
        const cte_t *h = &w->heads[w->next_head++];
        if (cap_type(h->cap) != cap_null_cap && !mdb_prev(h))
            w->cur = h;
    }
}

static void walk_next(struct cdt_walk *w)
{
    const cte_t *next = mdb_next(w->cur);
    if (w->n_heads) {
        w->cur = next;
        if (!next)
            walk_next_tree(w);
    } else {
        w->cur = next && cdt_is_parent_of(w->root, next) ? next : 0;
    }
}

struct cdt_alias_report cdt_check_aliasing(const cte_t *slot, const cte_t *heads, uint64_t n_heads)
{
    struct cdt_alias_report r = { 0, 0, 0, 0 };
    struct cdt_walk a = { slot, slot, heads, n_heads, 0 };
    if (n_heads)
        walk_next_tree(&a);
    for (; a.cur; walk_next(&a)) {
        if (!cap_is_object(a.cur->cap))
            continue;
        r.n_caps++;
        struct cdt_walk b = a;
        for (walk_next(&b); b.cur; walk_next(&b)) {
            if (!cap_is_object(b.cur->cap) || !caps_alias(a.cur->cap, b.cur->cap))
                continue;
            if (!r.n_conflicts++) {
                r.first = a.cur;
                r.second = b.cur;
            }
        }
    }
    return r;
}
