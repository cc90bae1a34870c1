// SPDX-License-Identifier: BSD-2-Clause
/*
 * Untyped manager (see <kaal/broker.h>): a buddy allocator whose blocks are
 * untyped caps.
 *
 * Model. Every untyped the manager owns is a node: FREE (no children, so
 * its watermark is at 0), SPLIT (retyped into exactly two untyped halves, in
 * one seL4_Untyped_Retype of num_objects = 2, which places them at offsets 0
 * and 2^(n-1): seL4 puts children at increasing offsets aligned to their
 * size), or USED (retyped into exactly one object). An object of 2^k bytes is
 * made by splitting the smallest free block that fits down to 2^k and
 * retyping that leaf. Freeing revokes the leaf, which deletes the object and
 * resets the leaf's watermark; then, while the buddy is free too, the parent
 * is revoked (deleting both halves) and becomes one free block again. So
 * memory is only ever reused after a revoke, as seL4 requires.
 *
 * Invariants: a SPLIT node's halves cover it exactly; after every public
 * call no SPLIT node has two FREE halves (unless a revoke failed, in which
 * case the halves stay usable and merge on a later free); free_bytes is the
 * sum of the sizes of FREE non-device nodes.
 */
#include <kaal/broker.h>
#include <kaal/string.h>
#include <sel4/object_types.h>

_Static_assert(KAAL_UNTYPED_OBJECT_TYPE == seL4_UntypedObject &&
                   KAAL_UNTYPED_MIN_BITS == seL4_MinUntypedBits &&
                   KAAL_UNTYPED_MAX_BITS == seL4_MaxUntypedBits,
               "the manager's constants are seL4's");

static uint64_t bytes(uint8_t size_bits)
{
    return 1ull << size_bits;
}

static uint32_t node_get(kaal_untyped_mgr_t *ut)
{
    uint32_t i = ut->free_list;
    if (i != KAAL_UT_NONE)
        ut->free_list = ut->nodes[i].parent;
    return i;
}

static void node_put(kaal_untyped_mgr_t *ut, uint32_t i)
{
    ut->nodes[i] = (kaal_ut_node_t){.state = KAAL_UT_NODE_UNUSED, .parent = ut->free_list};
    ut->free_list = i;
}

static void set_state(kaal_untyped_mgr_t *ut, kaal_ut_node_t *n, kaal_ut_node_state_t state)
{
    if (!n->device && n->state == KAAL_UT_NODE_FREE)
        ut->free_bytes -= bytes(n->size_bits);
    n->state = (uint8_t)state;
    if (!n->device && state == KAAL_UT_NODE_FREE)
        ut->free_bytes += bytes(n->size_bits);
}

kaal_error_t kaal_untyped_init(kaal_untyped_mgr_t *ut, kaal_untyped_ops_t ops,
                               kaal_cspace_t *cspace, kaal_ut_node_t *nodes, size_t capacity)
{
    if (capacity >= KAAL_UT_NONE)
        return KAAL_EINVAL;
    *ut = (kaal_untyped_mgr_t){.ops = ops,
                               .cspace = cspace,
                               .nodes = nodes,
                               .capacity = (uint32_t)capacity,
                               .free_list = KAAL_UT_NONE};
    for (uint32_t i = (uint32_t)capacity; i-- > 0;)
        node_put(ut, i);
    return KAAL_OK;
}

kaal_error_t kaal_untyped_add(kaal_untyped_mgr_t *ut, seL4_CPtr cap, uint64_t paddr,
                              uint8_t size_bits, bool device)
{
    if (size_bits < KAAL_UNTYPED_MIN_BITS || size_bits > KAAL_UNTYPED_MAX_BITS ||
        (paddr & (bytes(size_bits) - 1)) != 0)
        return KAAL_EINVAL;
    uint32_t i = node_get(ut);
    if (i == KAAL_UT_NONE)
        return KAAL_ENOSPC;
    ut->nodes[i] = (kaal_ut_node_t){.paddr = paddr,
                                    .cap = cap,
                                    .parent = KAAL_UT_NONE,
                                    .child = {KAAL_UT_NONE, KAAL_UT_NONE},
                                    .size_bits = size_bits,
                                    .state = KAAL_UT_NODE_UNUSED,
                                    .device = device};
    set_state(ut, &ut->nodes[i], KAAL_UT_NODE_FREE);
    return KAAL_OK;
}

kaal_error_t kaal_untyped_add_bootinfo(kaal_untyped_mgr_t *ut, const seL4_BootInfo *bi)
{
    seL4_Word n = bi->untyped.end - bi->untyped.start;
    if (bi->untyped.end < bi->untyped.start || n > CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS)
        return KAAL_EINVAL;
    for (seL4_Word i = 0; i < n; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        kaal_error_t err =
            kaal_untyped_add(ut, bi->untyped.start + i, d->paddr, d->sizeBits, d->isDevice != 0);
        if (err != KAAL_OK)
            return err;
    }
    return KAAL_OK;
}

