/* SPDX-License-Identifier: BSD-2-Clause */
/* A model of the 16550A UART for host tests (see sim16550.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM16550_FIFO_BYTES 16
#define SIM16550_WIRE_BYTES 8192
#define SIM16550_STUCK_READS 10000

typedef struct sim16550 {
    bool present; /* false: reads float (0xff), writes vanish */
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    bool fifo_enabled;
    unsigned rx_trigger; /* bytes: 1, 4, 8, 14 */
    uint8_t rx_fifo[SIM16550_FIFO_BYTES];
    unsigned rx_head, rx_count;
    uint8_t tx_fifo[SIM16550_FIFO_BYTES];
    unsigned tx_head, tx_count;
    bool thre_pending;    /* THRE interrupt latched (cleared by IIR read or THR write) */
    bool timeout_pending; /* character timeout (set by sim16550_rx_idle) */
    uint8_t lsr_errors;   /* OE/PE/FE/BI, cleared by reading LSR */
    /* what left the UART on its TX line */
    uint8_t wire[SIM16550_WIRE_BYTES];
    size_t wire_bytes;
    /* counters the tests check */
    unsigned n_lsr_reads, n_iir_reads, n_rbr_reads, n_thr_writes;
    unsigned n_tx_overflow; /* THR written while the TX FIFO was full: a driver bug */
    unsigned n_rx_lost;     /* bytes that arrived to a full RX FIFO */
    unsigned max_tx_level;  /* highest TX FIFO fill seen */
    /* IIR reported the same source this many times in a row with no other
     * access in between: a driver that never clears it would spin forever,
     * so after SIM16550_STUCK_READS the model says "none" and sets stuck */
    unsigned same_iir_reads;
    bool stuck;
} sim16550_t;

void sim16550_reset(sim16550_t *s);
uint8_t sim16550_read(sim16550_t *s, uint16_t offset);
void sim16550_write(sim16550_t *s, uint16_t offset, uint8_t value);
/* The INTR pin as the interrupt controller sees it (gated by MCR.OUT2). */
bool sim16550_irq_line(const sim16550_t *s);
/* What IIR would say now, without the read side effects. */
uint8_t sim16550_peek_iir(const sim16550_t *s);
/* A byte arrives on the RX line. */
void sim16550_receive(sim16550_t *s, uint8_t byte);
/* Up to n bytes leave the TX FIFO (time passes); returns how many. */
size_t sim16550_transmit(sim16550_t *s, size_t n);
/* Four character times pass with no new RX byte. */
void sim16550_rx_idle(sim16550_t *s);
