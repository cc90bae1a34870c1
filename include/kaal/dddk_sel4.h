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
 *                  (such a driver has no IRQ and no ring ends), unless tcb
 *                  is set too (the end is declared `signals = true`): then
 *                  the events notification is bound to the thread and one
 *                  seL4_Recv brings calls (badge with KAAL_RPC_BADGE_CLIENT
 *                  or KAAL_RPC_BADGE_INIT) and notification words (the IRQ
 *                  on KAAL_DDDK_SEL4_BOUND_IRQ_BIT, ring ends below)
 *   signal         seL4_Signal on the ring end's badged notification cap
 *   reply          seL4_Reply to the RPC event's caller
 */
#pragma once

#include <kaal/component.h>
#include <kaal/dddk.h>
#include <sel4/sel4.h>

#define KAAL_DDDK_SEL4_MAX_CHANNELS 8
/* The events bit the IRQ sets (ring ends use the low bits). */
#define KAAL_DDDK_SEL4_IRQ_BIT (1ull << 63)
/* The same with a bound rpc end: bits 62 and 63 are call badges there. */
#define KAAL_DDDK_SEL4_BOUND_IRQ_BIT (1ull << 61)

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
    seL4_CPtr tcb;       /* with rpc_ep: bind events to this TCB (KAAL_SYSDESC_SLOT_TCB);
                            the end must say `signals = true` in component.toml */
    seL4_CPtr cnode;     /* the component's own CNode (KAAL_SYSDESC_SLOT_CNODE) */
    seL4_CPtr free_slot; /* for the badged IRQ notification (KAAL_COMPONENT_FIRST_FREE_SLOT) */
    unsigned n_channels;
    kaal_dddk_sel4_channel_t channels[KAAL_DDDK_SEL4_MAX_CHANNELS];
    /* Filled by request_bundle for a PCI grant (the platform's own). */
    const kaal_component_pci_t *pci;
    kaal_device_t pci_device_desc;
    bool bound; /* the events notification is bound (first wait) */
} kaal_dddk_sel4_t;

/* Fills *platform with the seL4 ops over cfg (which must outlive it). */
void kaal_dddk_sel4_platform(kaal_dddk_sel4_t *cfg, kaal_dddk_platform_t *platform);
/* A driver component's main: the platform over cfg, then kaal_dddk_main
 * for the linked driver named `driver`. Returns (1) only if the driver could
 * not start or its loop ended, after printing "<who>: driver stopped: ...";
 * init then reports the exit. */
int kaal_dddk_sel4_run(kaal_dddk_sel4_t *cfg, const char *driver, const char *who);
