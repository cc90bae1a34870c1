// SPDX-License-Identifier: BSD-2-Clause
/*
 * The untyped manager and slot allocator (runtime/broker/untyped.c,
 * cspace.c) driving a model of the kernel's untyped and CNode objects.
 *
 * The model follows seL4's rules for the two operations the manager uses:
 * seL4_Untyped_Retype places objects at the untyped's watermark rounded up
 * to the object size, needs empty destination slots, refuses device untyped
 * for anything but frames and untyped, and fails when the untyped is full;
 * seL4_CNode_Revoke deletes every descendant and, for an untyped, resets the
 * watermark (the only way memory is reused). Tests compare what the manager
 * says with what the model holds: addresses, sizes, no overlap, no leak, and
 * after freeing everything a retype of each original untyped's full size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/broker.h>

#define N_SLOTS 4096
#define ROOT_CNODE 2
#define FIRST_FREE_SLOT 64

/* Object types of the model (numbers as in seL4 where they exist). */
#define T_UNTYPED KAAL_UNTYPED_OBJECT_TYPE
#define T_TCB 1
#define T_ENDPOINT 2
#define T_FRAME 8

typedef enum { M_EMPTY, M_UNTYPED, M_OBJECT } m_kind_t;

typedef struct m_cap {
    m_kind_t kind;
    seL4_Word type;
    uint64_t paddr;
    uint8_t size_bits;
    bool device;
    uint64_t watermark; /* untyped: bytes from paddr already handed out */
    long parent;        /* slot, -1 for an original cap */
} m_cap_t;

typedef struct model {
    m_cap_t caps[N_SLOTS];
    int fail_retype_in; /* fail the Nth retype from now (1 = next); 0 = never */
    int fail_revoke_in;
    unsigned n_retypes, n_revokes;
} model_t;

static model_t *M;

static int object_bits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case T_UNTYPED: return size_bits >= 4 && size_bits <= 47 ? (int)size_bits : -1;
    case T_TCB: return 11;
    case T_ENDPOINT: return 4;
    case T_FRAME: return 12;
    default: return -1;
    }
}

static bool countdown(int *n)
{
    return *n > 0 && --*n == 0;
}

static seL4_Error m_retype(void *ctx, seL4_Untyped service, seL4_Word type, seL4_Word size_bits,
                           seL4_CNode root, seL4_Word node_index, seL4_Word node_depth,
                           seL4_Word node_offset, seL4_Word num_objects)
{
    model_t *m = ctx;
    m->n_retypes++;
    if (countdown(&m->fail_retype_in))
        return seL4_NotEnoughMemory;
    if (root != ROOT_CNODE || node_index != 0 || node_depth != 0)
        return seL4_FailedLookup;
    if (service >= N_SLOTS || m->caps[service].kind != M_UNTYPED)
        return seL4_InvalidCapability;
    m_cap_t *ut = &m->caps[service];
    int bits = object_bits(type, size_bits);
    if (bits < 0)
        return seL4_InvalidArgument;
    if (ut->device && type != T_UNTYPED && type != T_FRAME)
        return seL4_InvalidArgument;
    if (num_objects < 1 || num_objects > seL4_UntypedRetypeMaxObjects ||
        node_offset + num_objects > N_SLOTS)
        return seL4_RangeError;
    for (seL4_Word k = 0; k < num_objects; k++) {
        if (m->caps[node_offset + k].kind != M_EMPTY)
            return seL4_DeleteFirst;
    }
    uint64_t obj = 1ull << bits;
    uint64_t start = (ut->watermark + obj - 1) & ~(obj - 1);
    if (start + num_objects * obj > (1ull << ut->size_bits))
        return seL4_NotEnoughMemory;
    for (seL4_Word k = 0; k < num_objects; k++) {
        m->caps[node_offset + k] = (m_cap_t){.kind = type == T_UNTYPED ? M_UNTYPED : M_OBJECT,
                                             .type = type,
                                             .paddr = ut->paddr + start + k * obj,
                                             .size_bits = (uint8_t)bits,
                                             .device = ut->device,
                                             .parent = (long)service};
    }
    ut->watermark = start + num_objects * obj;
    return seL4_NoError;
}

