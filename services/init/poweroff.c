// SPDX-License-Identifier: BSD-2-Clause
/*
 * Power-off in init (KAAL_INIT_LABEL_POWEROFF): ACPI S5, SLP_TYP from the
 * DSDT's \_S5 with SLP_EN into the FADT's PM1a/b_CNT (I/O space only).
 */
#include "devices.h"
#include "system.h"
#include "vm.h"

#include <kaal/arch/cpu.h>
#include <kaal/stdio.h>

/* ACPI S5 through one PM1x_CNT register (I/O space only). */
static void write_slp(const kaal_acpi_gas_t *cnt, uint8_t slp_typ)
{
    if (cnt->address == 0 || cnt->space != KAAL_ACPI_SPACE_IO || cnt->address > 0xfffe)
        return;
    uint16_t port = (uint16_t)cnt->address;
    kaal_slot_ret_t slot = kaal_cspace_alloc(&init_cspace, 1);
    if (slot.err || seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, port, port + 1,
                                                 seL4_CapInitThreadCNode, slot.slot,
                                                 seL4_WordBits) != seL4_NoError)
        return;
    seL4_X86_IOPort_Out16(slot.slot, port, (uint16_t)((slp_typ & 7) << 10 | 1u << 13));
}

kaal_error_t init_poweroff(void)
{
    if (!init_acpi.fadt.present || !init_acpi.fadt.s5_valid)
        return KAAL_ENOSYS;
    printf("init: powering off (ACPI S5)\n");
    write_slp(&init_acpi.fadt.pm1a_cnt, init_acpi.fadt.s5_slp_typ_a);
    write_slp(&init_acpi.fadt.pm1b_cnt, init_acpi.fadt.s5_slp_typ_b);
    /* QEMU acts on the request from its main loop, a moment later: give it
     * that moment before telling the caller S5 did not work. */
    for (unsigned long i = 0; i < 20000000ul; i++)
        kaal_cpu_relax();
    return KAAL_ENOSYS; /* still here */
}
