// SPDX-License-Identifier: BSD-2-Clause
/* Interrupt-driven 16550A UART driver (the device logic; the DDDK does the
 * rest). 115200 8N1, FIFOs on, RX interrupt at 1 byte.
 *
 * Model: every interrupt is handled by asking IIR what the UART wants until
 * it says "none" (the INTR line is edge-routed on PCs, so leaving a source
 * pending would lose the line). RX: each "data available" identification
 * means at least one byte in the RX FIFO; read one RBR per identification,
 * so the line status register is never polled for RX. TX: the client's
 * bytes are written 16 at a time (the TX FIFO depth) when the THRE
 * interrupt says the FIFO is empty; the THRE interrupt is enabled exactly
 * while bytes are in flight, and the TX channel is "busy" for the DDDK then
 * (client signals do not call the driver; the next THRE reads the ring).
 * RX overflow: when the client has no free buffer the byte is read anyway
 * (to clear the interrupt) and counted in `dropped`.
 */
#include "uart16550.h"
#include "uart16550_regs.h"

static uart16550_state_t uart; /* one device per driver component */
static kaal_dddk_io_t *io;     /* its 8 ports */

/* Fills the empty TX FIFO from the client's stream. Also the channel op:
 * the client signalled TX (the DDDK calls it only while TX is not busy). */
static void tx_fill(kaal_dddk_device_t *dev, unsigned ch)
{
    if (ch != UART16550_CH_TX)
        return; /* RX: the client freed buffers; nothing to do */
    unsigned n = 0;
    for (int c; n < UART_FIFO_BYTES && (c = kaal_bytestream_get(kaal_dddk_in(dev, 0))) >= 0; n++)
        kaal_dddk_out8(io, UART_THR, (uint8_t)c);
    kaal_dddk_out8(io, UART_IER, UART_IER_RDA | UART_IER_RLS | (n > 0 ? UART_IER_THRE : 0));
    kaal_dddk_channel_busy(dev, UART16550_CH_TX, n > 0);
}

static kaal_error_t uart_init(kaal_dddk_device_t *dev)
{
    io = kaal_dddk_io(dev, 0);
    kaal_dddk_out8(io, UART_SCR, 0x5a);
    if (kaal_dddk_in8(io, UART_SCR) != 0x5a)
        return KAAL_ENOENT; /* nothing answers at these ports */
    kaal_dddk_out8(io, UART_LCR, UART_LCR_DLAB);
    kaal_dddk_out8(io, UART_DLL, 1); /* divisor 1: 115200 baud */
    kaal_dddk_out8(io, UART_DLM, 0);
    kaal_dddk_out8(io, UART_LCR, UART_LCR_8N1);
    kaal_dddk_out8(io, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
    kaal_dddk_out8(io, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    tx_fill(dev, UART16550_CH_TX); /* enables the RX interrupts */
    return KAAL_OK;
}

static void uart_irq(kaal_dddk_device_t *dev)
{
    for (uint8_t iir; !((iir = kaal_dddk_in8(io, UART_IIR)) & UART_IIR_NONE);) {
        switch (iir & UART_IIR_ID) { /* the timeout bit is masked: CTI reads as RDA */
        case UART_IIR_RLS: uart.overruns += !!(kaal_dddk_in8(io, UART_LSR) & UART_LSR_OE); break;
        case UART_IIR_RDA:
            uart.dropped +=
                !kaal_bytestream_put(kaal_dddk_out(dev, 1), kaal_dddk_in8(io, UART_RBR));
            break;
        case UART_IIR_THRE: tx_fill(dev, UART16550_CH_TX); break;
        default: kaal_dddk_in8(io, UART_MSR); break;
        }
    }
    kaal_bytestream_flush(kaal_dddk_out(dev, UART16550_CH_RX));
}

KAAL_DRIVER(uart16550, .name = "uart16550", .match = KAAL_DDDK_MATCH_ISA("com1"),
            .resources = {.n_io = 1, .io_ports = {UART_N_PORTS}, .irq = true},
            .service = {"serial", 2, {{"tx", KAAL_DDDK_CHANNEL_IN}, {"rx", KAAL_DDDK_CHANNEL_OUT}}},
            .ops = {uart_init, uart_irq, tx_fill}, .data = &uart);