static bool descends_from(const model_t *m, long slot, long ancestor)
{
    for (long p = m->caps[slot].parent; p >= 0; p = m->caps[p].parent) {
        if (p == ancestor)
            return true;
    }
    return false;
}

static seL4_Error m_revoke(void *ctx, seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    model_t *m = ctx;
    m->n_revokes++;
    if (countdown(&m->fail_revoke_in))
        return seL4_RevokeFirst;
    if (root != ROOT_CNODE || depth != seL4_WordBits || index >= N_SLOTS ||
        m->caps[index].kind == M_EMPTY)
        return seL4_FailedLookup;
    for (long s = 0; s < N_SLOTS; s++) {
        if (m->caps[s].kind != M_EMPTY && descends_from(m, s, (long)index))
            m->caps[s].kind = M_EMPTY;
    }
    for (long s = 0; s < N_SLOTS; s++) {
        if (m->caps[s].kind == M_EMPTY)
            m->caps[s] = (m_cap_t){.kind = M_EMPTY, .parent = -1};
    }
    m->caps[index].watermark = 0;
    return seL4_NoError;
}

/* One test's world: the model, the manager and its storage. */
typedef struct world {
    model_t model;
    kaal_cspace_t cs;
    uint64_t bitmap[KAAL_CSPACE_BITMAP_WORDS(N_SLOTS)];
    kaal_untyped_mgr_t ut;
    kaal_ut_node_t nodes[2048];
    unsigned n_roots;
    seL4_CPtr roots[8];
} world_t;

static world_t *world_new(size_t n_nodes, seL4_SlotPos slots_end)
{
    world_t *w = calloc(1, sizeof(*w));
    M = &w->model;
    for (long s = 0; s < N_SLOTS; s++)
        w->model.caps[s].parent = -1;
    assert_int_equal(kaal_cspace_init(&w->cs, ROOT_CNODE, 0, 0, seL4_WordBits, FIRST_FREE_SLOT,
                                      slots_end, w->bitmap, KAAL_CSPACE_BITMAP_WORDS(N_SLOTS)),
                     KAAL_OK);
    kaal_untyped_ops_t ops = {.retype = m_retype, .revoke = m_revoke, .ctx = &w->model};
    assert_int_equal(kaal_untyped_init(&w->ut, ops, &w->cs, w->nodes, n_nodes), KAAL_OK);
    return w;
}

/* An original untyped in slot 16 + i, given to the manager. */
static void world_untyped(world_t *w, uint64_t paddr, uint8_t size_bits, bool device)
{
    seL4_CPtr slot = 16 + w->n_roots;
    w->model.caps[slot] = (m_cap_t){.kind = M_UNTYPED,
                                    .type = T_UNTYPED,
                                    .paddr = paddr,
                                    .size_bits = size_bits,
                                    .device = device,
                                    .parent = -1};
    w->roots[w->n_roots++] = slot;
    assert_int_equal(kaal_untyped_add(&w->ut, slot, paddr, size_bits, device), KAAL_OK);
}

/* Nothing but the original untypeds is left, each retypable at full size. */
static void assert_everything_returned(world_t *w)
{
    unsigned live = 0;
    for (long s = 0; s < N_SLOTS; s++)
        live += w->model.caps[s].kind != M_EMPTY;
    assert_int_equal(live, w->n_roots);
    assert_int_equal(w->cs.n_free, w->cs.end - w->cs.first);
    for (unsigned i = 0; i < w->n_roots; i++) {
        m_cap_t *ut = &w->model.caps[w->roots[i]];
        assert_int_equal(ut->watermark, 0);
        seL4_CPtr dest = N_SLOTS - 1;
        assert_int_equal(
            m_retype(&w->model, w->roots[i], T_UNTYPED, ut->size_bits, ROOT_CNODE, 0, 0, dest, 1),
            seL4_NoError);
        assert_int_equal(m_revoke(&w->model, ROOT_CNODE, w->roots[i], seL4_WordBits), seL4_NoError);
    }
}

