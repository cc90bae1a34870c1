// SPDX-License-Identifier: BSD-2-Clause
/* The rtc driver component: the DDDK's seL4 platform over the RTC's ports
 * (`devices = ["rtc"]`) and its "clients" endpoint (component.toml, names
 * from <rtc_caps.h>), then the DDDK's main, which answers every call with
 * the driver's rpc op. It returns only if the driver could not start.
 */
#include <kaal/dddk_sel4.h>
#include <kaal/sysdesc.h>

#include "rtc.h"
#include "rtc_caps.h"

static kaal_dddk_sel4_t cfg = {
    .isa_name = "rtc",
    .n_io = 1,
    .io = {{KAAL_CAP_RTC_IOPORT, KAAL_DEV_RTC_PORT_BASE, KAAL_DEV_RTC_PORT_COUNT}},
    .rpc_ep = KAAL_CAP_CLIENTS,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
};

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "rtc", "rtc");
}