static seL4_Error retype(kaal_untyped_mgr_t *ut, const kaal_ut_node_t *n, seL4_Word type,
                         seL4_Word size_bits, seL4_CPtr slot, seL4_Word count)
{
    const kaal_cspace_t *cs = ut->cspace;
    return ut->ops.retype(ut->ops.ctx, n->cap, type, size_bits, cs->root, cs->node_index,
                          cs->node_depth, slot, count);
}

static seL4_Error revoke(kaal_untyped_mgr_t *ut, const kaal_ut_node_t *n)
{
    return ut->ops.revoke(ut->ops.ctx, ut->cspace->root, n->cap, ut->cspace->slot_depth);
}

/* Splits FREE node i into two FREE halves. */
static kaal_error_t split(kaal_untyped_mgr_t *ut, uint32_t i)
{
    kaal_slot_ret_t slots = kaal_cspace_alloc(ut->cspace, 2);
    if (slots.err != KAAL_OK)
        return slots.err;
    uint32_t c0 = node_get(ut);
    uint32_t c1 = node_get(ut);
    kaal_error_t err = KAAL_ENOSPC;
    kaal_ut_node_t *n = &ut->nodes[i];
    if (c1 != KAAL_UT_NONE) {
        err = KAAL_ESEL4;
        if (retype(ut, n, KAAL_UNTYPED_OBJECT_TYPE, n->size_bits - 1u, slots.slot, 2) ==
            seL4_NoError) {
            set_state(ut, n, KAAL_UT_NODE_SPLIT);
            uint8_t half = (uint8_t)(n->size_bits - 1);
            for (unsigned k = 0; k < 2; k++) {
                uint32_t c = k ? c1 : c0;
                ut->nodes[c] = (kaal_ut_node_t){.paddr = n->paddr + k * bytes(half),
                                                .cap = slots.slot + k,
                                                .parent = i,
                                                .child = {KAAL_UT_NONE, KAAL_UT_NONE},
                                                .size_bits = half,
                                                .state = KAAL_UT_NODE_UNUSED,
                                                .device = n->device};
                set_state(ut, &ut->nodes[c], KAAL_UT_NODE_FREE);
            }
            n->child[0] = c0;
            n->child[1] = c1;
            return KAAL_OK;
        }
    }
    if (c1 != KAAL_UT_NONE)
        node_put(ut, c1);
    if (c0 != KAAL_UT_NONE)
        node_put(ut, c0);
    kaal_cspace_free(ut->cspace, slots.slot, 2);
    return err;
}

/* Merges FREE node i with its buddy, and upwards, while both halves are free. */
static void coalesce(kaal_untyped_mgr_t *ut, uint32_t i)
{
    while (ut->nodes[i].parent != KAAL_UT_NONE) {
        uint32_t p = ut->nodes[i].parent;
        kaal_ut_node_t *parent = &ut->nodes[p];
        uint32_t c0 = parent->child[0], c1 = parent->child[1];
        if (ut->nodes[c0].state != KAAL_UT_NODE_FREE || ut->nodes[c1].state != KAAL_UT_NODE_FREE)
            return;
        if (revoke(ut, parent) != seL4_NoError)
            return;
        seL4_CPtr first_slot = ut->nodes[c0].cap;
        set_state(ut, &ut->nodes[c0], KAAL_UT_NODE_UNUSED);
        set_state(ut, &ut->nodes[c1], KAAL_UT_NODE_UNUSED);
        node_put(ut, c0);
        node_put(ut, c1);
        kaal_cspace_free(ut->cspace, first_slot, 2);
        parent->child[0] = parent->child[1] = KAAL_UT_NONE;
        set_state(ut, parent, KAAL_UT_NODE_FREE);
        i = p;
    }
}

/* Retypes FREE leaf i into the object; on failure merges it back. */
static kaal_ut_alloc_ret_t make_object(kaal_untyped_mgr_t *ut, uint32_t i, seL4_Word type,
                                       seL4_Word size_bits)
{
    kaal_slot_ret_t slot = kaal_cspace_alloc(ut->cspace, 1);
    kaal_error_t err = slot.err;
    if (err == KAAL_OK) {
        if (retype(ut, &ut->nodes[i], type, size_bits, slot.slot, 1) == seL4_NoError) {
            kaal_ut_node_t *n = &ut->nodes[i];
            set_state(ut, n, KAAL_UT_NODE_USED);
            n->object = slot.slot;
            return (kaal_ut_alloc_ret_t){.err = KAAL_OK, .cap = slot.slot, .paddr = n->paddr};
        }
        kaal_cspace_free(ut->cspace, slot.slot, 1);
        err = KAAL_ESEL4;
    }
    coalesce(ut, i);
    return (kaal_ut_alloc_ret_t){.err = err};
}