static void assert_object(world_t *w, kaal_ut_alloc_ret_t r, uint64_t paddr, uint8_t bits)
{
    assert_int_equal(r.err, KAAL_OK);
    assert_int_equal(r.paddr, paddr);
    assert_int_equal(w->model.caps[r.cap].kind != M_EMPTY, true);
    assert_int_equal(w->model.caps[r.cap].paddr, paddr);
    assert_int_equal(w->model.caps[r.cap].size_bits, bits);
}

static void test_alloc_uses_the_smallest_untyped_that_fits(void **state)
{
    (void)state;
    world_t *w = world_new(256, N_SLOTS);
    world_untyped(w, 0x100000, 20, false);
    world_untyped(w, 0x3000, 12, false);
    world_untyped(w, 0x8000, 15, false);
    kaal_ut_alloc_ret_t a = kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12);
    assert_object(w, a, 0x3000, 12);
    assert_int_equal(w->model.n_retypes, 1); /* no split needed */
    kaal_ut_alloc_ret_t b = kaal_untyped_alloc(&w->ut, T_TCB, 0, 11);
    assert_object(w, b, 0x8000, 11); /* 2^15 split down to 2^11 */
    kaal_ut_alloc_ret_t c = kaal_untyped_alloc(&w->ut, T_TCB, 0, 11);
    assert_object(w, c, 0x8800, 11); /* its buddy */
    kaal_ut_alloc_ret_t d = kaal_untyped_alloc(&w->ut, T_ENDPOINT, 0, 4);
    assert_object(w, d, 0x9000, 4);
    assert_int_equal(w->ut.free_bytes, (1u << 20) + (1u << 15) + 4096 - 4096 - 2 * 2048 - 16);
    assert_int_equal(kaal_untyped_free(&w->ut, b.cap), KAAL_OK);
    assert_int_equal(kaal_untyped_free(&w->ut, d.cap), KAAL_OK);
    assert_int_equal(kaal_untyped_free(&w->ut, c.cap), KAAL_OK);
    assert_int_equal(kaal_untyped_free(&w->ut, a.cap), KAAL_OK);
    assert_everything_returned(w);
    free(w);
}

static void test_memory_is_reused_only_after_revoke(void **state)
{
    (void)state;
    world_t *w = world_new(64, N_SLOTS);
    world_untyped(w, 0x10000, 12, false);
    kaal_ut_alloc_ret_t a = kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12);
    assert_object(w, a, 0x10000, 12);
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12).err, KAAL_ENOMEM);
    unsigned revokes = w->model.n_revokes;
    assert_int_equal(kaal_untyped_free(&w->ut, a.cap), KAAL_OK);
    assert_int_equal(w->model.n_revokes, revokes + 1);
    assert_int_equal(w->model.caps[16].watermark, 0);
    kaal_ut_alloc_ret_t b = kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12);
    assert_object(w, b, 0x10000, 12);
    free(w);
}

static void test_device_untyped_is_only_given_by_address(void **state)
{
    (void)state;
    world_t *w = world_new(256, N_SLOTS);
    world_untyped(w, 0xfe000000u, 24, true);
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12).err, KAAL_ENOMEM);
    assert_int_equal(w->ut.free_bytes, 0);
    kaal_ut_alloc_ret_t bar = kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 12, 0xfebc1000u);
    assert_object(w, bar, 0xfebc1000u, 12);
    assert_true(w->model.caps[bar.cap].device);
    /* the same page again, or a bigger block around it, is busy */
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 12, 0xfebc1000u).err, KAAL_EBUSY);
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_UNTYPED, 16, 16, 0xfebc0000u).err, KAAL_EBUSY);
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_UNTYPED, 24, 24, 0xfe000000u).err, KAAL_EBUSY);
    /* the neighbour is free */
    kaal_ut_alloc_ret_t next = kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 12, 0xfebc0000u);
    assert_object(w, next, 0xfebc0000u, 12);
    /* the kernel refuses anything but frames and untyped from device memory */
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_TCB, 0, 11, 0xfe000000u).err, KAAL_ESEL4);
    /* outside every untyped, misaligned, or a block bigger than the untyped */
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 12, 0xfd000000u).err, KAAL_ENOENT);
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 12, 0xff000000u).err, KAAL_ENOENT);
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_UNTYPED, 25, 25, 0xfe000000u).err,
                     KAAL_ENOENT);
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 12, 0xfebc0800u).err, KAAL_EINVAL);
    assert_int_equal(kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 3, 0xfebc0000u).err, KAAL_EINVAL);
    assert_int_equal(kaal_untyped_free(&w->ut, bar.cap), KAAL_OK);
    assert_int_equal(kaal_untyped_free(&w->ut, next.cap), KAAL_OK);
    assert_everything_returned(w);
    free(w);
}

