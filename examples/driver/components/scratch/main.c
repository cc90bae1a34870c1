// SPDX-License-Identifier: BSD-2-Clause
/* scratch: a DDDK driver for the 16550 UART serial1. The descriptor says
 * what it matches and needs (one I/O port range of 8); the DDDK maps the
 * grant from component.toml, calls init, then answers RPCs with the rpc op.
 * The device logic is the scratch register (16550 datasheet, register 7):
 * a UART that is there gives back what was written; without one the bus
 * reads 0xff. */
#include <kaal/dddk_sel4.h>
#include <kaal/stdio.h>
#include <kaal/sysdesc.h>

#include "scratch_caps.h"

enum { UART_SCRATCH = 7, UART_N_PORTS = 8, SCRATCH_READ_SCRATCH = 1 };

static kaal_error_t scratch_init(kaal_dddk_device_t *dev)
{
    kaal_dddk_io_t *io = kaal_dddk_io(dev, 0);
    kaal_dddk_out8(io, UART_SCRATCH, 0x5a);
    bool present = kaal_dddk_in8(io, UART_SCRATCH) == 0x5a;
    printf("scratch: driver started on serial1 (ports 0x%x): %s\n",
           (unsigned)KAAL_DEV_SERIAL1_PORT_BASE, present ? "a UART answers" : "no UART there");
    return KAAL_OK;
}

static kaal_error_t scratch_rpc(kaal_dddk_device_t *dev, uint64_t badge, const kaal_dddk_msg_t *req,
                                kaal_dddk_msg_t *reply)
{
    (void)badge;
    if (req->label != SCRATCH_READ_SCRATCH)
        return KAAL_ENOSYS;
    reply->n_words = 1;
    reply->words[0] = kaal_dddk_in8(kaal_dddk_io(dev, 0), UART_SCRATCH);
    return KAAL_OK;
}

KAAL_DRIVER(scratch, .name = "scratch", .match = KAAL_DDDK_MATCH_ISA("serial1"),
            .resources = {.n_io = 1, .io_ports = {UART_N_PORTS}}, .service = {.name = "scratch"},
            .ops = {.init = scratch_init, .rpc = scratch_rpc});

static kaal_dddk_sel4_t cfg = {
    .isa_name = "serial1",
    .n_io = 1,
    .io = {{KAAL_CAP_SERIAL1_IOPORT, KAAL_DEV_SERIAL1_PORT_BASE, KAAL_DEV_SERIAL1_PORT_COUNT}},
    .rpc_ep = KAAL_CAP_CLIENTS,
    .cnode = KAAL_SYSDESC_SLOT_CNODE,
    .free_slot = KAAL_COMPONENT_FIRST_FREE_SLOT,
};

int main(void)
{
    return kaal_dddk_sel4_run(&cfg, "scratch", "scratch");
}
