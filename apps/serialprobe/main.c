// SPDX-License-Identifier: BSD-2-Clause
/*
 * Device capabilities at work: the 16550 at COM2 (ports 0x2f8-0x2ff, IRQ 3)
 * through the caps init issued from system.toml's `devices = ["serial1"]`.
 * Enabling the transmit-holding-register-empty interrupt on an idle UART
 * raises IRQ 3 at once (16550 datasheet: THRE interrupt); it arrives as a
 * signal on our notification.
 */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "serialprobe_caps.h"

#define COM2 KAAL_DEV_SERIAL1_PORT_BASE
#define IER 1
#define IIR 2
#define MCR 4
#define LSR 5

int main(void)
{
    seL4_X86_IOPort_In8_t lsr = seL4_X86_IOPort_In8(KAAL_CAP_SERIAL1_IOPORT, COM2 + LSR);
    printf("probe: LSR %#x (error %d)\n", lsr.result, lsr.error);
    /* A port outside the cap's range is refused by the kernel. */
    seL4_X86_IOPort_In8_t other = seL4_X86_IOPort_In8(KAAL_CAP_SERIAL1_IOPORT, 0x3f8 + LSR);
    printf("probe: COM1 through COM2's cap: error %d\n", other.error);

    if (seL4_IRQHandler_SetNotification(KAAL_CAP_SERIAL1_IRQ, KAAL_CAP_NOTE) != seL4_NoError ||
        seL4_IRQHandler_Ack(KAAL_CAP_SERIAL1_IRQ) != seL4_NoError) {
        printf("probe: cannot bind the IRQ\n");
        return 1;
    }
    seL4_X86_IOPort_Out8(KAAL_CAP_SERIAL1_IOPORT, COM2 + MCR, 0x08); /* OUT2: IRQ line on */
    seL4_X86_IOPort_Out8(KAAL_CAP_SERIAL1_IOPORT, COM2 + IER, 0x02); /* THRE interrupt */
    seL4_Word badge;
    seL4_Wait(KAAL_CAP_NOTE, &badge);
    seL4_X86_IOPort_In8_t iir = seL4_X86_IOPort_In8(KAAL_CAP_SERIAL1_IOPORT, COM2 + IIR);
    printf("probe: IRQ %d arrived (IIR %#x)\n", KAAL_DEV_SERIAL1_IRQ, iir.result);
    seL4_X86_IOPort_Out8(KAAL_CAP_SERIAL1_IOPORT, COM2 + IER, 0);
    return 0;
}
