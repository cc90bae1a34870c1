// SPDX-License-Identifier: BSD-2-Clause
/* CPtr resolution (kernel/object/cspace.c) on CNodes built in host memory:
 * guards, radices, depths and the seL4 lookup-failure details. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cspace.h>

static cte_t *new_cnode(unsigned radix)
{
    size_t bytes = sizeof(cte_t) << radix;
    cte_t *c = aligned_alloc(bytes < 32 ? 32 : bytes, bytes);
    assert_non_null(c);
    memset(c, 0, bytes);
    return c;
}

static cap_t cnode_cap(cte_t *slots, unsigned radix, uint64_t guard, unsigned guard_size)
{
    return cap_make(cap_cnode_cap, slots, radix, (guard << 6) | guard_size);
}

static void test_root_cnode_resolves_low_cptrs_at_full_depth(void **state)
{
    (void)state;
    cte_t *root = new_cnode(12);
    cap_t cap = cnode_cap(root, 12, 0, 52);
    resolve_ret_t r = cspace_resolve(cap, 1234, 64);
    assert_true(r.ok);
    assert_ptr_equal(r.slot, &root[1234]);
    assert_int_equal(r.bits_remaining, 0);
    free(root);
}

static void test_guard_mismatch_reports_guard_and_bits(void **state)
{
    (void)state;
    cte_t *root = new_cnode(12);
    cap_t cap = cnode_cap(root, 12, 0, 52);
    resolve_ret_t r = cspace_resolve(cap, 1ull << 20, 64);
    assert_false(r.ok);
    assert_int_equal(klookup_fault.type, seL4_GuardMismatch);
    assert_int_equal(klookup_fault.bits_left, 64);
    assert_int_equal(klookup_fault.bits_found, 52);
    assert_int_equal(klookup_fault.guard_found, 0);
    /* Fewer bits than the guard. */
    r = cspace_resolve(cap, 5, 12);
    assert_false(r.ok);
    assert_int_equal(klookup_fault.type, seL4_GuardMismatch);
    assert_int_equal(klookup_fault.bits_left, 12);
    free(root);
}

static void test_depth_shorter_than_level_is_depth_mismatch(void **state)
{
    (void)state;
    cte_t *cn = new_cnode(4);
    cap_t cap = cnode_cap(cn, 4, 0x5, 3);
    resolve_ret_t r = cspace_resolve(cap, 0x14, 5); /* guard 0b101 fits, radix does not */
    assert_false(r.ok);
    assert_int_equal(klookup_fault.type, seL4_DepthMismatch);
    assert_int_equal(klookup_fault.bits_left, 5);
    assert_int_equal(klookup_fault.bits_found, 7);
    free(cn);
}

static void test_two_levels_resolve_through_cnode_cap(void **state)
{
    (void)state;
    cte_t *a = new_cnode(4), *b = new_cnode(6);
    a[3].cap = cnode_cap(b, 6, 0x2, 2);
    cap_t cap = cnode_cap(a, 4, 0, 0);
    /* 4 bits (3) + guard 2 bits (0b10) + 6 bits (17) = 12 bits. */
    uint64_t cptr = (3ull << 8) | (2ull << 6) | 17;
    resolve_ret_t r = cspace_resolve(cap, cptr, 12);
    assert_true(r.ok);
    assert_ptr_equal(r.slot, &b[17]);
    /* Same prefix, depth 4: the slot holding b's cap. */
    r = cspace_resolve(cap, 3, 4);
    assert_true(r.ok);
    assert_ptr_equal(r.slot, &a[3]);
    free(a);
    free(b);
}

static void test_non_cnode_slot_stops_with_bits_remaining(void **state)
{
    (void)state;
    cte_t *a = new_cnode(4);
    a[9].cap = cap_make(cap_endpoint_cap, a, 0, 0);
    resolve_ret_t r = cspace_resolve(cnode_cap(a, 4, 0, 0), 0x9ab, 12);
    assert_true(r.ok);
    assert_ptr_equal(r.slot, &a[9]);
    assert_int_equal(r.bits_remaining, 8);
    lookup_slot_ret_t l = cspace_lookup_target(cnode_cap(a, 4, 0, 0), 0x9ab, 12);
    assert_int_equal(l.status, seL4_FailedLookup);
    assert_int_equal(klookup_fault.type, seL4_DepthMismatch);
    assert_int_equal(klookup_fault.bits_left, 8);
    free(a);
}

static void test_cnode_op_lookup_checks_root_and_depth(void **state)
{
    (void)state;
    cte_t *a = new_cnode(4);
    lookup_slot_ret_t l = cspace_lookup_source(cap_make(cap_thread_cap, a, 0, 0), 1, 4);
    assert_int_equal(l.status, seL4_FailedLookup);
    assert_true(ksyscall_error.failed_lookup_was_source);
    assert_int_equal(klookup_fault.type, seL4_InvalidRoot);
    l = cspace_lookup_target(cnode_cap(a, 4, 0, 0), 1, 0);
    assert_int_equal(l.status, seL4_RangeError);
    assert_int_equal(ksyscall_error.range_min, 1);
    assert_int_equal(ksyscall_error.range_max, 64);
    l = cspace_lookup_target(cnode_cap(a, 4, 0, 0), 1, 65);
    assert_int_equal(l.status, seL4_RangeError);
    free(a);
}

static void test_cap_pointer_round_trips_kernel_and_user_addresses(void **state)
{
    (void)state;
    uint64_t kernel = 0xffff800012345670ull, user = 0x00007f0012345670ull;
    assert_int_equal((uint64_t)cap_ptr(cap_make(cap_endpoint_cap, (void *)kernel, 0, 0)), kernel);
    assert_int_equal((uint64_t)cap_ptr(cap_make(cap_endpoint_cap, (void *)user, 0, 0)), user);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_cnode_resolves_low_cptrs_at_full_depth),
        cmocka_unit_test(test_guard_mismatch_reports_guard_and_bits),
        cmocka_unit_test(test_depth_shorter_than_level_is_depth_mismatch),
        cmocka_unit_test(test_two_levels_resolve_through_cnode_cap),
        cmocka_unit_test(test_non_cnode_slot_stops_with_bits_remaining),
        cmocka_unit_test(test_cnode_op_lookup_checks_root_and_depth),
        cmocka_unit_test(test_cap_pointer_round_trips_kernel_and_user_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
