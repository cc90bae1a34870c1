// SPDX-License-Identifier: BSD-2-Clause
/*
 * The capability derivation tree (kernel/object/cdt.c) on a model: slots in
 * host memory, object hooks stubbed here (CNodes own slots; finalisation is
 * counted). Checks seL4's derivation rules, revoke, finality, and that
 * deleting nested and cyclic CNodes terminates with the list intact; a
 * seeded random run checks the list invariants after every operation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cspace.h>
#include <kernel/preemption.h>

static unsigned n_final_cnodes, n_finalised;

/* The kernel's preemption point, stubbed: with preempt_every = k every
 * k-th unit of work reports a pending interrupt. */
static unsigned preempt_every, n_units;

bool preemption_point(void)
{
    return preempt_every && ++n_units % preempt_every == 0;
}

cte_t *cap_owned_slots(cap_t cap, uint64_t *n_slots)
{
    if (cap_type(cap) == cap_cnode_cap || cap_type(cap) == cap_zombie_cap) {
        *n_slots = 1ull << cap.size_bits;
        return cap_cnode_slots(cap);
    }
    *n_slots = 0;
    return NULL;
}

void cap_finalise(cap_t cap, bool final)
{
    n_finalised++;
    if (final && cap_type(cap) == cap_cnode_cap)
        n_final_cnodes++;
}

/* The model's memory: one untyped region holding everything. */
#define MEM_BYTES (1u << 20)
static uint8_t *mem;
static size_t mem_used;
static cte_t *root; /* 256 slots */

static void *carve(size_t bytes)
{
    mem_used = (mem_used + bytes - 1) & ~(bytes - 1);
    void *p = mem + mem_used;
    mem_used += bytes;
    assert_true(mem_used <= MEM_BYTES);
    return p;
}

static int setup(void **state)
{
    (void)state;
    mem = aligned_alloc(MEM_BYTES, MEM_BYTES);
    memset(mem, 0, MEM_BYTES);
    mem_used = 0;
    root = carve(256 * sizeof(cte_t));
    n_final_cnodes = n_finalised = 0;
    preempt_every = n_units = 0;
    /* Slot 0: the untyped covering all of mem, a CDT root. */
    root[0].cap = cap_make(cap_untyped_cap, mem, 20, 0);
    mdb_set_flags(&root[0], true, true);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(mem);
    return 0;
}

static bool empty(const cte_t *s)
{
    return cap_type(s->cap) == cap_null_cap && !s->mdb_prev && !s->mdb_next;
}

/* Every link is mirrored and no non-empty slot points at an empty one. */
static void check_list(void)
{
    for (unsigned i = 0; i < 256; i++) {
        cte_t *s = &root[i];
        if (mdb_next(s))
            assert_ptr_equal(mdb_prev(mdb_next(s)), s);
        if (mdb_prev(s))
            assert_ptr_equal(mdb_next(mdb_prev(s)), s);
        if (cap_type(s->cap) == cap_null_cap)
            assert_true(empty(s));
    }
}

static cap_t new_object(cap_type_t type, size_t bytes, unsigned size_bits, cte_t *dest)
{
    cap_t c = cap_make(type, carve(bytes), size_bits, 0);
    if (type == cap_endpoint_cap)
        c.rights = CAP_RIGHTS_ALL;
    cdt_insert_new(&root[0], dest, c);
    return c;
}

static cte_t *new_cnode(unsigned radix, cte_t *dest)
{
    return cap_cnode_slots(new_object(cap_cnode_cap, sizeof(cte_t) << radix, radix, dest));
}

static void test_copies_are_not_final_until_one_is_left(void **state)
{
    (void)state;
    new_object(cap_endpoint_cap, 16, 0, &root[1]);
    cdt_insert(root[1].cap, &root[1], &root[2]);
    assert_false(cdt_is_final(&root[1]));
    assert_false(cdt_is_final(&root[2]));
    cdt_delete(&root[1]);
    assert_true(cdt_is_final(&root[2]));
    check_list();
}

static void test_untyped_has_children_until_revoked(void **state)
{
    (void)state;
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_NoError);
    new_object(cap_endpoint_cap, 16, 0, &root[1]);
    new_object(cap_notification_cap, 32, 0, &root[2]);
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_RevokeFirst);
    cdt_revoke(&root[0]);
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_NoError);
    assert_true(empty(&root[1]) && empty(&root[2]));
    check_list();
}

