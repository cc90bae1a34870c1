// SPDX-License-Identifier: BSD-2-Clause
/*
 * e1000: Linux's e1000 driver (drivers/net/ethernet/intel/e1000/e1000_*.c of
 * Debian's linux-source-6.1, unmodified) as a KaaL NIC driver component on
 * DDE-Linux. This file is the glue, the only e1000-specific KaaL code:
 *
 *   the platform  <dde/platform.h>'s clock (kaal_time_ns), delays, console
 *                 and port I/O (the I/O BAR's cap) for the shim;
 *   init          the DMA region and the ring data regions to the shim's
 *                 DMA layer, the rings to the bridge (<dde/netring.h>), the
 *                 granted PCI function (config space snapshot, BARs, INTx)
 *                 to its PCI core; then the driver's module_init
 *                 (pci_register_driver: e1000_probe runs, register_netdev)
 *                 and the interface is opened (e1000_open);
 *   events        the DDDK loop delivers the INTx (dde_irq_raise: e1000_intr
 *                 schedules NAPI), ring signals and the timer's signal;
 *                 after each, service() runs what is due (timers, work,
 *                 NAPI polls), pumps the rings and asks the timer component
 *                 for a signal at the next Linux timer's expiry;
 *   ctl           KAAL_NETDEV_RPC_INFO: MAC, link (open and carrier), MTU.
 *
 * One thread: the events notification is bound to it and ctl is declared
 * `bound_notification = true`, so calls, ring signals, the IRQ and the
 * timer's badged signal all arrive at one seL4_Recv.
 */
#include <kaal/dddk_sel4.h>
#include <kaal/netdev.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>
#include <kaal/timer.h>

#include <dde/net.h>
#include <dde/netring.h>
#include <dde/platform.h>

#include "e1000_caps.h"

#define TIMER_EVENT_BIT (1ull << 60) /* badge of the timer's copy of events */
#define SELF_EVENT_BIT (1ull << 59)  /* "more is due": a signal to ourselves */
#define SLOT_TIMER_NTFN (KAAL_COMPONENT_FIRST_FREE_SLOT + 4)
#define SLOT_SELF_NTFN (KAAL_COMPONENT_FIRST_FREE_SLOT + 5)

static dde_netring_t ring;
static bool running, have_timer;
static uint64_t timer_deadline_ns;
static uint16_t io_base, io_ports;

static kaal_dddk_sel4_t cfg = {
    .pci_vendor = KAAL_DEV_E1000_PCI_VENDOR,
    .pci_device = KAAL_DEV_E1000_PCI_DEVICE,
    .pci_io_caps = {[1] = KAAL_CAP_E1000_BAR1},
    .irq_handler = KAAL_CAP_E1000_IRQ,
    .events = KAAL_CAP_EVENTS,
    .rpc_ep = KAAL_CAP_CTL,
    .tcb = KAAL_SYSDESC_SLOT_TCB,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
};

/* ---- the platform the shim runs on ---- */

uint64_t dde_platform_now_ns(void)
{
    return kaal_time_ns();
}

void dde_platform_delay_ns(uint64_t ns)
{
    uint64_t end = kaal_time_ns() + ns;
    while (kaal_time_ns() < end)
        __builtin_ia32_pause();
}

void dde_platform_print(const char *text)
{
    printf("%s", text);
}

_Noreturn void dde_platform_halt(void)
{
    kaal_exit(1);
}

bool dde_platform_port_in(uint16_t port, unsigned bytes, uint32_t *value)
{
    if (io_ports == 0 || port < io_base || port + bytes > (unsigned)io_base + io_ports)
        return false;
    seL4_CPtr cap = KAAL_CAP_E1000_BAR1;
    if (bytes == 1) {
        seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(cap, port);
        *value = r.result;
        return r.error == seL4_NoError;
    }
    if (bytes == 2) {
        seL4_X86_IOPort_In16_t r = seL4_X86_IOPort_In16(cap, port);
        *value = r.result;
        return r.error == seL4_NoError;
    }
    seL4_X86_IOPort_In32_t r = seL4_X86_IOPort_In32(cap, port);
    *value = r.result;
    return r.error == seL4_NoError;
}