static void test_alloc_at_works_in_ram_too(void **state)
{
    (void)state;
    world_t *w = world_new(256, N_SLOTS);
    world_untyped(w, 0x200000, 21, false);
    kaal_ut_alloc_ret_t a = kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 12, 0x3ff000);
    assert_object(w, a, 0x3ff000, 12);
    kaal_ut_alloc_ret_t b = kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12);
    assert_int_equal(b.err, KAAL_OK);
    assert_true(b.paddr != a.paddr);
    assert_int_equal(w->ut.free_bytes, (2u << 20) - 2 * 4096);
    assert_int_equal(kaal_untyped_free(&w->ut, a.cap), KAAL_OK);
    assert_int_equal(kaal_untyped_free(&w->ut, b.cap), KAAL_OK);
    assert_everything_returned(w);
    free(w);
}

static void test_bad_requests_are_refused(void **state)
{
    (void)state;
    world_t *w = world_new(4, N_SLOTS);
    assert_int_equal(kaal_untyped_add(&w->ut, 16, 0x1000, 13, false), KAAL_EINVAL); /* unaligned */
    assert_int_equal(kaal_untyped_add(&w->ut, 16, 0, 3, false), KAAL_EINVAL);
    assert_int_equal(kaal_untyped_add(&w->ut, 16, 0, 48, false), KAAL_EINVAL);
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 3).err, KAAL_EINVAL);
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 48).err, KAAL_EINVAL);
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12).err, KAAL_ENOMEM);
    assert_int_equal(kaal_untyped_free(&w->ut, 99), KAAL_ENOENT);
    for (int i = 0; i < 4; i++)
        world_untyped(w, 0x10000u * (unsigned)(i + 1), 12, false);
    assert_int_equal(kaal_untyped_add(&w->ut, 40, 0x100000, 12, false), KAAL_ENOSPC);
    kaal_untyped_mgr_t big;
    assert_int_equal(kaal_untyped_init(&big, w->ut.ops, &w->cs, NULL, (size_t)UINT32_MAX),
                     KAAL_EINVAL);
    free(w);
}

static void test_failed_retypes_leave_no_trace(void **state)
{
    (void)state;
    world_t *w = world_new(64, N_SLOTS);
    world_untyped(w, 0x100000, 20, false);
    /* the third split fails: the two halves made so far merge back */
    w->model.fail_retype_in = 3;
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12).err, KAAL_ESEL4);
    assert_everything_returned(w);
    /* every split works, the object's retype fails */
    w->model.fail_retype_in = 9;
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12).err, KAAL_ESEL4);
    assert_everything_returned(w);
    assert_int_equal(w->ut.free_bytes, 1u << 20);
    /* and then it works */
    kaal_ut_alloc_ret_t a = kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12);
    assert_object(w, a, 0x100000, 12);
    free(w);
}

static void test_running_out_of_slots_or_nodes_is_an_error_not_a_leak(void **state)
{
    (void)state;
    /* 5 slots: enough for two splits and an object, not three splits */
    world_t *w = world_new(64, FIRST_FREE_SLOT + 5);
    world_untyped(w, 0x100000, 15, false);
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12).err, KAAL_ENOSPC);
    assert_everything_returned(w);
    kaal_ut_alloc_ret_t a = kaal_untyped_alloc(&w->ut, T_UNTYPED, 13, 13);
    assert_object(w, a, 0x100000, 13);
    /* no slot left for a second object's cap */
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_UNTYPED, 13, 13).err, KAAL_ENOSPC);
    assert_int_equal(kaal_untyped_free(&w->ut, a.cap), KAAL_OK);
    assert_everything_returned(w);
    free(w);

    /* 2 nodes: the root and one more, too few for a split */
    w = world_new(2, N_SLOTS);
    world_untyped(w, 0x100000, 13, false);
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12).err, KAAL_ENOSPC);
    assert_everything_returned(w);
    free(w);
    w = world_new(1, N_SLOTS);
    world_untyped(w, 0x100000, 13, false);
    assert_int_equal(kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12).err, KAAL_ENOSPC);
    assert_everything_returned(w);
    free(w);
}

