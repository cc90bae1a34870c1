// SPDX-License-Identifier: BSD-2-Clause
/*
 * CSpace slot allocator (see <kaal/broker.h>): a bitmap over slots
 * [first, end) of one CNode, one bit per slot, set while the slot is handed
 * out. Runs of consecutive slots are found by a first-fit scan, which is what
 * seL4_Untyped_Retype needs for several objects at once.
 *
 * Invariant: n_free equals the number of clear bits in [first, end).
 */
#include <kaal/broker.h>
#include <kaal/string.h>

static bool slot_used(const kaal_cspace_t *cs, seL4_SlotPos i)
{
    return (cs->bitmap[i / 64] >> (i % 64)) & 1;
}

static void slot_set(kaal_cspace_t *cs, seL4_SlotPos i, bool used)
{
    if (used)
        cs->bitmap[i / 64] |= 1ull << (i % 64);
    else
        cs->bitmap[i / 64] &= ~(1ull << (i % 64));
}

kaal_error_t kaal_cspace_init(kaal_cspace_t *cs, seL4_CNode root, seL4_Word node_index,
                              seL4_Word node_depth, seL4_Uint8 slot_depth, seL4_SlotPos first,
                              seL4_SlotPos end, uint64_t *bitmap, size_t bitmap_words)
{
    if (end < first || KAAL_CSPACE_BITMAP_WORDS(end - first) > bitmap_words)
        return KAAL_EINVAL;
    *cs = (kaal_cspace_t){.root = root,
                          .node_index = node_index,
                          .node_depth = node_depth,
                          .slot_depth = slot_depth,
                          .first = first,
                          .end = end,
                          .bitmap = bitmap,
                          .n_free = end - first};
    memset(bitmap, 0, bitmap_words * sizeof(uint64_t));
    return KAAL_OK;
}

kaal_slot_ret_t kaal_cspace_alloc(kaal_cspace_t *cs, size_t n_slots)
{
    if (n_slots == 0)
        return (kaal_slot_ret_t){.err = KAAL_EINVAL};
    seL4_SlotPos n_total = cs->end - cs->first;
    if (n_slots <= cs->n_free) {
        seL4_SlotPos run = 0;
        for (seL4_SlotPos i = 0; i < n_total; i++) {
            run = slot_used(cs, i) ? 0 : run + 1;
            if (run < n_slots)
                continue;
            seL4_SlotPos start = i + 1 - n_slots;
            for (seL4_SlotPos k = start; k <= i; k++)
                slot_set(cs, k, true);
            cs->n_free -= n_slots;
            return (kaal_slot_ret_t){.err = KAAL_OK, .slot = cs->first + start};
        }
    }
    return (kaal_slot_ret_t){.err = KAAL_ENOSPC};
}

kaal_error_t kaal_cspace_free(kaal_cspace_t *cs, seL4_CPtr first, size_t n_slots)
{
    if (first < cs->first || first > cs->end || n_slots > cs->end - first)
        return KAAL_EINVAL;
    for (size_t k = 0; k < n_slots; k++) {
        if (!slot_used(cs, first - cs->first + k))
            return KAAL_EINVAL;
    }
    for (size_t k = 0; k < n_slots; k++)
        slot_set(cs, first - cs->first + k, false);
    cs->n_free += n_slots;
    return KAAL_OK;
}