bool dde_platform_port_out(uint16_t port, unsigned bytes, uint32_t value)
{
    if (io_ports == 0 || port < io_base || port + bytes > (unsigned)io_base + io_ports)
        return false;
    seL4_CPtr cap = KAAL_CAP_E1000_BAR1;
    seL4_Error e = bytes == 1   ? seL4_X86_IOPort_Out8(cap, port, value)
                   : bytes == 2 ? seL4_X86_IOPort_Out16(cap, port, value)
                                : seL4_X86_IOPort_Out32(cap, port, value);
    return e == seL4_NoError;
}

/* ---- the event loop's step ---- */

static void wake(void *ctx, unsigned peer)
{
    (void)ctx;
    seL4_Signal(peer == DDE_NETRING_PEER_RX ? KAAL_CAP_RX : KAAL_CAP_TX);
}

static void arm_timer(void)
{
    if (!have_timer)
        return;
    uint64_t deadline = dde_next_deadline_ns();
    if (deadline == timer_deadline_ns)
        return;
    if (kaal_timer_set_timeout(KAAL_CAP_TIMER, deadline) == KAAL_OK)
        timer_deadline_ns = deadline;
}

static void service(void)
{
    if (!running)
        return;
    bool more = dde_run_pending(8);
    dde_netring_poll(&ring);
    /* Work left (a NAPI poll used its budget): come straight back after
     * the loop has looked at the other events. */
    if (more || dde_run_pending(0))
        seL4_Signal(SLOT_SELF_NTFN);
    arm_timer();
}

static void start_timer(void)
{
    if (kaal_time_ns() == 0) {
        printf("e1000: no clock: Linux timers cannot run\n");
        return;
    }
    kaal_error_t err = kaal_timer_register_badged(KAAL_CAP_TIMER, KAAL_CAP_EVENTS,
                                                  SLOT_TIMER_NTFN, TIMER_EVENT_BIT);
    if (err != KAAL_OK) {
        printf("e1000: no timer service (%s): the watchdog will not find the link\n",
               kaal_strerror(err));
        return;
    }
    have_timer = true;
}

/* ---- DDDK ops ---- */

static uint64_t ring_paddr(const char *name)
{
    const kaal_component_ring_t *r = kaal_component_ring(name);
    return r ? r->data_paddr : 0;
}

