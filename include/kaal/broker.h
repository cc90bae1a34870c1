/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The capability broker library (runtime/broker/), used by init (the root
 * task) to hand out memory, slots and devices:
 *
 *  - kaal_cspace_*: a slot allocator over a range of one CNode.
 *  - kaal_untyped_*: the untyped manager. It splits the bootinfo untypeds
 *    buddy-style (each split retypes a free untyped into two halves), keeps
 *    every object in its own leaf untyped so that freeing it is one
 *    seL4_CNode_Revoke of the leaf, and merges free halves back by revoking
 *    their parent. Kernel calls go through kaal_untyped_ops_t, whose members
 *    take exactly the arguments of seL4_Untyped_Retype and seL4_CNode_Revoke,
 *    so the adapter to the real invocations is a few lines (and host tests
 *    plug in a model of the kernel).
 *  - kaal_broker_*: device bundles. A component asks for a device by match;
 *    the broker checks it exists and is not owned, records the owner and
 *    describes what the component gets (MMIO frames, IO ports, IRQ, DMA).
 *    Minting the caps for a bundle is init's (services/init/pcigrant.c).
 *
 * Enumeration is apart: <kaal/acpi.h> (runtime/acpi), <kaal/pci.h>
 * (runtime/pci), <kaal/devices.h> (runtime/devices).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/devices.h>
#include <kaal/error.h>
#include <sel4/bootinfo_types.h>
#include <sel4/errors.h>
#include <sel4/types.h>

/* ---- CSpace slot allocator --------------------------------------------- */

/* Slots [first, end) of one CNode. Retype puts objects in that CNode through
 * (root, node_index, node_depth); a single slot is named (root, slot,
 * slot_depth), e.g. slot_depth = seL4_WordBits for the root task's CNode. */
typedef struct kaal_cspace {
    seL4_CNode root;
    seL4_Word node_index;
    seL4_Word node_depth;
    seL4_Uint8 slot_depth;
    seL4_SlotPos first, end;
    uint64_t *bitmap; /* caller storage: bit set = slot in use */
    size_t n_free;
} kaal_cspace_t;

/* Words of bitmap needed for n_slots slots. */
#define KAAL_CSPACE_BITMAP_WORDS(n_slots) (((n_slots) + 63) / 64)

kaal_error_t kaal_cspace_init(kaal_cspace_t *cs, seL4_CNode root, seL4_Word node_index,
                              seL4_Word node_depth, seL4_Uint8 slot_depth, seL4_SlotPos first,
                              seL4_SlotPos end, uint64_t *bitmap, size_t bitmap_words);

typedef struct kaal_slot_ret {
    kaal_error_t err; /* KAAL_ENOSPC: no run of n free slots */
    seL4_CPtr slot;   /* first of n consecutive slots */
} kaal_slot_ret_t;

kaal_slot_ret_t kaal_cspace_alloc(kaal_cspace_t *cs, size_t n_slots);
/* KAAL_EINVAL if any slot of the range is outside the CSpace or free. */
kaal_error_t kaal_cspace_free(kaal_cspace_t *cs, seL4_CPtr first, size_t n_slots);

/* ---- Untyped manager ----------------------------------------------------- */

/* seL4_UntypedObject's number in the seL4 API (the same on every arch). */
#define KAAL_UNTYPED_OBJECT_TYPE 0
#define KAAL_UNTYPED_MIN_BITS 4  /* seL4_MinUntypedBits */
#define KAAL_UNTYPED_MAX_BITS 47 /* seL4_MaxUntypedBits on x86_64 */

/* The two kernel operations, in seL4's argument order. */
typedef struct kaal_untyped_ops {
    seL4_Error (*retype)(void *ctx, seL4_Untyped service, seL4_Word type, seL4_Word size_bits,
                         seL4_CNode root, seL4_Word node_index, seL4_Word node_depth,
                         seL4_Word node_offset, seL4_Word num_objects);
    seL4_Error (*revoke)(void *ctx, seL4_CNode root, seL4_Word index, seL4_Uint8 depth);
    void *ctx;
} kaal_untyped_ops_t;

