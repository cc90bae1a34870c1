/* SPDX-License-Identifier: BSD-2-Clause */
/* The 16550A register map (National Semiconductor PC16550D data sheet,
 * "Register Summary"): offsets from the base port and the bits the driver
 * and the simulator in tests/unit/dddk/ use. Hardware description only. */
#pragma once

enum uart16550_reg {
    UART_RBR = 0, /* read, DLAB=0: receive buffer */
    UART_THR = 0, /* write, DLAB=0: transmit holding */
    UART_DLL = 0, /* DLAB=1: divisor latch low */
    UART_IER = 1, /* DLAB=0: interrupt enable */
    UART_DLM = 1, /* DLAB=1: divisor latch high */
    UART_IIR = 2, /* read: interrupt identification */
    UART_FCR = 2, /* write: FIFO control */
    UART_LCR = 3, /* line control */
    UART_MCR = 4, /* modem control */
    UART_LSR = 5, /* line status */
    UART_MSR = 6, /* modem status */
    UART_SCR = 7, /* scratch */
    UART_N_PORTS = 8,
};

#define UART_IER_RDA 0x01  /* received data available (and character timeout) */
#define UART_IER_THRE 0x02 /* transmitter holding register empty */
#define UART_IER_RLS 0x04  /* receiver line status */
#define UART_IER_MS 0x08   /* modem status */

#define UART_IIR_NONE 0x01    /* no interrupt pending */
#define UART_IIR_ID 0x06      /* identification bits, without the timeout bit */
#define UART_IIR_TIMEOUT 0x08 /* with RDA's bits: character timeout */
#define UART_IIR_MS 0x00      /* priority 4: modem status (read MSR) */
#define UART_IIR_THRE 0x02    /* priority 3: THR empty (read IIR or write THR) */
#define UART_IIR_RDA 0x04     /* priority 2: RX FIFO at trigger level */
#define UART_IIR_RLS 0x06     /* priority 1: overrun/parity/framing/break (read LSR) */
#define UART_IIR_CTI 0x0c     /* priority 2: character timeout (read RBR) */
#define UART_IIR_FIFO 0xc0    /* FIFOs enabled */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_TRIGGER_1 0x00 /* RX interrupt at 1, 4, 8, 14 bytes */
#define UART_FCR_TRIGGER_4 0x40
#define UART_FCR_TRIGGER_8 0x80
#define UART_FCR_TRIGGER_14 0xc0

#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT2 0x08 /* on PCs, gates the INTR line to the interrupt controller */
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01 /* data ready */
#define UART_LSR_OE 0x02 /* overrun error */
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20 /* THR (FIFO mode: TX FIFO) empty */
#define UART_LSR_TEMT 0x40 /* THR and shift register empty */

#define UART_FIFO_BYTES 16
#define UART_CLOCK_HZ 1843200 /* divisor = 115200 / baud */
