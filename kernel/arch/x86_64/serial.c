// SPDX-License-Identifier: BSD-2-Clause
/* COM1 (16550 at 0x3F8) as the kernel console: polled transmit only. User
 * space gets its own interrupt-driven driver; the kernel keeps this for boot
 * messages, seL4_DebugPutChar and fault reports. */
#include <kernel/machine.h>
#include <arch/io.h>

#define COM1 0x3F8

void x86_serial_init(void);

void x86_serial_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xC7); /* FIFO on, cleared, 14-byte threshold */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void arch_console_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}