typedef enum {
    KAAL_UT_NODE_UNUSED = 0, /* entry of the node pool not in the tree */
    KAAL_UT_NODE_FREE,       /* untyped with no children: watermark 0 */
    KAAL_UT_NODE_SPLIT,      /* retyped into two halves child[0], child[1] */
    KAAL_UT_NODE_USED,       /* holds one object, cap in .object */
} kaal_ut_node_state_t;

#define KAAL_UT_NONE UINT32_MAX

/* One untyped cap the manager owns. Owned by the manager; read-only to others. */
typedef struct kaal_ut_node {
    uint64_t paddr;
    seL4_CPtr cap;
    seL4_CPtr object;  /* USED: the object's cap */
    uint32_t parent;   /* KAAL_UT_NONE for a bootinfo untyped */
    uint32_t child[2]; /* SPLIT: the halves (low, high) */
    uint8_t size_bits;
    uint8_t state; /* kaal_ut_node_state_t */
    bool device;
} kaal_ut_node_t;

typedef struct kaal_untyped_mgr {
    kaal_untyped_ops_t ops;
    kaal_cspace_t *cspace; /* where split halves and objects are placed */
    kaal_ut_node_t *nodes; /* caller storage */
    uint32_t capacity;
    uint32_t free_list;  /* UNUSED entries, chained through .parent */
    uint64_t free_bytes; /* RAM (not device) in FREE nodes */
} kaal_untyped_mgr_t;

kaal_error_t kaal_untyped_init(kaal_untyped_mgr_t *ut, kaal_untyped_ops_t ops,
                               kaal_cspace_t *cspace, kaal_ut_node_t *nodes, size_t capacity);

/* Takes over one untyped cap (paddr must be aligned to 2^size_bits, as
 * every seL4 untyped is). */
kaal_error_t kaal_untyped_add(kaal_untyped_mgr_t *ut, seL4_CPtr cap, uint64_t paddr,
                              uint8_t size_bits, bool device);

/* Takes over every untyped the kernel listed in the bootinfo. */
kaal_error_t kaal_untyped_add_bootinfo(kaal_untyped_mgr_t *ut, const seL4_BootInfo *bi);

typedef struct kaal_ut_alloc_ret {
    kaal_error_t err; /* ENOMEM: no memory; ENOSPC: no slots or nodes; ESEL4 */
    seL4_CPtr cap;    /* the new object */
    uint64_t paddr;   /* of its memory (2^footprint_bits bytes, aligned) */
} kaal_ut_alloc_ret_t;

/* Creates one object of `type` (retype's size_bits argument: size_bits)
 * occupying 2^footprint_bits bytes of RAM, e.g. a 4 KiB frame is
 * (seL4_X86_4K, 0, 12) and a 2^n-slot CNode is (seL4_CapTableObject, n, n + 5). */
kaal_ut_alloc_ret_t kaal_untyped_alloc(kaal_untyped_mgr_t *ut, seL4_Word type, seL4_Word size_bits,
                                       uint8_t footprint_bits);

/* The same at physical address paddr (aligned to 2^footprint_bits), from
 * RAM or device untyped: MMIO frames, ACPI tables, fixed buffers.
 * KAAL_ENOENT if no untyped covers it, KAAL_EBUSY if it is in use. */
kaal_ut_alloc_ret_t kaal_untyped_alloc_at(kaal_untyped_mgr_t *ut, seL4_Word type,
                                          seL4_Word size_bits, uint8_t footprint_bits,
                                          uint64_t paddr);

/* Destroys the object (revoking its leaf untyped) and merges free buddies
 * back. KAAL_ENOENT if cap is not an object from this manager. */
