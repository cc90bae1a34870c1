/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capabilities and capability table entries (CTEs), the kernel's view.
 *
 * A cap is two words, a CTE is a cap plus its place in the capability
 * derivation tree (CDT): 32 bytes, so a CNode of 2^radix slots is exactly
 * 2^(radix + seL4_SlotBits) bytes as in seL4.
 *
 * Word 0 holds the type, rights, a size, one flag and the object's kernel
 * address (a canonical 48-bit pointer stored >> 4, sign-extended on the way
 * out, so the same code runs in host unit tests). Word 1 is per type:
 *   untyped       free index (bytes used from the start: the watermark)
 *   endpoint/ntfn badge
 *   cnode         guard << 6 | guard size (seL4_CNode_CapData layout)
 *   frame/PT/PD/PDPT  mapped ASID << 48 | mapped vaddr (ASID 0 = unmapped)
 *   pml4          assigned ASID (0 = none)
 *   asid pool     ASID base
 *   zombie        number of slots still to clear
 *
 * The CDT is seL4's: a doubly linked list of CTEs in pre-order, where a
 * node's descendants are the nodes that follow it and for which
 * cdt_is_parent_of() holds. The low bits of the links carry the per-node
 * flags (CTEs are 32-byte aligned): `revocable` and `first_badged`.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>

typedef enum {
    cap_null_cap = 0,
    cap_untyped_cap,
    cap_endpoint_cap,
    cap_notification_cap,
    cap_reply_cap,
    cap_cnode_cap,
    cap_thread_cap,
    cap_irq_control_cap,
    cap_irq_handler_cap,
    cap_zombie_cap,
    cap_domain_cap,
    /* x86_64 */
    cap_frame_cap,
    cap_page_table_cap,
    cap_page_directory_cap,
    cap_pdpt_cap,
    cap_pml4_cap,
    cap_asid_control_cap,
    cap_asid_pool_cap,
    cap_io_port_control_cap,
    cap_io_port_cap,
    cap_type_count
} cap_type_t;

typedef struct cap {
    uint64_t type : 5;
    uint64_t rights : 4;    /* endpoint/ntfn: seL4_CapRights bits; frame: vm_rights_t */
    uint64_t size_bits : 6; /* untyped block size, cnode radix, frame size */
    uint64_t flag : 1;      /* untyped/frame: device memory; zombie: of a TCB */
    uint64_t spare : 4;
    uint64_t ptr : 44;      /* object address >> 4 */
    uint64_t data;
} cap_t;

_Static_assert(sizeof(cap_t) == 16, "a cap is two words");

/* Endpoint rights bits (seL4_CapRights layout). */
#define CAP_RIGHT_WRITE       0x1
#define CAP_RIGHT_READ        0x2
#define CAP_RIGHT_GRANT       0x4
#define CAP_RIGHT_GRANT_REPLY 0x8
#define CAP_RIGHTS_ALL        0xf

/* Frame rights, seL4's vm_rights_t values. */
typedef enum { VM_KERNEL_ONLY = 1, VM_READ_ONLY = 2, VM_READ_WRITE = 3 } vm_rights_t;

typedef struct cte {
    cap_t cap;
    uint64_t mdb_prev;  /* struct cte * */
    uint64_t mdb_next;  /* struct cte * | MDB_REVOCABLE | MDB_FIRST_BADGED */
} __attribute__((aligned(32))) cte_t;

_Static_assert(sizeof(cte_t) == 32, "a slot is 2^seL4_SlotBits bytes");

#define MDB_REVOCABLE    0x1ull
#define MDB_FIRST_BADGED 0x2ull
#define MDB_FLAGS        0x3ull

static inline cap_t cap_null(void)
{
    return (cap_t){ 0 };
}

static inline cap_type_t cap_type(cap_t c)
{
    return (cap_type_t)c.type;
}

static inline void *cap_ptr(cap_t c)
{
    /* Sign-extend from bit 47: kernel addresses are in the upper half. */
    int64_t v = (int64_t)((uint64_t)c.ptr << 20) >> 16;
    return (void *)v;
}

static inline uint64_t cap_ptr_field(const void *p)
{
    return ((uint64_t)p >> 4) & ((1ull << 44) - 1);
}

static inline cap_t cap_make(cap_type_t type, const void *obj, unsigned size_bits, uint64_t data)
{
    cap_t c = cap_null();
    c.type = type;
    c.ptr = cap_ptr_field(obj);
    c.size_bits = size_bits & 63;
    c.data = data;
    return c;
}

static inline cte_t *mdb_prev(const cte_t *s)
{
    return (cte_t *)s->mdb_prev;
}
static inline cte_t *mdb_next(const cte_t *s)
{
    return (cte_t *)(s->mdb_next & ~MDB_FLAGS);
}
static inline void mdb_set_prev(cte_t *s, cte_t *p)
{
    s->mdb_prev = (uint64_t)p;
}
static inline void mdb_set_next(cte_t *s, cte_t *n)
{
    s->mdb_next = (uint64_t)n | (s->mdb_next & MDB_FLAGS);
}
static inline bool mdb_revocable(const cte_t *s)
{
    return s->mdb_next & MDB_REVOCABLE;
}
static inline bool mdb_first_badged(const cte_t *s)
{
    return s->mdb_next & MDB_FIRST_BADGED;
}
static inline void mdb_set_flags(cte_t *s, bool revocable, bool first_badged)
{
    s->mdb_next = (s->mdb_next & ~MDB_FLAGS) | (revocable ? MDB_REVOCABLE : 0) |
                  (first_badged ? MDB_FIRST_BADGED : 0);
}

/* CNode caps: guard and guard size in data. */
static inline unsigned cap_cnode_guard_size(cap_t c)
{
    return c.data & 63;
}
static inline uint64_t cap_cnode_guard(cap_t c)
{
    return c.data >> 6;
}
static inline cte_t *cap_cnode_slots(cap_t c)
{
    return cap_ptr(c);
}

/* Mapped frames and page tables: ASID and vaddr in data. */
#define CAP_MAP_VADDR_MASK ((1ull << 48) - 1)
static inline uint64_t cap_mapped_asid(cap_t c)
{
    return c.data >> 48;
}
static inline uint64_t cap_mapped_vaddr(cap_t c)
{
    return c.data & CAP_MAP_VADDR_MASK;
}
static inline uint64_t cap_map_data(uint64_t asid, uint64_t vaddr)
{
    return (asid << 48) | (vaddr & CAP_MAP_VADDR_MASK);
}