static void test_failed_revoke_keeps_the_object(void **state)
{
    (void)state;
    world_t *w = world_new(64, N_SLOTS);
    world_untyped(w, 0x100000, 14, false);
    kaal_ut_alloc_ret_t a = kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12);
    kaal_ut_alloc_ret_t b = kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12);
    w->model.fail_revoke_in = 1;
    assert_int_equal(kaal_untyped_free(&w->ut, a.cap), KAAL_ESEL4);
    assert_int_equal(w->model.caps[a.cap].kind, M_OBJECT);
    assert_int_equal(kaal_untyped_free(&w->ut, a.cap), KAAL_OK);
    /* the merge after freeing b fails: b is gone, its half stays split off */
    w->model.fail_revoke_in = 2;
    assert_int_equal(kaal_untyped_free(&w->ut, b.cap), KAAL_OK);
    assert_int_equal(w->model.caps[b.cap].kind, M_EMPTY);
    /* the halves are still usable; the next free merges everything */
    kaal_ut_alloc_ret_t c = kaal_untyped_alloc(&w->ut, T_FRAME, 0, 12);
    assert_int_equal(c.err, KAAL_OK);
    assert_int_equal(kaal_untyped_free(&w->ut, c.cap), KAAL_OK);
    assert_everything_returned(w);
    free(w);
}

static void test_bootinfo_untypeds_are_taken_over(void **state)
{
    (void)state;
    world_t *w = world_new(64, N_SLOTS);
    seL4_BootInfo *bi = calloc(1, sizeof(*bi));
    bi->untyped = (seL4_SlotRegion){.start = 16, .end = 19};
    bi->untypedList[0] = (seL4_UntypedDesc){.paddr = 0x100000, .sizeBits = 20};
    bi->untypedList[1] = (seL4_UntypedDesc){.paddr = 0xfee00000u, .sizeBits = 12, .isDevice = 1};
    bi->untypedList[2] = (seL4_UntypedDesc){.paddr = 0x200000, .sizeBits = 21};
    for (int i = 0; i < 3; i++) {
        w->model.caps[16 + i] = (m_cap_t){.kind = M_UNTYPED,
                                          .paddr = bi->untypedList[i].paddr,
                                          .size_bits = bi->untypedList[i].sizeBits,
                                          .device = bi->untypedList[i].isDevice,
                                          .parent = -1};
        w->roots[w->n_roots++] = 16 + (seL4_CPtr)i;
    }
    assert_int_equal(kaal_untyped_add_bootinfo(&w->ut, bi), KAAL_OK);
    assert_int_equal(w->ut.free_bytes, (1u << 20) + (2u << 20));
    kaal_ut_alloc_ret_t lapic = kaal_untyped_alloc_at(&w->ut, T_FRAME, 0, 12, 0xfee00000u);
    assert_object(w, lapic, 0xfee00000u, 12);
    assert_int_equal(w->model.caps[lapic.cap].parent, 17);
    kaal_ut_alloc_ret_t big = kaal_untyped_alloc(&w->ut, T_UNTYPED, 21, 21);
    assert_object(w, big, 0x200000, 21);
    assert_int_equal(kaal_untyped_free(&w->ut, lapic.cap), KAAL_OK);
    assert_int_equal(kaal_untyped_free(&w->ut, big.cap), KAAL_OK);
    assert_everything_returned(w);

    bi->untyped = (seL4_SlotRegion){.start = 19, .end = 16};
    assert_int_equal(kaal_untyped_add_bootinfo(&w->ut, bi), KAAL_EINVAL);
    bi->untyped = (seL4_SlotRegion){.start = 0, .end = CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS + 1};
    assert_int_equal(kaal_untyped_add_bootinfo(&w->ut, bi), KAAL_EINVAL);
    bi->untyped = (seL4_SlotRegion){.start = 16, .end = 17};
    bi->untypedList[0].sizeBits = 2;
    assert_int_equal(kaal_untyped_add_bootinfo(&w->ut, bi), KAAL_EINVAL);
    free(bi);
    free(w);
}

