// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsel4 corpus: a polled-then-interrupt-driven x86 device as in the seL4
 * interrupts tutorial and sel4test's ioports tests: issue an I/O port cap,
 * read and write ports, get an IOAPIC IRQ handler, bind it to a
 * notification, wait and acknowledge; an MSI handler (GetMSI) and the
 * generic IRQControl_Get x86 refuses.
 * Checked to compile against real libsel4 (make check-libsel4).
 */
#include <sel4/sel4.h>

#define COM1 0x3f8
#define COM1_IRQ_PIN 4

seL4_Error devices_main(seL4_BootInfo *info, seL4_CPtr ntfn);

seL4_Error devices_main(seL4_BootInfo *info, seL4_CPtr ntfn)
{
    seL4_CPtr port_cap = info->empty.start, irq_cap = port_cap + 1;
    seL4_Error error = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, COM1, COM1 + 7,
                                                    seL4_CapInitThreadCNode, port_cap,
                                                    seL4_WordBits);
    if (error != seL4_NoError)
        return error;
    seL4_X86_IOPort_In8_t lsr = seL4_X86_IOPort_In8(port_cap, COM1 + 5);
    if (lsr.error != seL4_NoError)
        return (seL4_Error)lsr.error;
    seL4_X86_IOPort_In16_t w16 = seL4_X86_IOPort_In16(port_cap, COM1);
    seL4_X86_IOPort_In32_t w32 = seL4_X86_IOPort_In32(port_cap, COM1 + 4);
    (void)w16;
    (void)w32;
    error = seL4_X86_IOPort_Out8(port_cap, COM1 + 1, 0x01);
    if (error != seL4_NoError)
        return error;
    seL4_X86_IOPort_Out16(port_cap, COM1, 0);
    seL4_X86_IOPort_Out32(port_cap, COM1 + 4, 0);

    error = seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, seL4_CapInitThreadCNode, irq_cap,
                                      seL4_WordBits, 0, COM1_IRQ_PIN, 0, 0, COM1_IRQ_PIN);
    if (error != seL4_NoError)
        return error;
    error = seL4_IRQHandler_SetNotification(irq_cap, ntfn);
    if (error != seL4_NoError)
        return error;
    error = seL4_IRQHandler_Ack(irq_cap);
    if (error != seL4_NoError)
        return error;
    seL4_Word badge;
    seL4_Wait(ntfn, &badge);
    error = seL4_IRQHandler_Ack(irq_cap);
    if (error != seL4_NoError)
        return error;
    return seL4_IRQHandler_Clear(irq_cap);
}

/* An MSI for a PCI function (the driver programs the device's MSI
 * capability itself); the generic Get, which x86 refuses. */
seL4_Error msi_irq(seL4_CPtr irq_cap, seL4_CPtr ntfn);
seL4_Error msi_irq(seL4_CPtr irq_cap, seL4_CPtr ntfn)
{
    seL4_Error error = seL4_IRQControl_GetMSI(seL4_CapIRQControl, seL4_CapInitThreadCNode,
                                              irq_cap, seL4_WordBits, 0, 3, 0, 0, 100);
    if (error != seL4_NoError)
        return error;
    error = seL4_IRQHandler_SetNotification(irq_cap, ntfn);
    if (error != seL4_NoError)
        return error;
    if (seL4_IRQControl_Get(seL4_CapIRQControl, 5, seL4_CapInitThreadCNode, irq_cap + 1,
                            seL4_WordBits) != seL4_IllegalOperation)
        return seL4_InvalidArgument;
    return seL4_IRQHandler_Ack(irq_cap);
}