static void test_badged_copy_is_child_of_unbadged_only(void **state)
{
    (void)state;
    new_object(cap_endpoint_cap, 16, 0, &root[1]);
    cap_t badged = root[1].cap;
    badged.data = 7;
    cdt_insert(badged, &root[1], &root[2]);         /* mint: revocable, first badged */
    cdt_insert(root[2].cap, &root[2], &root[3]);    /* copy of the badged cap */
    cap_t other = root[1].cap;
    other.data = 8;
    cdt_insert(other, &root[1], &root[4]);
    assert_true(cdt_is_parent_of(&root[1], &root[2]));
    assert_true(cdt_is_parent_of(&root[2], &root[3]));
    cdt_revoke(&root[2]);
    assert_true(empty(&root[3]));
    assert_false(empty(&root[4]));
    cdt_revoke(&root[1]);
    assert_true(empty(&root[2]) && empty(&root[4]));
    check_list();
}

static void test_move_keeps_position_and_children(void **state)
{
    (void)state;
    new_object(cap_untyped_cap, 4096, 12, &root[1]);
    root[1].cap.type = cap_untyped_cap;
    cap_t ep = cap_make(cap_endpoint_cap, cap_ptr(root[1].cap), 0, 0);
    cdt_insert_new(&root[1], &root[2], ep);
    cdt_move(root[1].cap, &root[1], &root[5]);
    assert_true(empty(&root[1]));
    assert_int_equal(cdt_ensure_no_children(&root[5]), seL4_RevokeFirst);
    cdt_revoke(&root[5]);
    assert_true(empty(&root[2]));
    check_list();
}

static void test_swap_of_adjacent_slots_keeps_list(void **state)
{
    (void)state;
    new_object(cap_endpoint_cap, 16, 0, &root[1]);
    cdt_insert(root[1].cap, &root[1], &root[2]);
    cap_t a = root[1].cap, b = root[2].cap;
    cdt_swap(a, &root[1], b, &root[2]);
    check_list();
    cdt_swap(root[2].cap, &root[2], root[1].cap, &root[1]);
    check_list();
    cdt_revoke(&root[0]);
    assert_true(empty(&root[1]) && empty(&root[2]));
}

static void test_deleting_cnode_deletes_contents(void **state)
{
    (void)state;
    cte_t *cn = new_cnode(2, &root[1]);
    new_object(cap_endpoint_cap, 16, 0, &root[2]);
    cdt_move(root[2].cap, &root[2], &cn[3]);
    cdt_delete(&root[1]);
    assert_true(empty(&root[1]));
    assert_true(empty(&cn[3]));
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_NoError);
    check_list();
}

static void test_deep_nesting_deletes_iteratively(void **state)
{
    (void)state;
    cte_t *outer = new_cnode(1, &root[1]), *prev = outer;
    for (int i = 0; i < 2000; i++) {
        cte_t *next = new_cnode(1, &root[2]);
        cdt_move(root[2].cap, &root[2], &prev[0]);
        prev = next;
    }
    cdt_delete(&root[1]);
    assert_true(empty(&root[1]));
    assert_int_equal(n_final_cnodes, 2001);
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_NoError);
}

static void test_cnode_cycle_terminates_and_revoke_reclaims(void **state)
{
    (void)state;
    cte_t *a = new_cnode(2, &root[1]);
    cte_t *b = new_cnode(2, &root[2]);
    cdt_move(root[2].cap, &root[2], &a[0]); /* b only in a */
    cdt_insert(root[1].cap, &root[1], &b[1]);
    cdt_delete(&root[1]);                    /* a only in b: unreachable cycle */
    cdt_revoke(&root[0]);
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_NoError);
    for (unsigned i = 0; i < 4; i++)
        assert_true(empty(&a[i]) && empty(&b[i]));
}

static void test_cnode_containing_itself_is_reclaimed(void **state)
{
    (void)state;
    cte_t *a = new_cnode(2, &root[1]);
    cdt_move(root[1].cap, &root[1], &a[2]);
    cdt_delete(&a[2]);
    assert_true(empty(&a[2]));
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_NoError);
}