/* xorshift64*: deterministic, so a failure replays. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

typedef struct live {
    seL4_CPtr cap;
    uint64_t paddr;
    uint8_t bits;
    bool device;
} live_t;

static void test_random_alloc_free_never_overlaps_or_leaks(void **state)
{
    (void)state;
    world_t *w = world_new(2048, N_SLOTS);
    world_untyped(w, 0x100000, 20, false);
    world_untyped(w, 0x40000, 18, false);
    world_untyped(w, 0x1000, 12, false);
    world_untyped(w, 0xfe000000u, 22, true);
    const uint64_t ram = (1u << 20) + (1u << 18) + (1u << 12);
    static const uint8_t sizes[] = {4, 4, 11, 12, 12, 12, 14, 16, 18};
    live_t *live = calloc(4096, sizeof(*live));
    size_t n_live = 0;
    unsigned n_ok = 0, n_nomem = 0, n_busy = 0;
    rng_state = 0x9e3779b97f4a7c15ull;
    for (int step = 0; step < 6000; step++) {
        uint64_t op = rnd() % 100;
        if (op < 50 || n_live == 0) {
            uint8_t bits = sizes[rnd() % sizeof(sizes)];
            seL4_Word type = bits == 4    ? T_ENDPOINT
                             : bits == 11 ? T_TCB
                             : bits == 12 ? T_FRAME
                                          : T_UNTYPED;
            kaal_ut_alloc_ret_t r = kaal_untyped_alloc(&w->ut, type, bits, bits);
            if (r.err == KAAL_ENOMEM) {
                n_nomem++;
                continue;
            }
            assert_int_equal(r.err, KAAL_OK);
            live[n_live++] = (live_t){r.cap, r.paddr, bits, false};
        } else if (op < 65) {
            uint8_t bits = (uint8_t)(12 + rnd() % 5);
            uint64_t pa = 0xfe000000u + ((rnd() % (1u << 22)) & ~((1ull << bits) - 1));
            /* the model has no large frames: bigger blocks are untyped */
            kaal_ut_alloc_ret_t r =
                kaal_untyped_alloc_at(&w->ut, bits == 12 ? T_FRAME : T_UNTYPED, bits, bits, pa);
            if (r.err == KAAL_EBUSY) {
                n_busy++;
                continue;
            }
            assert_int_equal(r.err, KAAL_OK);
            assert_int_equal(r.paddr, pa);
            live[n_live++] = (live_t){r.cap, r.paddr, bits, true};
        } else {
            size_t k = rnd() % n_live;
            assert_int_equal(kaal_untyped_free(&w->ut, live[k].cap), KAAL_OK);
            live[k] = live[--n_live];
            continue;
        }
        n_ok++;
        /* the new object is what the kernel made, and overlaps nothing live */
        live_t *n = &live[n_live - 1];
        m_cap_t *c = &w->model.caps[n->cap];
        assert_int_not_equal(c->kind, M_EMPTY);
        assert_int_equal(c->paddr, n->paddr);
        assert_int_equal(c->size_bits, n->bits);
        assert_int_equal(n->paddr & ((1ull << n->bits) - 1), 0);
        for (size_t k = 0; k + 1 < n_live; k++) {
            bool apart = live[k].paddr + (1ull << live[k].bits) <= n->paddr ||
                         n->paddr + (1ull << n->bits) <= live[k].paddr;
            if (!apart)
                fail_msg("step %d: %#llx/%u overlaps %#llx/%u", step, (unsigned long long)n->paddr,
                         n->bits, (unsigned long long)live[k].paddr, live[k].bits);
        }
        /* no leak: free RAM plus live RAM is all RAM */
        uint64_t used = 0;
        for (size_t k = 0; k < n_live; k++)
            used += live[k].device ? 0 : 1ull << live[k].bits;
        assert_int_equal(w->ut.free_bytes + used, ram);
    }
    assert_true(n_ok > 1000);
    assert_true(n_nomem > 0);
    assert_true(n_busy > 0);
    while (n_live > 0)
        assert_int_equal(kaal_untyped_free(&w->ut, live[--n_live].cap), KAAL_OK);
    assert_int_equal(w->ut.free_bytes, ram);
    assert_everything_returned(w);
    free(live);
    free(w);
}