static kaal_error_t e1000_init_op(kaal_dddk_device_t *dev)
{
    const kaal_component_pci_t *pci = cfg.pci;
    if (seL4_CNode_Mint(KAAL_SYSDESC_SLOT_CNODE, SLOT_SELF_NTFN, seL4_WordBits,
                        KAAL_SYSDESC_SLOT_CNODE, KAAL_CAP_EVENTS, seL4_WordBits, seL4_AllRights,
                        SELF_EVENT_BIT) != seL4_NoError)
        return KAAL_ENOMEM;
    start_timer();
    uint64_t rx_pa = ring_paddr("rx"), tx_pa = ring_paddr("tx");
    if (rx_pa == 0 || tx_pa == 0) {
        printf("e1000: refused: the rx/tx rings are not wired or not DMA memory\n");
        return KAAL_ENOENT;
    }
    if (dde_dma_init(dev->dma.vaddr, dev->dma.paddr, dev->dma.size_bytes) ||
        dde_dma_add_window((void *)KAAL_RING_RX_DATA_VADDR, rx_pa, KAAL_RING_RX_DATA_SIZE_BYTES) ||
        dde_dma_add_window((void *)KAAL_RING_TX_DATA_VADDR, tx_pa, KAAL_RING_TX_DATA_SIZE_BYTES)) {
        printf("e1000: refused: the DMA region is unusable\n");
        return KAAL_EINVAL;
    }
    dde_netring_mem_t mem = {
        .rx_queues = (void *)KAAL_RING_RX_QUEUE_VADDR,
        .rx_data = (uint8_t *)KAAL_RING_RX_DATA_VADDR,
        .rx_data_bytes = KAAL_RING_RX_DATA_SIZE_BYTES,
        .tx_queues = (void *)KAAL_RING_TX_QUEUE_VADDR,
        .tx_data = (uint8_t *)KAAL_RING_TX_DATA_VADDR,
        .tx_data_bytes = KAAL_RING_TX_DATA_SIZE_BYTES,
        .buffer_bytes = KAAL_NETDEV_BUFFER_BYTES,
    };
    if (dde_netring_attach(&ring, &mem, wake, NULL)) {
        printf("e1000: refused: the rings are not formatted\n");
        return KAAL_EINVAL;
    }
    dde_pci_desc_t desc = {
        .bus = pci->bus, .dev = pci->dev, .fn = pci->fn, .config = pci->config,
        .irq = pci->irq_gsi ? pci->irq_gsi : 1,
    };
    for (unsigned i = 0; i < 6; i++) {
        desc.bar[i].base = pci->bar_base[i];
        desc.bar[i].size_bytes = pci->bar_size[i];
        desc.bar[i].vaddr = (void *)(uintptr_t)pci->bar_vaddr[i];
        desc.bar[i].io = pci->bar_size[i] != 0 && pci->bar_vaddr[i] == 0;
        if (desc.bar[i].io && io_ports == 0) {
            io_base = (uint16_t)pci->bar_base[i];
            io_ports = (uint16_t)pci->bar_size[i];
        }
    }
    int err = dde_pci_add_device(&desc);
    if (err == 0)
        err = dde_run_initcalls();
    struct net_device *nd = dde_netdev();
    if (err || nd == NULL) {
        printf("e1000: the Linux driver did not attach (%d)\n", err);
        return KAAL_ENOENT;
    }
    dde_netring_bind(&ring, nd);
    err = dde_netdev_open(nd);
    if (err) {
        printf("e1000: %s: open failed: %d\n", nd->name, err);
        return KAAL_EIO;
    }
    printf("e1000: %s up (Linux e1000 on DDE-Linux), MAC %02x:%02x:%02x:%02x:%02x:%02x, "
           "IRQ gsi %u\n",
           nd->name, nd->dev_addr[0], nd->dev_addr[1], nd->dev_addr[2], nd->dev_addr[3],
           nd->dev_addr[4], nd->dev_addr[5], (unsigned)pci->irq_gsi);
    running = true;
    service();
    return KAAL_OK;
}

static void e1000_irq_op(kaal_dddk_device_t *dev)
{
    (void)dev;
    if (running)
        dde_irq_raise(cfg.pci->irq_gsi ? cfg.pci->irq_gsi : 1);
    service();
}

static void e1000_signal_op(kaal_dddk_device_t *dev, uint64_t bits)
{
    (void)dev;
    if (bits & TIMER_EVENT_BIT)
        timer_deadline_ns = 0; /* it fired */
    service();
}

static kaal_error_t e1000_rpc_op(kaal_dddk_device_t *dev, uint64_t badge,
                                 const kaal_dddk_msg_t *req, kaal_dddk_msg_t *reply)
{
    (void)dev;
    if (badge == KAAL_RPC_BADGE_INIT)
        return KAAL_OK; /* a client went: the rings carry on for the next one */
    if (req->label != KAAL_NETDEV_RPC_INFO)
        return KAAL_ENOSYS;
    struct net_device *nd = dde_netdev();
    if (nd == NULL)
        return KAAL_ENOENT;
    reply->n_words = 3;
    reply->words[0] = kaal_netdev_mac_pack(nd->dev_addr);
    reply->words[1] = dde_netring_link_up(&ring) ? KAAL_NETDEV_INFO_LINK_UP : 0;
    reply->words[2] = KAAL_NETDEV_MTU;
    return KAAL_OK;
}

KAAL_DRIVER(e1000, .name = "e1000",
            .match = KAAL_DDDK_MATCH_PCI(KAAL_DEV_E1000_PCI_VENDOR, KAAL_DEV_E1000_PCI_DEVICE),
            .resources = {.n_io = 1, .io_ports = {8}, .mmio_bars = 1u << 0, .irq = true,
                          .dma_bytes = KAAL_DMA_SIZE_BYTES},
            .ops = {.init = e1000_init_op,
                    .irq = e1000_irq_op,
                    .rpc = e1000_rpc_op,
                    .signal = e1000_signal_op});

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "e1000", "e1000");
}