/* Calls op until it finishes, checking the list at every preemption. */
static unsigned run_preempted(seL4_Error (*op)(cte_t *), cte_t *slot)
{
    unsigned stops = 0;
    seL4_Error err;
    while ((err = op(slot)) == KERNEL_PREEMPTED) {
        stops++;
        check_list();
        assert_true(stops < 100000);
    }
    assert_int_equal(err, seL4_NoError);
    return stops;
}

static void test_preempted_revoke_continues_to_the_end(void **state)
{
    (void)state;
    new_object(cap_endpoint_cap, 16, 0, &root[1]);
    for (unsigned i = 2; i < 200; i++)
        cdt_insert(root[1].cap, &root[1], &root[i]);
    cte_t *a = new_cnode(3, &root[200]);
    for (unsigned i = 0; i < 8; i++)
        new_cnode(4, &a[i]);
    preempt_every = 7;
    assert_true(run_preempted(cdt_revoke_preemptible, &root[1]) > 10);
    for (unsigned i = 2; i < 200; i++)
        assert_true(empty(&root[i]));
    assert_false(empty(&root[1]));
    assert_true(run_preempted(cdt_revoke_preemptible, &root[0]) > 0);
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_NoError);
    assert_int_equal(n_final_cnodes, 9);
    for (unsigned i = 1; i < 256; i++)
        assert_true(empty(&root[i]));
}

static void test_preempted_delete_of_nested_and_cyclic_cnodes_finishes(void **state)
{
    (void)state;
    cte_t *outer = new_cnode(6, &root[1]), *prev = outer;
    for (int i = 0; i < 50; i++) {
        cte_t *next = new_cnode(5, &root[2]);
        cdt_move(root[2].cap, &root[2], &prev[i % 32]);
        prev = next;
    }
    new_cnode(2, &root[3]);
    cdt_move(root[3].cap, &root[3], &outer[40]);
    preempt_every = 3;
    assert_true(run_preempted(cdt_delete_preemptible, &root[1]) > 10);
    assert_true(empty(&root[1]));
    assert_int_equal(n_final_cnodes, 52);
    /* A cycle: the outer CNode inside the innermost, and nothing else. */
    outer = new_cnode(6, &root[1]);
    prev = outer;
    for (int i = 0; i < 20; i++) {
        cte_t *next = new_cnode(5, &root[2]);
        cdt_move(root[2].cap, &root[2], &prev[i % 32]);
        prev = next;
    }
    cdt_insert(root[1].cap, &root[1], &prev[7]);
    assert_int_equal(run_preempted(cdt_delete_preemptible, &root[1]), 0); /* not final */
    assert_true(run_preempted(cdt_revoke_preemptible, &root[0]) > 10);
    assert_int_equal(cdt_ensure_no_children(&root[0]), seL4_NoError);
    for (unsigned i = 1; i < 256; i++)
        assert_true(empty(&root[i]));
}

static uint64_t seed = 12345;
static unsigned rnd(unsigned n)
{
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((seed >> 33) % n);
}

static void test_random_operations_keep_the_list_consistent(void **state)
{
    (void)state;
    for (int step = 0; step < 20000; step++) {
        cte_t *a = &root[1 + rnd(255)], *b = &root[1 + rnd(255)];
        switch (rnd(6)) {
        case 0:
            if (empty(a) && mem_used + 64 < MEM_BYTES)
                new_object(rnd(2) ? cap_endpoint_cap : cap_cnode_cap, 64, 1, a);
            break;
        case 1:
            if (!empty(a) && empty(b) && cap_type(a->cap) != cap_untyped_cap &&
                cap_type(a->cap) != cap_zombie_cap) {
                cap_t c = a->cap;
                if (cap_type(c) == cap_endpoint_cap && rnd(2))
                    c.data = c.data ? c.data : 1 + rnd(3);
                cdt_insert(c, a, b);
            }
            break;
        case 2:
            if (!empty(a) && empty(b))
                cdt_move(a->cap, a, b);
            break;
        case 3:
            cdt_delete(a);
            break;
        case 4:
            cdt_revoke(a);
            break;
        default:
            if (!empty(a) && !empty(b))
                cdt_swap(a->cap, a, b->cap, b);
            break;
        }
        check_list();
        if (rnd(2000) == 0) {
            cdt_revoke(&root[0]);
            mem_used = 256 * sizeof(cte_t);
        }
    }
    cdt_revoke(&root[0]);
    for (unsigned i = 1; i < 256; i++)
        assert_true(empty(&root[i]));
}