static void test_slot_allocator_finds_runs_and_checks_frees(void **state)
{
    (void)state;
    uint64_t bitmap[2];
    kaal_cspace_t cs;
    assert_int_equal(kaal_cspace_init(&cs, ROOT_CNODE, 0, 0, 64, 100, 90, bitmap, 2), KAAL_EINVAL);
    assert_int_equal(kaal_cspace_init(&cs, ROOT_CNODE, 0, 0, 64, 100, 300, bitmap, 2), KAAL_EINVAL);
    assert_int_equal(kaal_cspace_init(&cs, ROOT_CNODE, 0, 0, 64, 100, 228, bitmap, 2), KAAL_OK);
    assert_int_equal(cs.n_free, 128);
    assert_int_equal(kaal_cspace_alloc(&cs, 0).err, KAAL_EINVAL);
    kaal_slot_ret_t a = kaal_cspace_alloc(&cs, 1);
    assert_int_equal(a.slot, 100);
    kaal_slot_ret_t b = kaal_cspace_alloc(&cs, 70); /* crosses a bitmap word */
    assert_int_equal(b.err, KAAL_OK);
    assert_int_equal(b.slot, 101);
    kaal_slot_ret_t c = kaal_cspace_alloc(&cs, 1);
    assert_int_equal(c.slot, 171);
    assert_int_equal(kaal_cspace_free(&cs, a.slot, 1), KAAL_OK);
    assert_int_equal(kaal_cspace_alloc(&cs, 2).slot, 172); /* slot 100 alone is too small */
    assert_int_equal(kaal_cspace_alloc(&cs, 1).slot, 100);
    assert_int_equal(kaal_cspace_alloc(&cs, 60).err, KAAL_ENOSPC); /* 54 left */
    assert_int_equal(kaal_cspace_alloc(&cs, 54).slot, 174);
    assert_int_equal(cs.n_free, 0);
    assert_int_equal(kaal_cspace_alloc(&cs, 1).err, KAAL_ENOSPC);
    /* frees outside the range, of free slots, or too long are refused whole */
    assert_int_equal(kaal_cspace_free(&cs, 99, 1), KAAL_EINVAL);
    assert_int_equal(kaal_cspace_free(&cs, 229, 1), KAAL_EINVAL);
    assert_int_equal(kaal_cspace_free(&cs, 227, 2), KAAL_EINVAL);
    assert_int_equal(kaal_cspace_free(&cs, 101, 70), KAAL_OK);
    assert_int_equal(kaal_cspace_free(&cs, 100, 2), KAAL_EINVAL);
    assert_int_equal(cs.n_free, 70);
    assert_int_equal(kaal_cspace_free(&cs, 228, 0), KAAL_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_uses_the_smallest_untyped_that_fits),
        cmocka_unit_test(test_memory_is_reused_only_after_revoke),
        cmocka_unit_test(test_device_untyped_is_only_given_by_address),
        cmocka_unit_test(test_alloc_at_works_in_ram_too),
        cmocka_unit_test(test_bad_requests_are_refused),
        cmocka_unit_test(test_failed_retypes_leave_no_trace),
        cmocka_unit_test(test_running_out_of_slots_or_nodes_is_an_error_not_a_leak),
        cmocka_unit_test(test_failed_revoke_keeps_the_object),
        cmocka_unit_test(test_bootinfo_untypeds_are_taken_over),
        cmocka_unit_test(test_random_alloc_free_never_overlaps_or_leaks),
        cmocka_unit_test(test_slot_allocator_finds_runs_and_checks_frees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
