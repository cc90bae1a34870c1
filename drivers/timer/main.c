// SPDX-License-Identifier: BSD-2-Clause
/* The timer component: the DDDK's seL4 platform over the PIT's ports and
 * IRQ (`devices = ["pit"]`) and its "clients" endpoint, with its own
 * notification bound to its TCB so the one seL4_Recv returns the PIT's
 * interrupt and the clients' calls, and room to keep one notification per
 * client (names from <timer_caps.h>); then the DDDK's main. It returns
 * only if the driver could not start.
 */
#include <kaal/dddk_sel4.h>
#include <kaal/sysdesc.h>

#include "deadlines.h"
#include "timer_caps.h"
#include "timer_driver.h"

_Static_assert(TIMER_MAX_CLIENTS <= KAAL_DDDK_SEL4_MAX_KEPT_CAPS, "kept caps");

static kaal_dddk_sel4_t cfg = {
    .isa_name = "pit",
    .n_io = 1,
    .io = {{KAAL_CAP_PIT_IOPORT, KAAL_DEV_PIT_PORT_BASE, KAAL_DEV_PIT_PORT_COUNT}},
    .irq_handler = KAAL_CAP_PIT_IRQ,
    .isa_irq = KAAL_DEV_PIT_IRQ,
    .events = KAAL_CAP_IRQ_EVENTS,
    .rpc_ep = KAAL_CAP_CLIENTS,
    .tcb = KAAL_SYSDESC_SLOT_TCB,
    .recv_caps = TIMER_MAX_CLIENTS,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
};

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "timer", "timer");
}