static void test_copy_of_an_untyped_marks_the_source_full(void **state)
{
    (void)state;
    new_object(cap_untyped_cap, 4096, 12, &root[1]);
    root[1].cap.data = 256; /* some watermark */
    cdt_insert(root[1].cap, &root[1], &root[2]);
    assert_int_equal(root[1].cap.data, 4096);
    assert_int_equal(root[2].cap.data, 256); /* the copy keeps the watermark */
    assert_true(cdt_is_parent_of(&root[1], &root[2]));
    check_list();
}

static void test_copy_of_other_caps_leaves_the_source_alone(void **state)
{
    (void)state;
    new_object(cap_endpoint_cap, 16, 0, &root[1]);
    cap_t badged = root[1].cap;
    badged.data = 5;
    cdt_insert(badged, &root[1], &root[2]);
    assert_int_equal(root[1].cap.data, 0);
    /* An untyped inserted below another (bigger) untyped: not a copy. */
    cap_t small = cap_make(cap_untyped_cap, mem, 12, 0);
    cdt_insert(small, &root[0], &root[3]);
    assert_int_equal(root[0].cap.data, 0);
    check_list();
}

static void test_aliasing_check_finds_overlapping_objects_only(void **state)
{
    (void)state;
    new_object(cap_untyped_cap, 8192, 13, &root[1]);
    cap_t f = cap_make(cap_frame_cap, cap_ptr(root[1].cap), 12, 0);
    cdt_insert_new(&root[1], &root[2], f);
    cdt_insert(f, &root[2], &root[3]); /* a copy: the same object */
    struct cdt_alias_report r = cdt_check_aliasing(&root[0], NULL, 0);
    assert_int_equal(r.n_conflicts, 0);
    assert_int_equal(r.n_caps, 2);
    /* A TCB over the frame's memory: two objects, one memory. */
    cap_t t = cap_make(cap_thread_cap, (uint8_t *)cap_ptr(f) + 2048, 0, 0);
    cdt_insert_new(&root[1], &root[4], t);
    r = cdt_check_aliasing(&root[0], NULL, 0);
    assert_int_equal(r.n_conflicts, 2); /* with the frame and with its copy */
    assert_true(r.first == &root[4] || r.second == &root[4]);
    /* The same from the CNode view: every tree rooted in root[]. */
    r = cdt_check_aliasing(NULL, root, 256);
    assert_int_equal(r.n_conflicts, 2);
    /* A subtree that does not hold both sees nothing. */
    r = cdt_check_aliasing(&root[2], NULL, 0);
    assert_int_equal(r.n_conflicts, 0);
}

static void test_aliasing_check_sees_trees_of_different_roots(void **state)
{
    (void)state;
    /* A second CDT root (as boot caps are) whose frame overlaps an object
     * made from the untyped at root[0]. */
    new_object(cap_endpoint_cap, 16, 0, &root[1]);
    root[9].cap = cap_make(cap_frame_cap, (uint8_t *)cap_ptr(root[1].cap) - 0, 12, 0);
    mdb_set_flags(&root[9], true, true);
    struct cdt_alias_report r = cdt_check_aliasing(NULL, root, 256);
    assert_int_equal(r.n_conflicts, 1);
    assert_int_equal(cdt_check_aliasing(&root[0], NULL, 0).n_conflicts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_copies_are_not_final_until_one_is_left, setup, teardown),
        cmocka_unit_test_setup_teardown(test_untyped_has_children_until_revoked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_badged_copy_is_child_of_unbadged_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_keeps_position_and_children, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swap_of_adjacent_slots_keeps_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleting_cnode_deletes_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting_deletes_iteratively, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cnode_cycle_terminates_and_revoke_reclaims, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cnode_containing_itself_is_reclaimed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preempted_revoke_continues_to_the_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preempted_delete_of_nested_and_cyclic_cnodes_finishes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_operations_keep_the_list_consistent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_copy_of_an_untyped_marks_the_source_full, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_copy_of_other_caps_leaves_the_source_alone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_aliasing_check_finds_overlapping_objects_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_aliasing_check_sees_trees_of_different_roots, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
