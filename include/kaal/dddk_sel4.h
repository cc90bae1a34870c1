/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DDDK's platform in the guest (runtime/dddk/platform_sel4.c): a
 * kaal_dddk_platform_t over the caps init granted a component from its
 * system.toml entry. The component's main fills a kaal_dddk_sel4_t from its
 * generated <NAME_caps.h> (device grant, events notification, ring ends)
 * and calls kaal_dddk_sel4_platform(); there is no broker round trip: the
 * "bundle" is the device grant itself.
 *
 *   request_bundle ISA: the grant's ports and IRQ from the header. PCI
 *                  (pci_vendor set): the device init claimed for this
 *                  component, from the start record's pci[] entry (BARs
 *                  where the broker placed them, INTx's IOAPIC input) and
 *                  its DMA region; I/O BARs become IO ranges in BAR order
 *   map_mmio       the vaddr init mapped the BAR at (uncached): nothing to
 *                  do at run time, the mapping exists from the start
 *   alloc_dma      the start record's DMA region (vaddr, paddr, size)
 *   io_in/io_out   seL4_X86_IOPort_In/Out through the range's I/O port cap
 *   bind_irq       mints a copy of the events notification badged with
 *                  irq_bit into free_slot, seL4_IRQHandler_SetNotification
 *                  and a first Ack
 *   ack_irq        seL4_IRQHandler_Ack
 *   open_channel   the ring end's queue/data vaddrs from the header (init
 *                  formatted the queues before the component started)
 *   wait           seL4_Wait on the events notification; with rpc_ep (an
 *                  rpc_server end), seL4_Recv there instead: an RPC event
 *                  (such a driver has no ring ends unless it is bound). A
 *                  bound RPC driver (tcb set, its end declared
 *                  `bound_notification = true`: drivers/timer, drivers/
 *                  virtio-net) has events bound to its TCB: the Recv also
 *                  returns the IRQ's signal and ring signals, told from a
 *                  call by the badge (kaal_dddk_sel4_recv_kind)
 *   signal         seL4_NBSend with no words: a signal on a notification
 *                  cap (ring ends, clients' kept notifications); never
 *                  blocks, even on an endpoint cap a client passed off
 *   reply          seL4_Reply to the RPC event's caller
 *   keep_cap       (recv_caps set) every Recv's receive path is the slot
 *                  after free_slot; the cap a call carried is moved to
 *                  kept slot free_slot + 2 + index, else deleted before
 *                  the next Recv
 */
#pragma once

#include <kaal/component.h>
#include <kaal/dddk.h>
#include <sel4/sel4.h>

#define KAAL_DDDK_SEL4_MAX_CHANNELS 8
/* The events bit the IRQ sets (ring ends use the low bits). */
#define KAAL_DDDK_SEL4_IRQ_BIT (1ull << 63)
/* ... and in an RPC driver, whose events notification is bound to its TCB:
 * below KAAL_RPC_BADGE_CLIENT, which every client badge carries. */
#define KAAL_DDDK_SEL4_BOUND_IRQ_BIT (1ull << 61)
/* Caps an RPC driver may keep from its clients (kaal_dddk_keep_cap). */
#define KAAL_DDDK_SEL4_MAX_KEPT_CAPS 32

typedef struct kaal_dddk_sel4_channel {
    const char *name; /* the ring end's name in system.toml */
    uint64_t queue_vaddr, data_vaddr, data_size_bytes;
    uint32_t queue_depth;
    uint64_t event_bit;   /* KAAL_RING_<END>_EVENT_BIT */
    seL4_CPtr signal_cap; /* KAAL_CAP_<END> */
} kaal_dddk_sel4_channel_t;

typedef struct kaal_dddk_sel4 {
    const char *isa_name; /* what the grant is, for the driver's match ("com1") */
    unsigned n_io;
    struct {
        seL4_CPtr cap; /* KAAL_CAP_<DEV>_IOPORT */
        uint16_t base, n_ports;
    } io[KAAL_DDDK_MAX_IO];
    /* A PCI grant: its ids (KAAL_DEV_<DEV>_PCI_VENDOR/DEVICE; 0: ISA) and
     * the caps of its I/O BARs by BAR number (KAAL_CAP_<DEV>_BAR<n>). */
    uint16_t pci_vendor, pci_device;
    seL4_CPtr pci_io_caps[KAAL_COMPONENT_PCI_BARS];
    seL4_CPtr irq_handler; /* KAAL_CAP_<DEV>_IRQ; 0: no IRQ */
    uint8_t isa_irq;
    seL4_CPtr events;    /* KAAL_CAP_EVENTS: read + write */
    seL4_CPtr rpc_ep;    /* KAAL_CAP_<END> of an rpc_server end; 0: none */
    seL4_CPtr cnode;     /* the component's own CNode (KAAL_SYSDESC_SLOT_CNODE) */
    seL4_CPtr free_slot; /* for the badged IRQ notification (KAAL_COMPONENT_FIRST_FREE_SLOT) */
    /* A bound RPC driver (IRQ or rings besides calls): its own TCB
     * (KAAL_SYSDESC_SLOT_TCB), to bind events to; 0: an RPC driver has
     * neither. The end must say `bound_notification = true`. */
    seL4_CPtr tcb;
    /* An RPC driver that takes caps from clients: how many it may keep
     * (at most KAAL_DDDK_SEL4_MAX_KEPT_CAPS; slots free_slot + 2 ...);
     * 0: calls' caps are not received. */
    unsigned recv_caps;
    unsigned n_channels;
    kaal_dddk_sel4_channel_t channels[KAAL_DDDK_SEL4_MAX_CHANNELS];
    /* Filled by request_bundle for a PCI grant (the platform's own). */
    const kaal_component_pci_t *pci;
    kaal_device_t pci_device_desc;
    bool bound; /* the events notification is bound to tcb (done once) */
} kaal_dddk_sel4_t;

/* What an RPC driver's seL4_Recv returned: with bound (its events are
 * bound to its TCB), a badge without KAAL_RPC_BADGE_CLIENT that is not
 * init's is its notification's word (KAAL_DDDK_EVENT_NOTIFY); anything
 * else is a call (KAAL_DDDK_EVENT_RPC). */
static inline kaal_dddk_event_kind_t kaal_dddk_sel4_recv_kind(int bound, seL4_Word badge)
{
    if (bound && badge != KAAL_RPC_BADGE_INIT && !(badge & KAAL_RPC_BADGE_CLIENT))
        return KAAL_DDDK_EVENT_NOTIFY;
    return KAAL_DDDK_EVENT_RPC;
}

/* Fills *platform with the seL4 ops over cfg (which must outlive it). */
void kaal_dddk_sel4_platform(kaal_dddk_sel4_t *cfg, kaal_dddk_platform_t *platform);
/* A driver component's main: the platform over cfg, then kaal_dddk_main
 * for the linked driver named `driver`. Returns (1) only if the driver could
 * not start or its loop ended, after printing "<who>: driver stopped: ...";
 * init then reports the exit. */
int kaal_dddk_sel4_run(kaal_dddk_sel4_t *cfg, const char *driver, const char *who);