kaal_error_t kaal_untyped_free(kaal_untyped_mgr_t *ut, seL4_CPtr object_cap);

/* ---- Device bundles ------------------------------------------------------ */

typedef enum {
    KAAL_MATCH_PCI_ID = 1, /* vendor_id:device_id */
    KAAL_MATCH_PCI_CLASS,  /* class_code, subclass, prog_if (-1: any) */
    KAAL_MATCH_ISA_NAME,   /* name ("com1") */
} kaal_match_kind_t;

typedef struct kaal_device_match {
    kaal_match_kind_t kind;
    uint16_t vendor_id, device_id;
    uint8_t class_code, subclass;
    int16_t prog_if;
    const char *name;
    unsigned instance; /* 0: first device that matches, 1: second, ... */
} kaal_device_match_t;

typedef struct kaal_bundle_request {
    kaal_device_match_t match;
    uint32_t owner;          /* non-zero: the requesting component's id (badge) */
    uint64_t dma_size_bytes; /* 0: no DMA region */
} kaal_bundle_request_t;

#define KAAL_BUNDLE_MAX_MMIO KAAL_DEVICE_MAX_RESOURCES
#define KAAL_BUNDLE_MAX_IO KAAL_DEVICE_MAX_RESOURCES

typedef struct kaal_bundle_mmio {
    uint64_t paddr; /* page-aligned start of the frames */
    uint64_t n_pages;
    uint64_t offset;     /* of the registers in the first frame */
    uint64_t size_bytes; /* of the register block (the BAR size) */
    uint8_t bar;
    bool prefetchable;
} kaal_bundle_mmio_t;

typedef struct kaal_bundle_io {
    uint16_t base;
    uint16_t n_ports;
} kaal_bundle_io_t;

/* What a granted component gets; cap slots are filled by the minting layer
 * (to come with the kernel invocations). */
typedef struct kaal_bundle {
    size_t device_index;
    const kaal_device_t *device;
    unsigned n_mmio;
    kaal_bundle_mmio_t mmio[KAAL_BUNDLE_MAX_MMIO];
    unsigned n_io;
    kaal_bundle_io_t io[KAAL_BUNDLE_MAX_IO];
    bool has_irq;
    struct {
        uint32_t gsi;
        uint8_t isa_irq;
        bool level, active_low;
        /* Another component's device uses the same line: the kernel gives out
         * one IRQHandler per line, so init must demultiplex (or use MSI). */
        bool shared;
    } irq;
    uint64_t dma_n_pages;
} kaal_bundle_t;

typedef struct kaal_broker_find_ret {
    kaal_error_t err; /* KAAL_ENOENT: fewer than instance+1 matches */
    size_t index;
} kaal_broker_find_ret_t;

kaal_broker_find_ret_t kaal_broker_find(const kaal_device_list_t *list,
                                        const kaal_device_match_t *match);

/* Gives the matched device to req->owner and describes the bundle.
 * KAAL_EINVAL: bad request (owner 0, unknown match kind, no name);
 * KAAL_ENOENT: no such device; KAAL_EEXIST: the owner holds it already;
 * KAAL_EBUSY: another component owns it, or one of its resources overlaps a
 * resource (page-granular for MMIO) of a device someone else owns. */
kaal_error_t kaal_broker_claim(kaal_device_list_t *list, const kaal_bundle_request_t *req,
                               kaal_bundle_t *bundle);

/* KAAL_ENOENT: no such index; KAAL_EINVAL: owner does not hold it. */
kaal_error_t kaal_broker_release(kaal_device_list_t *list, size_t device_index, uint32_t owner);

/* Releases every device owner holds (it stopped); returns how many. */
size_t kaal_broker_release_all(kaal_device_list_t *list, uint32_t owner);

/* A sentence for a claim error, for the reply to a component's request. */
const char *kaal_broker_claim_error(kaal_error_t err);