/* The half of SPLIT node i that contains paddr. */
static uint32_t child_at(const kaal_untyped_mgr_t *ut, uint32_t i, uint64_t paddr)
{
    const kaal_ut_node_t *n = &ut->nodes[i];
    return paddr >= ut->nodes[n->child[1]].paddr ? n->child[1] : n->child[0];
}

/* Splits FREE node i down to 2^size_bits around paddr, then makes the object. */
static kaal_ut_alloc_ret_t carve(kaal_untyped_mgr_t *ut, uint32_t i, seL4_Word type,
                                 seL4_Word size_bits, uint8_t footprint_bits, uint64_t paddr)
{
    while (ut->nodes[i].size_bits > footprint_bits) {
        kaal_error_t err = split(ut, i);
        if (err != KAAL_OK) {
            coalesce(ut, i);
            return (kaal_ut_alloc_ret_t){.err = err};
        }
        i = child_at(ut, i, paddr);
    }
    return make_object(ut, i, type, size_bits);
}

static bool bad_footprint(uint8_t footprint_bits)
{
    return footprint_bits < KAAL_UNTYPED_MIN_BITS || footprint_bits > KAAL_UNTYPED_MAX_BITS;
}

kaal_ut_alloc_ret_t kaal_untyped_alloc(kaal_untyped_mgr_t *ut, seL4_Word type, seL4_Word size_bits,
                                       uint8_t footprint_bits)
{
    if (bad_footprint(footprint_bits))
        return (kaal_ut_alloc_ret_t){.err = KAAL_EINVAL};
    uint32_t best = KAAL_UT_NONE;
    for (uint32_t i = 0; i < ut->capacity; i++) {
        const kaal_ut_node_t *n = &ut->nodes[i];
        if (n->state != KAAL_UT_NODE_FREE || n->device || n->size_bits < footprint_bits)
            continue;
        if (best == KAAL_UT_NONE || n->size_bits < ut->nodes[best].size_bits)
            best = i;
    }
    if (best == KAAL_UT_NONE)
        return (kaal_ut_alloc_ret_t){.err = KAAL_ENOMEM};
    return carve(ut, best, type, size_bits, footprint_bits, ut->nodes[best].paddr);
}

kaal_ut_alloc_ret_t kaal_untyped_alloc_at(kaal_untyped_mgr_t *ut, seL4_Word type,
                                          seL4_Word size_bits, uint8_t footprint_bits,
                                          uint64_t paddr)
{
    if (bad_footprint(footprint_bits) || (paddr & (bytes(footprint_bits) - 1)) != 0)
        return (kaal_ut_alloc_ret_t){.err = KAAL_EINVAL};
    uint32_t i = KAAL_UT_NONE;
    for (uint32_t k = 0; k < ut->capacity; k++) {
        const kaal_ut_node_t *n = &ut->nodes[k];
        if (n->state != KAAL_UT_NODE_UNUSED && n->parent == KAAL_UT_NONE &&
            n->size_bits >= footprint_bits && paddr >= n->paddr &&
            paddr - n->paddr < bytes(n->size_bits)) {
            i = k;
            break;
        }
    }
    if (i == KAAL_UT_NONE)
        return (kaal_ut_alloc_ret_t){.err = KAAL_ENOENT};
    while (ut->nodes[i].state == KAAL_UT_NODE_SPLIT && ut->nodes[i].size_bits > footprint_bits)
        i = child_at(ut, i, paddr);
    if (ut->nodes[i].state != KAAL_UT_NODE_FREE)
        return (kaal_ut_alloc_ret_t){.err = KAAL_EBUSY};
    return carve(ut, i, type, size_bits, footprint_bits, paddr);
}

kaal_error_t kaal_untyped_free(kaal_untyped_mgr_t *ut, seL4_CPtr object_cap)
{
    for (uint32_t i = 0; i < ut->capacity; i++) {
        kaal_ut_node_t *n = &ut->nodes[i];
        if (n->state != KAAL_UT_NODE_USED || n->object != object_cap)
            continue;
        if (revoke(ut, n) != seL4_NoError)
            return KAAL_ESEL4;
        kaal_cspace_free(ut->cspace, n->object, 1);
        n->object = 0;
        set_state(ut, n, KAAL_UT_NODE_FREE);
        coalesce(ut, i);
        return KAAL_OK;
    }
    return KAAL_ENOENT;
}
