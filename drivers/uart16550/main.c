// SPDX-License-Identifier: BSD-2-Clause
/* The uart16550 driver component: the DDDK's seL4 platform over the caps
 * system.toml grants it (`devices = ["serial0"]`, ring ends "tx" and "rx",
 * names from <uart16550_caps.h>, generated from component.toml), then the
 * DDDK's main (kaal_dddk_sel4_run). It returns only if the driver could not
 * start; init then reports the exit.
 */
#include <kaal/dddk_sel4.h>
#include <kaal/sysdesc.h>

#include "uart16550.h"
#include "uart16550_caps.h"

static kaal_dddk_sel4_t cfg = {
    .isa_name = "com1",
    .n_io = 1,
    .io = {{KAAL_CAP_SERIAL0_IOPORT, KAAL_DEV_SERIAL0_PORT_BASE, KAAL_DEV_SERIAL0_PORT_COUNT}},
    .irq_handler = KAAL_CAP_SERIAL0_IRQ,
    .isa_irq = KAAL_DEV_SERIAL0_IRQ,
    .events = KAAL_CAP_EVENTS,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
    .n_channels = 2,
    .channels = {{"tx", KAAL_RING_TX_QUEUE_VADDR, KAAL_RING_TX_DATA_VADDR,
                  KAAL_RING_TX_DATA_SIZE_BYTES, KAAL_RING_TX_QUEUE_DEPTH, KAAL_RING_TX_EVENT_BIT,
                  KAAL_CAP_TX},
                 {"rx", KAAL_RING_RX_QUEUE_VADDR, KAAL_RING_RX_DATA_VADDR,
                  KAAL_RING_RX_DATA_SIZE_BYTES, KAAL_RING_RX_QUEUE_DEPTH, KAAL_RING_RX_EVENT_BIT,
                  KAAL_CAP_RX}},
};

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "uart16550", "uart");
}
